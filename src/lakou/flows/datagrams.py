"""A batch of received datagrams as columns: payloads end to end, offsets, exporters, times.

The pipeline decodes whole batches with numba kernels that want the payloads in one byte
array; a capture reader (:mod:`lakou.flows.capture`) produces them that way directly, so
a replay never builds one Python object per datagram. The UDP inlet's
:class:`~lakou.flows.pipeline.Received` items convert with :meth:`DatagramBatch.from_received`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from lakou.flows.pipeline import Received


def sflow_mask(buf: npt.NDArray[np.uint8], offsets: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Which datagrams of a buffer start with sFlow's version 5 word (the others:
    NetFlow/IPFIX)."""
    start = offsets[:-1]
    out = (offsets[1:] - start) >= 4
    at = start[out]
    if len(at):  # four flat gathers: a (n, 4) fancy index cost four times as much
        out[out] = (buf[at] == 0) & (buf[at + 1] == 0) & (buf[at + 2] == 0) & (buf[at + 3] == 5)
    return out


@dataclass
class DatagramBatch:
    """Datagram ``i`` is ``buffer[offsets[i]:offsets[i + 1]]``, from ``exporters[i]`` at
    ``times[i]`` (seconds). A capture reader also keeps each source's 16 address bytes
    (``addresses``, IPv4 mapped) and ports (``ports``, source << 16 | destination)."""

    buffer: npt.NDArray[np.uint8]
    offsets: npt.NDArray[np.int64]
    exporters: list[str]
    times: npt.NDArray[np.float64]
    addresses: npt.NDArray[np.uint8] | None = None
    ports: npt.NDArray[np.int64] | None = None

    @classmethod
    def from_received(cls, items: Sequence[Received]) -> DatagramBatch:
        payloads = [d.payload for d in items]
        offsets = np.zeros(len(items) + 1, dtype=np.int64)
        if payloads:
            np.cumsum([len(p) for p in payloads], out=offsets[1:])
        return cls(
            np.frombuffer(b"".join(payloads), dtype=np.uint8),
            offsets,
            [d.exporter for d in items],
            np.fromiter((d.time for d in items), dtype=np.float64, count=len(items)),
        )

    def __len__(self) -> int:
        return len(self.exporters)

    def payload(self, i: int) -> bytes:
        return self.buffer[int(self.offsets[i]) : int(self.offsets[i + 1])].tobytes()

    def payloads(self) -> list[bytes]:
        data = self.buffer.tobytes()
        at = self.offsets.tolist()
        return [data[at[i] : at[i + 1]] for i in range(len(at) - 1)]

    def is_sflow(self) -> npt.NDArray[np.bool_]:
        """Which datagrams start with sFlow's version 5 word."""
        return sflow_mask(self.buffer, self.offsets)

    def take(self, index: npt.NDArray[Any]) -> DatagramBatch:
        """The datagrams at ``index`` (positions, in order), as their own batch."""
        index = np.asarray(index, dtype=np.int64)
        start = self.offsets[:-1][index]
        size = self.offsets[1:][index] - start
        offsets = np.zeros(len(index) + 1, dtype=np.int64)
        np.cumsum(size, out=offsets[1:])
        total = int(offsets[-1])
        where = np.arange(total, dtype=np.int64) + np.repeat(start - offsets[:-1], size)
        exporters = [self.exporters[i] for i in index.tolist()]
        return DatagramBatch(
            self.buffer[where],
            offsets,
            exporters,
            self.times[index],
            None if self.addresses is None else self.addresses[index],
            None if self.ports is None else self.ports[index],
        )
