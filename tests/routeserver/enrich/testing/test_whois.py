"""The local IRR whois server against the real bgpq4, and its protocol edge cases."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lakou.routeserver.enrich.irrdb import IrrDatabase
from lakou.routeserver.enrich.testing.whois import WhoisSession, run_whois_server


def _bgpq4(exe: str, address: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [exe, "-h", address, *args], capture_output=True, text=True, timeout=30, check=False
    )


def _prefixes(out: str, name: str = "p") -> list[str]:
    return [item["prefix"] for item in json.loads(out)[name]]


@pytest.mark.parametrize("aquery", [True, False], ids=["irrd4-with-!a", "without-!a"])
def test_bgpq4_prefix_lists_for_an_as_set(bgpq4: str, irr_db: IrrDatabase, aquery: bool) -> None:
    with run_whois_server(irr_db, aquery=aquery) as server:
        v4 = _bgpq4(bgpq4, server.address, "-S", "RIPE,ARIN", "-j", "-l", "p", "AS-FOO")
        v6 = _bgpq4(bgpq4, server.address, "-S", "RIPE,ARIN", "-6", "-j", "-l", "p", "AS-FOO")
        sent = [q for s in server.sessions for q in s.queries]
    assert v4.returncode == 0, v4.stderr
    assert _prefixes(v4.stdout) == ["11.0.0.0/23", "11.0.0.0/24", "11.0.1.0/24", "12.0.0.0/16"]
    assert _prefixes(v6.stdout) == ["2001:db8::/32", "2001:db8:1::/48"]
    assert sent[:3] == ["!!", "!nbgpq4 1.9", "!a"]  # what bgpq4 1.9 opens with
    if aquery:
        assert "!a4AS-FOO" in sent and "!a6AS-FOO" in sent
    else:
        assert "!iAS-FOO,1" in sent and "!gas10" in sent and "!6as30" in sent


def test_bgpq4_source_order_decides(bgpq4: str, irr_db: IrrDatabase) -> None:
    with run_whois_server(irr_db) as server:
        arin_first = _bgpq4(bgpq4, server.address, "-S", "ARIN,RIPE", "-j", "-t", "AS-BAR")
        ripe_first = _bgpq4(bgpq4, server.address, "-S", "RIPE,ARIN", "-j", "-t", "AS-BAR")
    assert json.loads(arin_first.stdout)["NN"] == [21]
    assert json.loads(ripe_first.stdout)["NN"] == [10, 20, 30]


def test_bgpq4_as_set_expansion_and_mbrs_by_ref(bgpq4: str, irr_db: IrrDatabase) -> None:
    with run_whois_server(irr_db) as server:
        out = _bgpq4(bgpq4, server.address, "-j", "-t", "-l", "o", "AS-REF")
        assert server.sessions[-1].queries[:3] == ["!!", "!nbgpq4 1.9", "!s-lc"]
        assert "!iAS-REF,1" in server.sessions[-1].queries
    assert json.loads(out.stdout)["o"] == [40, 41]


def test_bgpq4_source_qualified_set(bgpq4: str, irr_db: IrrDatabase) -> None:
    with run_whois_server(irr_db) as server:
        out = _bgpq4(bgpq4, server.address, "-j", "-t", "ARIN::AS-BAR")
        assert "!sARIN" in server.sessions[-1].queries
    assert json.loads(out.stdout)["NN"] == [21]


def test_bgpq4_route_objects_per_origin(bgpq4: str, irr_db: IrrDatabase) -> None:
    with run_whois_server(irr_db) as server:
        out = _bgpq4(bgpq4, server.address, "-F", "%n/%l\n", "AS10", "AS13")
        assert {"!gas10", "!gas13"} <= set(server.sessions[-1].queries)
    assert out.stdout.split() == ["11.0.0.0/23", "11.0.0.0/24", "11.0.1.0/24", "13.0.0.0/24"]


def test_bgpq4_missing_set_gives_an_empty_answer(bgpq4: str, irr_db: IrrDatabase) -> None:
    with run_whois_server(irr_db) as server:
        out = _bgpq4(bgpq4, server.address, "-j", "-t", "AS-NOWHERE")
    assert json.loads(out.stdout)["NN"] == []


def _talk(address: str, payload: bytes) -> bytes:
    host, port = address.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(payload)
        # The server may already have closed on garbage (ENOTCONN): read what it said.
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_protocol_answers(irr_db: IrrDatabase) -> None:
    with run_whois_server(irr_db) as server:
        got = _talk(
            server.address,
            b"!!\n!sRIPE\n!iAS-FOO\n!iAS-FOO,1\n!gAS10\n!6AS10\n!iAS-NONE\n!sNOPE\n"
            b"!maut-num,AS41\n!r11.0.0.0/24,o\n!j-*\n!v\n!x\n!iAS-EMPTY\n!q\n!gAS20\n",
        )
    text = got.decode()
    assert text.startswith("C\nA12\nAS10 AS-BAR\nC\nA15\nAS10 AS20 AS30\nC\n")
    assert "A36\n11.0.0.0/23 11.0.0.0/24 11.0.1.0/24\nC\n" in text
    assert "C\nD\nF Unknown source(s): NOPE\n" in text  # !6AS10 has no data; then D, F
    assert "aut-num:        AS41\nmember-of:      AS-REF\n" in text
    assert "A5\nAS10\nC\n" in text  # !r exact match
    assert "RIPE:Y:0-0" in text and "IRRd -- version" in text
    assert "F Unrecognized command\n" in text
    assert text.endswith("F Unrecognized command\nC\n")  # AS-EMPTY exists, is empty; !q closes


def test_one_query_without_persistent_mode(irr_db: IrrDatabase) -> None:
    with run_whois_server(irr_db) as server:
        got = _talk(server.address, b"!gAS10\n!gAS20\n")
    assert got == b"A36\n11.0.0.0/23 11.0.0.0/24 11.0.1.0/24\nC\n"


def test_length_counts_bytes_with_the_final_newline(irr_db: IrrDatabase) -> None:
    session = WhoisSession(irr_db)
    answer = session.handle("!gAS20")
    header, body, end = answer.split(b"\n", 2)
    assert int(header[1:]) == len(body) + 1 and end == b"C\n"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.binary(max_size=60), max_size=8))
def test_hostile_lines_get_an_answer_never_a_crash(irr_db: IrrDatabase, lines: list[bytes]) -> None:
    session = WhoisSession(irr_db)
    session.handle("!!")
    for raw in lines:
        line = raw.replace(b"\n", b"").decode("utf-8", "replace")
        answer = session.handle(line)
        assert isinstance(answer, bytes)
        assert answer == b"" or answer[:1] in b"ACDF"


def test_server_survives_garbage_and_keeps_serving(irr_db: IrrDatabase) -> None:
    with run_whois_server(irr_db) as server:
        _talk(server.address, b"!!\n\xff\xfe\x00garbage\n!i" + b"A" * 100000 + b"\n")
        endless = _talk(server.address, b"!!\n!i" + b"A" * (2 << 20))
        again = _talk(server.address, b"!gAS21\n")
    assert endless == b"F Query too long\n"
    assert again == b"A12\n21.0.0.0/16\nC\n"  # every source by default, AS21 is in ARIN
