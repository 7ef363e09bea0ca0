"""Arrow columns built from their buffers, so the LAN recorder never imports pandas.

``pa.array``, ``pa.table`` and ``pa.Table.from_pylist`` look for pandas types first,
which imports pandas: about a quarter of a CPU-second, paid by every ``lakou flows
replay`` that keeps the LAN tables, even for one datagram. The recorder's columns are
numpy numbers or short strings, and Arrow takes both from buffers directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa


def numbers(values: npt.NDArray[Any], kind: pa.DataType | None = None) -> pa.Array:
    """A numeric numpy column as an Arrow array (``kind``, or the column's own type)."""
    kind = kind if kind is not None else pa.from_numpy_dtype(values.dtype)
    data = np.ascontiguousarray(values, dtype=np.dtype(kind.to_pandas_dtype()))
    return pa.Array.from_buffers(kind, len(data), [None, pa.py_buffer(data)])


def strings(values: Sequence[str | None]) -> pa.Array:
    """Strings (None: null) as an Arrow string array."""
    encoded = [b"" if v is None else v.encode() for v in values]
    sizes = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=len(encoded))
    offsets = np.zeros(len(encoded) + 1, dtype=np.int32)
    np.cumsum(sizes, out=offsets[1:])
    data = pa.py_buffer(b"".join(encoded))
    missing = [v is None for v in values]
    if not any(missing):
        return pa.Array.from_buffers(pa.string(), len(encoded), [None, pa.py_buffer(offsets), data])
    valid = np.packbits(~np.array(missing, dtype=bool), bitorder="little")
    return pa.Array.from_buffers(
        pa.string(),
        len(encoded),
        [pa.py_buffer(valid), pa.py_buffer(offsets), data],
        null_count=sum(missing),
    )


def rows_to_table(rows: Sequence[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """What ``pa.Table.from_pylist(rows, schema=schema)`` gives, for a schema of integer
    and string fields."""
    columns = []
    for f in schema:
        values = [row.get(f.name) for row in rows]
        if pa.types.is_string(f.type):
            columns.append(strings(values))
        elif pa.types.is_integer(f.type) and all(v is not None for v in values):
            kind = np.dtype(f.type.to_pandas_dtype())
            columns.append(numbers(np.array(values, dtype=kind), f.type))
        else:
            raise TypeError(f"{f.name}: {f.type} with nulls is not built here")
    return pa.Table.from_arrays(columns, schema=schema)


def values(column: pa.ChunkedArray | pa.Array) -> npt.NDArray[Any]:
    """A numeric Arrow column without nulls as numpy (``to_numpy`` may import pandas)."""
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    dtype = np.dtype(column.type.to_pandas_dtype())
    parts = [
        np.frombuffer(c.buffers()[1], dtype=dtype, count=len(c), offset=c.offset * dtype.itemsize)
        for c in chunks
        if len(c)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
