"""The kernels compiled ahead of time are called only with exactly the argument types they
were compiled for: the key of a value is the key of the numba type numba gives it, and a
value of another type, order or writability finds nothing (numba's JIT then runs). The
records the build gives are held to numba's and Python's in test_interpreted_kernels."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lakou.flows import aot


@pytest.fixture
def kept(tmp_path: Path) -> Iterator[None]:
    """A build directory of this test's own, and no module loaded from elsewhere."""
    before = aot.DIRECTORY, aot._loaded
    aot.DIRECTORY, aot._loaded = tmp_path, None
    try:
        yield
    finally:
        aot.DIRECTORY, aot._loaded = before


VALUES: list[Any] = [
    np.frombuffer(b"\x00\x01\x02", dtype=np.uint8),  # read-only, as a capture's bytes
    np.zeros(4, dtype=np.int64),
    np.zeros((3, 5), dtype=np.uint64),
    np.zeros((3, 5), dtype=np.uint64)[:, 1],  # not contiguous
    np.zeros((3, 5), dtype=np.float64, order="F"),
    np.zeros(2, dtype=np.uint32),
    7,
    1.5,
    True,
    np.uint64(3),
    np.int64(-2),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_a_value_key_is_its_numba_type_key(value: Any) -> None:
    from numba import typeof

    assert aot.value_key(value) is not None
    assert aot.value_key(value) == aot.type_key(typeof(value))


def test_a_value_numba_cannot_take_has_no_key() -> None:
    assert aot.value_key(1 << 64) is None
    assert aot.value_key("text") is None
    assert aot.value_key((1, 2)) is None


def test_only_the_compiled_types_are_sent_to_the_build(kept: None) -> None:
    def compiled(*args: Any) -> str:
        return "compiled"

    aot._loaded = {"lakou.flows.x.k": [(compiled, ("a:uint8:1:C", "s:int64"))]}
    data = np.zeros(8, dtype=np.uint8)
    assert aot.find("lakou.flows.x.k", (data, 3)) is compiled
    assert aot.find("lakou.flows.x.k", (data.astype(np.int8), 3)) is None
    assert aot.find("lakou.flows.x.k", (np.frombuffer(bytes(8), dtype=np.uint8), 3)) is None
    assert aot.find("lakou.flows.x.k", (data, 3.0)) is None
    assert aot.find("lakou.flows.x.k", (data,)) is None
    assert aot.find("lakou.flows.x.other", (data, 3)) is None


def test_without_a_build_nothing_is_found_and_one_is_wanted_after_numba(kept: None) -> None:
    from lakou.flows import fast_netflow, jit

    assert aot.find("lakou.flows.fast_netflow._find2", (np.zeros(1), np.zeros(1), 0, 0)) is None
    kernel = next(k for k in jit._kernels if k.__name__ == "_find2")
    assert kernel.__module__ == fast_netflow.__name__
    jit.load()
    keys = np.array([1, 5, 9], dtype=np.uint64)
    assert fast_netflow._find2(keys, keys, np.uint64(5), np.uint64(5)) == 1
    assert aot.wanted(jit._kernels)  # compiled by numba here, absent from the build
    (aot.directory() / f"{aot.PREFIX}{aot.digest()}.failed").write_text("no compiler\n")
    assert not aot.wanted(jit._kernels)  # a failed build is not tried again
