"""Debian's stayrtr serves the ROAs of an rpki-client JSON file over RTR, as read (live)."""

from __future__ import annotations

import shutil
import socket
import struct
from pathlib import Path

import pytest
from tests.routeserver.enrich.test_rpki import EXPECTED

from lakou.routeserver.enrich import Roa
from lakou.routeserver.enrich.rpki import read_rpki_json
from lakou.routeserver.enrich.testing import run_stayrtr, write_roas_json


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
