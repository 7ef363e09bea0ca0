"""``lakou.flows.datagrams``: datagrams laid end to end, and which of them are sFlow."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.flows.datagrams import sflow_mask

HEADS = st.sampled_from(
    [
        b"",
        b"\x00",
        b"\x00\x00\x00",
        b"\x00\x00\x00\x05",
        b"\x00\x00\x00\x04",
        b"\x00\x0a\x00\x05",
        b"\x00\x09\x00\x05",
        b"\x05\x00\x00\x00",
        b"\x01\x00\x00\x05",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(HEADS, st.binary(max_size=12)), max_size=40))
def test_sflow_mask_says_which_datagrams_start_with_version_5(
    datagrams: list[tuple[bytes, bytes]],
) -> None:
    payloads = [head + rest for head, rest in datagrams]
    offsets = np.zeros(len(payloads) + 1, dtype=np.int64)
    np.cumsum([len(p) for p in payloads], out=offsets[1:])
    buf = np.frombuffer(b"".join(payloads) + b"\x00", dtype=np.uint8)[:-1]
    expected = [p[:4] == b"\x00\x00\x00\x05" for p in payloads]
    assert sflow_mask(buf, offsets).tolist() == expected
