"""``flows decode``'s fast output is the reference's text byte for byte: on every shared
capture, on generated sFlow datagrams of every structure the reference decodes (and on
mutations of them), across repeated payloads (the cache); and a closed pipe ends it
quietly."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
from ipaddress import IPv6Address, ip_address
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lakou
from lakou.flows import decode_output
from lakou.flows.decode import datagram_objects, decode_captures
from lakou.flows.netflow import NetflowDecoder
from lakou.flows.packet import ETH_VLAN_TYPES, ipv6_text, parse_ethernet, parse_ip
from lakou.flows.pcap import Datagram, read_datagrams, write_pcap
from lakou.flows.sflow_json import _ethernet, _ip, samples_json
from lakou.flows.testing import SampledFrame, datagram, mutate

U32 = st.integers(0, 2**32 - 1)
PREFIX = '{"file": "x.pcap", "frame": 1, "exporter": "192.0.2.1", "time": 1.5, '


def reference(paths: list[Path], flat: bool) -> tuple[str, list[str]]:
    problems: list[str] = []
    text = "".join(json.dumps(o) + "\n" for o in decode_captures(paths, flat, problems))
    return text, problems


def fast(paths: list[Path], flat: bool) -> tuple[str, list[str]]:
    problems: list[str] = []
    out = io.StringIO()
    assert decode_output.write_decoded(paths, flat, out, problems)
    return out.getvalue(), problems


def captures(shared_data: Path) -> list[Path]:
    found = sorted((shared_data / "flows").glob("*/*.pcap"))
    if not found:
        pytest.skip(f"no captures under {shared_data / 'flows'}")
    return found


@pytest.mark.parametrize("flat", [False, True])
def test_every_shared_capture_is_written_as_the_reference_writes_it(
    shared_data: Path, flat: bool
) -> None:
    paths = captures(shared_data)
    for path in paths:
        assert fast([path], flat) == reference([path], flat), path.name
    assert fast(paths, flat) == reference(paths, flat)  # templates carried across files


def test_real_sflow_datagrams_take_the_fast_path(shared_data: Path) -> None:
    payloads = [d.payload for p in captures(shared_data) for d in read_datagrams(p)]
    sflow = [p for p in payloads if p[:4] == b"\x00\x00\x00\x05"]
    assert sflow
    for payload in sflow:
        assert samples_json(payload) == reference_texts(payload)


def test_repeated_payloads_keep_each_frame_s_fields(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(decode_output, "CACHE_SIZE", 2)  # the cache fills and empties
    frames = [SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "10.0.0.1", "10.0.0.2")]
    payloads = [datagram("10.0.0.9", frames, sequence=n) for n in range(4)]
    bad = b"\x00\x00\x00\x05\x00\x00\x00\x09" + bytes(30)  # the reference names its error
    sources = [ip_address("192.0.2.1"), ip_address("2001:db8::1")]
    grams = [
        Datagram(1.7e9 + i / 7, sources[i % 2], 6343, sources[0], 6343, p)
        for i, p in enumerate([*payloads, bad] * 3 + payloads[::-1])
    ]
    capture = tmp_path / "été.pcap"  # a name json.dumps escapes
    write_pcap(capture, grams)
    for flat in (False, True):
        assert fast([capture], flat) == reference([capture], flat)


def test_a_failing_capture_keeps_what_came_before(tmp_path: Path) -> None:
    frames = [SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "10.0.0.1", "10.0.0.2")]
    payload = datagram("10.0.0.9", frames)
    grams = [Datagram(1.7e9, ip_address("192.0.2.1"), 6343, ip_address("192.0.2.2"), 6343, payload)]
    whole = tmp_path / "whole.pcap"
    write_pcap(whole, grams * 200)
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole.read_bytes()[:-100])
    text, problems = fast([cut, whole], False)
    assert (text, problems) == reference([cut, whole], False)
    assert len(problems) == 1 and "cut.pcap" in problems[0]
    assert text.count("\n") == 199 + 200


# Generated sFlow datagrams: every structure the reference decodes, XDR by hand.


def xdr(*words: int) -> bytes:
    return struct.pack(f"!{len(words)}I", *words)


def opaque(data: bytes) -> bytes:
    return xdr(len(data)) + data + bytes(-len(data) % 4)


def tlv(fmt: int, body: bytes) -> bytes:
    return xdr(fmt, len(body)) + body


ADDRESSES = st.one_of(
    st.just(xdr(0)),
    st.binary(min_size=4, max_size=4).map(lambda b: xdr(1) + b),
    st.binary(min_size=16, max_size=16).map(lambda b: xdr(2) + b),
    st.sampled_from([bytes(16), bytes(10) + b"\xff\xff" + bytes(4), bytes(15) + b"\x01"]).map(
        lambda b: xdr(2) + b
    ),
)


@st.composite
def headers(draw: st.DrawFn) -> bytes:
    """A sampled frame's first bytes: Ethernet, tags, IPv4 or IPv6 (with extension
    headers), a transport header, cut anywhere."""
    out = draw(st.binary(min_size=12, max_size=12))
    for _ in range(draw(st.integers(0, 2))):
        out += struct.pack("!HH", draw(st.sampled_from(ETH_VLAN_TYPES)), draw(U32) & 0xFFFF)
    etype = draw(st.sampled_from([0x0800, 0x86DD, 0x0806]))
    out += struct.pack("!H", etype)
    if etype == 0x0800:
        ihl = draw(st.sampled_from([5, 6, 4, 15]))
        ip = bytearray(draw(st.binary(min_size=20, max_size=20)))
        ip[0] = 0x40 | ihl
        ip[9] = draw(st.sampled_from([6, 17, 1, 58, 47]))
        if draw(st.booleans()):
            ip[6] &= 0xE0
            ip[7] = 0
        out += bytes(ip) + draw(st.binary(max_size=4 * max(0, ihl - 5)))
    elif etype == 0x86DD:
        ip = bytearray(draw(st.binary(min_size=40, max_size=40)))
        ip[0] = 0x60 | (ip[0] & 0x0F)
        ip[6] = draw(st.sampled_from([6, 17, 1, 58, 0, 43, 60, 51, 44]))
        out += bytes(ip)
        for _ in range(draw(st.integers(0, 3))):
            ext = bytearray(draw(st.binary(min_size=8, max_size=8)))
            ext[0] = draw(st.sampled_from([6, 17, 58, 0, 44, 51]))
            ext[1] = draw(st.integers(0, 1))
            if draw(st.booleans()):
                ext[2:4] = b"\x00\x00"
            out += bytes(ext) + bytes(8 * ext[1] if ext[0] != 51 else 0)
    out += draw(st.binary(min_size=0, max_size=24))
    return out[: draw(st.integers(0, len(out)))] if draw(st.booleans()) else out


@st.composite
def flow_records(draw: st.DrawFn) -> bytes:
    kind = draw(
        st.sampled_from(["raw", "ethernet", "ipv4", "ipv6", "switch", "router", "gw", "other"])
    )
    if kind == "raw":
        header = draw(headers())
        protocol = draw(st.sampled_from([1, 11, 12, 7]))
        if protocol != 1:
            header = header[14:]
        return tlv(1, xdr(protocol, draw(U32), draw(U32)) + opaque(header))
    if kind == "ethernet":
        body = xdr(draw(U32)) + draw(st.binary(min_size=16, max_size=16)) + xdr(draw(U32))
        return tlv(2, body)
    if kind in ("ipv4", "ipv6"):
        size = 4 if kind == "ipv4" else 16
        addresses = draw(st.binary(min_size=2 * size, max_size=2 * size))
        return tlv(
            3 if size == 4 else 4,
            xdr(draw(U32), draw(U32)) + addresses + xdr(*[draw(U32) for _ in range(4)]),
        )
    if kind == "switch":
        return tlv(1001, xdr(*[draw(U32) for _ in range(4)]))
    if kind == "router":
        return tlv(1002, draw(ADDRESSES) + xdr(draw(U32), draw(U32)))
    if kind == "gw":
        segments = draw(st.lists(st.lists(U32, max_size=4), max_size=3))
        path = b"".join(xdr(draw(st.integers(1, 2)), len(asns), *asns) for asns in segments)
        communities = draw(st.lists(U32, max_size=4))
        body = draw(ADDRESSES) + xdr(draw(U32), draw(U32), draw(U32), len(segments)) + path
        return tlv(1003, body + xdr(len(communities), *communities) + xdr(draw(U32)))
    fmt = draw(st.sampled_from([(7 << 12) | 1, 99]))
    return tlv(fmt, draw(st.binary(max_size=12)))


@st.composite
def samples(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["flow", "expanded flow", "counter", "expanded counter", "other"]))
    if kind.endswith("flow"):
        expanded = kind.startswith("expanded")
        records = draw(st.lists(flow_records(), max_size=4))
        head = xdr(*[draw(U32) for _ in range(10 if expanded else 7)])
        return tlv(3 if expanded else 1, head + xdr(len(records)) + b"".join(records))
    if kind.endswith("counter"):
        expanded = kind.startswith("expanded")
        records = []
        for which in draw(st.lists(st.sampled_from(["generic", "ethernet", "other"]), max_size=3)):
            if which == "generic":
                records.append(tlv(1, draw(st.binary(min_size=88, max_size=96))))
            elif which == "ethernet":
                records.append(tlv(2, draw(st.binary(min_size=52, max_size=56))))
            else:
                records.append(tlv((9 << 12) | 2, draw(st.binary(max_size=8))))
        head = xdr(*[draw(U32) for _ in range(3 if expanded else 2)])
        return tlv(4 if expanded else 2, head + xdr(len(records)) + b"".join(records))
    return tlv(draw(st.sampled_from([(5 << 12) | 1, 7])), draw(st.binary(max_size=16)))


@st.composite
def datagrams(draw: st.DrawFn) -> bytes:
    found = draw(st.lists(samples(), max_size=4))
    head = xdr(5) + draw(ADDRESSES) + xdr(draw(U32), draw(U32), draw(U32), len(found))
    return head + b"".join(found)


def reference_texts(payload: bytes) -> list[str]:
    """The reference's lines for ``payload``, each without the frame's fields."""
    d = Datagram(1.5, ip_address("192.0.2.1"), 6343, ip_address("192.0.2.2"), 6343, payload)
    where = {"file": "x.pcap", "frame": 1, "exporter": "192.0.2.1", "time": 1.5}
    lines = [json.dumps(o) + "\n" for o in datagram_objects(d, where, NetflowDecoder(), False)]
    assert all(line.startswith(PREFIX) for line in lines)
    return [line[len(PREFIX) :] for line in lines]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datagrams())
def test_generated_datagrams_take_the_fast_path_with_the_reference_text(payload: bytes) -> None:
    assert samples_json(payload) == reference_texts(payload)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    datagrams(),
    st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 255)), min_size=1, max_size=4),
    st.integers(0, 12),
)
def test_mutated_datagrams_are_the_reference_s_or_left_to_it(payload, edits, cut) -> None:  # type: ignore[no-untyped-def]
    mutated = mutate(payload, edits, cut)
    texts = samples_json(mutated)
    if texts is not None:  # else the reference decodes it (and says what is wrong)
        assert texts == reference_texts(mutated)


@settings(max_examples=400, deadline=None)
@given(headers())
def test_sampled_headers_are_written_as_json_dumps_writes_their_parse(header: bytes) -> None:
    assert "{" + _ethernet(header) + "}" == json.dumps(parse_ethernet(header))
    for etype in (0x0800, 0x86DD):
        assert "{" + _ip(etype, header, 14) + "}" == json.dumps(parse_ip(etype, header[14:]))


@given(st.binary(min_size=16, max_size=16), st.integers(0, 2**16 - 1), st.integers(0, 7))
def test_ipv6_text_is_ipaddress_s(raw: bytes, zeros: int, start: int) -> None:
    assert ipv6_text(raw) == str(IPv6Address(raw))
    runs = bytearray(raw)  # runs of zero groups, where the text differs most
    for group in range(start, 8):
        if zeros >> group & 1:
            runs[2 * group : 2 * group + 2] = b"\x00\x00"
    assert ipv6_text(bytes(runs)) == str(IPv6Address(bytes(runs)))


def test_a_closed_pipe_ends_the_command_quietly(tmp_path: Path) -> None:
    frames = [SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "10.0.0.1", "10.0.0.2")] * 3
    payload = datagram("10.0.0.9", frames)
    source = ip_address("192.0.2.1")
    capture = tmp_path / "big.pcap"
    write_pcap(capture, [Datagram(1.7e9, source, 6343, source, 6343, payload)] * 3000)
    env = dict(os.environ, PYTHONPATH=str(Path(lakou.__file__).parents[1]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "lakou", "flows", "decode", str(capture)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    error = proc.stderr.read()
    proc.stderr.close()
    assert proc.wait() == 0, error
    assert error == b""
    assert json.loads(first)["frame"] == 1


def test_the_benchmark_s_distinct_capture_repeats_no_payload(
    shared_data: Path, tmp_path: Path
) -> None:
    from benchmarks.flows.decode import distinct_capture

    source = shared_data / "flows" / "sflow" / "data-1140.pcap"
    target = tmp_path / "distinct.pcap"
    distinct_capture(source, target, 5)
    payloads = [d.payload for d in read_datagrams(target)]
    assert len(set(payloads)) == 5
    assert [struct.unpack_from("!I", p, 16)[0] for p in payloads] == [0, 1, 2, 3, 4]
    assert all(samples_json(p) is not None for p in payloads)
    assert fast([target], False) == reference([target], False)


def test_a_closed_stream_that_is_not_a_file_ends_the_output_too(tmp_path: Path) -> None:
    class Closed(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    frames = [SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "10.0.0.1", "10.0.0.2")]
    source = ip_address("192.0.2.1")
    capture = tmp_path / "one.pcap"
    write_pcap(capture, [Datagram(1.7e9, source, 6343, source, 6343, datagram("10.0.0.9", frames))])
    problems: list[str] = []
    assert not decode_output.write_decoded([capture], False, Closed(), problems)
    assert problems == []
