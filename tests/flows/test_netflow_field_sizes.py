"""IPFIX fields of a size the element does not allow: counted as malformed, never a crash."""

from __future__ import annotations

import struct

import pytest

from lakou.flows.netflow import NetflowDecoder
from lakou.flows.pipeline import Pipeline, Received
from lakou.flows.sflow import MalformedDatagram


def ipfix(fields: list[tuple[int, int]], record: bytes, domain: int = 7) -> bytes:
    """One IPFIX message: a template set for template 256, then one data record."""
    template = struct.pack("!HH", 256, len(fields)) + b"".join(
        struct.pack("!HH", element, length) for element, length in fields
    )
    tset = struct.pack("!HH", 2, 4 + len(template)) + template
    dset = struct.pack("!HH", 256, 4 + len(record)) + record
    body = tset + dset
    return struct.pack("!HHIII", 10, 16 + len(body), 1_700_000_000, 1, domain) + body


GOOD = ipfix([(1, 8), (8, 4), (12, 4)], struct.pack("!Q4s4s", 1500, bytes(4), bytes(4)))
# egressInterface (14) on 9 bytes, sourceIPv4Address (8) on 1 byte, sourceMacAddress (56) on 4
BAD = [
    ipfix([(1, 8), (14, 9)], struct.pack("!Q", 1500) + bytes(9)),
    ipfix([(1, 8), (8, 1)], struct.pack("!Q", 1500) + b"\x5b"),
    ipfix([(1, 8), (56, 4)], struct.pack("!Q", 1500) + bytes(4)),
]


@pytest.mark.parametrize("payload", BAD, ids=["u-too-wide", "ip-too-short", "mac-too-short"])
def test_reference_decoder_names_the_field(payload: bytes) -> None:
    decoder = NetflowDecoder()
    with pytest.raises(MalformedDatagram, match="field of invalid size"):
        decoder.rows(decoder.decode(payload, "192.0.2.1"))


def test_pipeline_counts_them_and_keeps_the_good_ones() -> None:
    pipeline = Pipeline(keep_records=True)
    stream = [GOOD, *BAD, GOOD]
    pipeline.process(Received(p, f"192.0.2.{i}", 1.0) for i, p in enumerate(stream))
    assert pipeline.counters["datagrams_malformed"] == len(BAD)
    assert sum(len(batch) for batch in pipeline.records) == 2
    assert dict(pipeline.malformed) == {"netflow.bad_field": len(BAD)}
    details = [e["reason"] for e in pipeline.malformed_log.last()]
    assert all("field of invalid size" in reason for reason in details)
