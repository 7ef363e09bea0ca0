"""``lg_servers``: which route servers a looking-glass question goes to, or why none."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakou.routeserver import RouteServerEndpoint, ServersRefused, lg_servers
from lakou.routeserver.config import Config


def test_a_socket_given_is_the_only_server_asked(tmp_path: Path) -> None:
    configured = RouteServerEndpoint(name="rs1", socket=tmp_path / "rs1.ctl", rs_asn=64999)
    settings = Config(route_servers=[configured])
    (server,) = lg_servers(settings, tmp_path / "bird.ctl", 64500)
    assert (server.name, server.socket, server.rs_asn) == ("rs", tmp_path / "bird.ctl", 64500)
    assert lg_servers(settings) == [configured]


def test_no_server_is_refused_naming_the_option(tmp_path: Path) -> None:
    with pytest.raises(ServersRefused, match="--socket needs --rs-asn"):
        lg_servers(Config(), tmp_path / "bird.ctl")
    with pytest.raises(ServersRefused, match=r"routeserver\.route_servers"):
        lg_servers(Config())
