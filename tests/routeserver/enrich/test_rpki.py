"""ROAs from rpki-client and Routinator JSON; truncated and malformed files; stayrtr."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import socket
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.routeserver.enrich import Roa
from lakou.routeserver.enrich.rpki import RpkiFileError, parse_roas, read_rpki_json
from lakou.routeserver.enrich.testing import run_stayrtr, write_roas_json

RPKI_CLIENT = """{
  "metadata": {"buildmachine": "rpki.example", "buildtime": "2026-11-20T10:00:00Z",
               "roas": 3, "vrps": 3},
  "roas": [
    { "asn": 13335, "prefix": "1.1.1.0/24", "maxLength": 24, "ta": "apnic", "expires": 1 },
    { "asn": 3333, "prefix": "193.0.0.0/21", "maxLength": 21, "ta": "ripe", "expires": 1 },
    { "asn": 13335, "prefix": "2606:4700::/32", "maxLength": 48, "ta": "arin", "expires": 1 }
  ]
}
"""

ROUTINATOR = """{"metadata": {"generated": 1, "generatedTime": "2026-11-20T10:00:00Z"},
"roas": [{"asn": "AS13335", "prefix": "1.1.1.0/24", "maxLength": 24, "ta": "apnic"},
{"asn": "AS3333", "prefix": "193.0.0.0/21", "maxLength": 21, "ta": "ripe"},
{"asn": "AS13335", "prefix": "2606:4700::/32", "maxLength": 48, "ta": "arin"}]}"""

EXPECTED = (
    Roa(13335, "1.1.1.0/24", 24, "apnic"),
    Roa(3333, "193.0.0.0/21", 21, "ripe"),
    Roa(13335, "2606:4700::/32", 48, "arin"),
)


@pytest.mark.parametrize("text", [RPKI_CLIENT, ROUTINATOR], ids=["rpki-client", "routinator"])
def test_both_formats(tmp_path: Path, text: str) -> None:
    path = tmp_path / "vrps.json"
    path.write_text(text)
    assert read_rpki_json(path) == EXPECTED


def test_truncated_at_every_offset_is_an_error_naming_the_place(tmp_path: Path) -> None:
    path = tmp_path / "vrps.json"
    data = RPKI_CLIENT.encode()
    complete = len(data.rstrip())
    for cut in range(complete):
        path.write_bytes(data[:cut])
        with pytest.raises(RpkiFileError) as info:
            read_rpki_json(path)
        message = str(info.value)
        assert str(path) in message
        assert "line" in message or "$" in message, message
    path.write_bytes(data[:complete])  # only trailing whitespace removed: still whole
    assert read_rpki_json(path) == EXPECTED


@pytest.mark.parametrize(
    ("entry", "where"),
    [
        ({"asn": "ASX", "prefix": "1.1.1.0/24", "maxLength": 24}, "$.roas[1].asn"),
        ({"asn": -1, "prefix": "1.1.1.0/24", "maxLength": 24}, "$.roas[1].asn"),
        ({"asn": True, "prefix": "1.1.1.0/24", "maxLength": 24}, "$.roas[1].asn"),
        ({"asn": 1, "prefix": "1.1.1.1/24", "maxLength": 24}, "$.roas[1].prefix"),
        ({"asn": 1, "prefix": 17, "maxLength": 24}, "$.roas[1].prefix"),
        ({"asn": 1, "prefix": "1.1.1.0/24", "maxLength": 23}, "$.roas[1].maxLength"),
        ({"asn": 1, "prefix": "1.1.1.0/24", "maxLength": 33}, "$.roas[1].maxLength"),
        ({"asn": 1, "prefix": "1.1.1.0/24", "maxLength": "24"}, "$.roas[1].maxLength"),
        ("not an object", "$.roas[1]"),
    ],
)
def test_malformed_entry_names_its_json_path(entry: object, where: str) -> None:
    document = {"roas": [{"asn": 1, "prefix": "10.0.0.0/8", "maxLength": 8}, entry]}
    with pytest.raises(RpkiFileError, match=rf"vrps\.json: {re.escape(where)}"):
        parse_roas(document, "vrps.json")


def test_wrong_top_level() -> None:
    with pytest.raises(RpkiFileError, match=r"\$: expected"):
        parse_roas([1, 2], "x.json")
    with pytest.raises(RpkiFileError, match=r"\$\.roas: expected a list"):
        parse_roas({"roas": {}}, "x.json")


def test_unreadable_and_non_utf8(tmp_path: Path) -> None:
    with pytest.raises(RpkiFileError, match="cannot read"):
        read_rpki_json(tmp_path / "absent.json")
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"roas": ["\xff"]}')
    with pytest.raises(RpkiFileError, match="byte 11: not UTF-8"):
        read_rpki_json(bad)


@settings(max_examples=80)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_crash(data: bytes) -> None:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        document = None
    with contextlib.suppress(RpkiFileError):
        parse_roas(document, "fuzz.json")


def _rtr_reset_query(host: str, port: int) -> list[tuple[int, str, int]]:
    """A minimal RTR (RFC 8210, version 1) client: Reset Query, read until End of Data."""
    out: list[tuple[int, str, int]] = []
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(struct.pack("!BBHI", 1, 2, 0, 8))
        buffer = b""
        while True:
            while len(buffer) < 8:
                chunk = sock.recv(65536)
                assert chunk, "stayrtr closed the connection"
                buffer += chunk
            _version, pdu_type, _session, length = struct.unpack("!BBHI", buffer[:8])
            while len(buffer) < length:
                buffer += sock.recv(65536)
            pdu, buffer = buffer[:length], buffer[length:]
            if pdu_type == 4:  # IPv4 prefix
                _flags, plen, maxlen, _zero = struct.unpack("!BBBB", pdu[8:12])
                addr = socket.inet_ntop(socket.AF_INET, pdu[12:16])
                out.append((struct.unpack("!I", pdu[16:20])[0], f"{addr}/{plen}", maxlen))
            elif pdu_type == 6:  # IPv6 prefix
                _flags, plen, maxlen, _zero = struct.unpack("!BBBB", pdu[8:12])
                addr = socket.inet_ntop(socket.AF_INET6, pdu[12:28])
                out.append((struct.unpack("!I", pdu[28:32])[0], f"{addr}/{plen}", maxlen))
            elif pdu_type == 7:  # End of Data
                return sorted(out)
            elif pdu_type == 10:  # Error Report
                raise AssertionError(f"stayrtr sent an error report: {pdu!r}")


@pytest.mark.live
def test_stayrtr_serves_the_file_over_rtr(tmp_path: Path) -> None:
    if not shutil.which("stayrtr"):
        pytest.skip("stayrtr not installed (Debian package stayrtr)")
    path = write_roas_json(tmp_path / "vrps.json", EXPECTED)
    assert read_rpki_json(path) == tuple(Roa(r.asn, r.prefix, r.max_length, r.ta) for r in EXPECTED)
    with run_stayrtr(path) as (host, port):
        served = _rtr_reset_query(host, port)
    assert served == sorted((r.asn, r.prefix, r.max_length) for r in EXPECTED)
    with pytest.raises(OSError):
        socket.create_connection((host, port), timeout=2).close()
