"""BIRD replies captured from a real BIRD 2.0.12 route server, read back into records."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.routeserver.communities import Reason, reasons_in
from lakou.routeserver.lg.bird_parse import parse_protocols, parse_routes
from lakou.routeserver.lg.birdsock import BirdError, BirdSocket

DATA = Path(__file__).parent.parent / "data"


class FakeBird:
    """Serves captured bytes on a Unix socket the way BIRD does (hello, then the reply)."""

    def __init__(self, path: Path, reply: bytes) -> None:
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen(1)
        self.reply = reply
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        conn, _ = self.server.accept()
        with conn:
            conn.sendall(b"0001 BIRD 2.0.12 ready.\n")
            conn.recv(4096)
            conn.sendall(self.reply)

    def close(self) -> None:
        self.server.close()
        self.thread.join(timeout=2)


def _reply(tmp_path: Path, raw: bytes, command: str = "show x"):
    fake = FakeBird(tmp_path / "bird.ctl", raw)
    try:
        with BirdSocket(tmp_path / "bird.ctl", timeout=5) as bird:
            return bird.command(command)
    finally:
        fake.close()


def test_filtered_routes_with_every_reason(tmp_path: Path) -> None:
    reply = _reply(tmp_path, (DATA / "bird-show-route-filtered.txt").read_bytes())
    routes = parse_routes(reply, filtered=True)
    assert [r.prefix for r in routes] == ["11.0.11.0/24", "11.0.6.0/24"]
    three = routes[0]
    assert three.protocol == "AS10001_4_1"
    assert three.as_path == [10001, 64512, 30000]
    assert three.next_hop == "192.0.2.12"
    assert reasons_in(three.large_communities, 59999) == [
        Reason.BOGON_ASN,
        Reason.NEXT_HOP_NOT_PEER,
        Reason.IRR_ORIGIN,
    ]
    assert routes[1].as_path_text == "10001 {10010 10011}"


def test_protocols_with_counts(tmp_path: Path) -> None:
    reply = _reply(tmp_path, (DATA / "bird-show-protocols-all.txt").read_bytes())
    protocols = {p.name: p for p in parse_protocols(reply)}
    a = protocols["AS10001_4_1"]
    assert a.proto == "BGP" and a.bgp_state == "Established"
    assert a.neighbor_as == 10001 and a.neighbor_address == "192.0.2.11"
    assert a.imported + a.filtered >= 3 and a.filtered >= 2
    assert a.import_limit == 170000


def test_error_reply_raises_with_code(tmp_path: Path) -> None:
    with pytest.raises(BirdError) as info:
        _reply(tmp_path, b"8001 Network not found\n")
    assert info.value.code == 8001


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_garbage_never_crashes_the_reader(
    tmp_path_factory: pytest.TempPathFactory, raw: bytes
) -> None:
    tmp = tmp_path_factory.mktemp("fuzz")
    fake = FakeBird(tmp / "bird.ctl", raw)
    try:
        with BirdSocket(tmp / "bird.ctl", timeout=1) as bird:
            reply = bird.command("show route")
        parse_routes(reply)
        parse_protocols(reply)
    except BirdError:
        pass
    finally:
        fake.close()
