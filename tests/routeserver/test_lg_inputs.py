"""Hostile looking-glass inputs never reach BIRD's command line."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest

from lakou.routeserver.clients import session_client
from lakou.routeserver.lg import api
from lakou.routeserver.lg.birdsock import BirdError, BirdSocket


@pytest.mark.parametrize("name", ["AS64500_4_1", "AS1_6_12"])
def test_session_names(name: str) -> None:
    assert session_client(name) is not None


@pytest.mark.parametrize("name", ["AS1_4 _1", "AS²_4_1", "AS1_4_1 x", "AS1_5_1", "AS_4_1", "x"])
def test_not_session_names(name: str) -> None:
    assert session_client(name) is None


@pytest.mark.parametrize("prefix", ["fe80::1%a b/128", "fe80::1%eth0/128", "１92.0.2.0/24"])
def test_prefixes_with_scope_or_non_ascii_are_refused(prefix: str) -> None:
    with pytest.raises(BirdError, match="not a prefix"):
        api._canonical(prefix)


def test_a_failed_greeting_closes_the_socket(tmp_path: Path) -> None:
    """Not a BIRD socket: an error, and no leaked socket (warnings are errors here)."""
    path = tmp_path / "not-bird.ctl"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)

    def greet_wrongly() -> None:
        conn, _ = server.accept()
        conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")
        conn.close()

    thread = threading.Thread(target=greet_wrongly)
    thread.start()
    bird = BirdSocket(path, timeout=5)
    with pytest.raises(BirdError):
        bird.connect()
    assert bird._sock is None
    thread.join()
    server.close()
