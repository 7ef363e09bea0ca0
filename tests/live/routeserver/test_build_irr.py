"""``lakou rs build --clients`` on an arouteserver clients.yml, IRR through the real bgpq4.

The IRR is the local whois server speaking the IRRd protocol (the only stand-in: the real
IRR is on the Internet); bgpq4 queries it; BIRD checks the result (``bird -p``) and then
runs it with members announcing registered and unregistered routes.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from tests.live.helpers import rsworld as w
from tests.live.helpers.lab import (
    Lab,
    can_make_namespaces,
    member_bird_config,
    missing_tools,
    start_bird,
    start_exabgp,
    wait_for,
)

from lakou.routeserver.confread import format_prefix, read_config
from lakou.routeserver.lg import api

pytestmark = pytest.mark.live
if missing_tools("bird", "bgpq4", "exabgp", "ip"):
    pytestmark = [pytest.mark.live, pytest.mark.skip(reason="needs bird, bgpq4, exabgp")]

CLIENTS_YML = {
    "asns": {"AS10003": {"as_sets": ["AS-CEE"]}},
    "clients": [
        {
            "asn": w.A,
            "ip": ["192.0.2.11", "2001:db8::11"],
            "description": "Member A",
            "cfg": {
                "filtering": {
                    "irrdb": {"as_sets": ["LOCAL::AS-AAA"]},
                    "max_prefix": {"limit_ipv4": 50, "limit_ipv6": 10, "action": "block"},
                }
            },
        },
        {"asn": w.C, "ip": "192.0.2.13", "description": "Member C"},
    ],
}


def _whois_db():
    from lakou.routeserver.enrich.testing import database_from_dicts

    return database_from_dicts(
        {"AS-AAA": ["AS10001", "AS-AAA-CUST"], "AS-AAA-CUST": ["AS10010", "AS-AAA"], "AS-CEE": []},
        {w.A: ["11.0.0.0/24", "2a0a::/32"], 10010: ["11.0.1.0/24"], w.C: ["13.0.0.0/24"]},
    )


def _policy(path: Path) -> Path:
    policy = w.policy(rpki=False).model_dump(mode="json")
    path.write_text(yaml.safe_dump(policy))
    return path


def test_build_from_clients_yml_with_bgpq4(tmp_path: Path) -> None:
    if not can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    from lakou.routeserver.enrich.testing.whois import serve_whois

    clients = tmp_path / "clients.yml"
    clients.write_text(yaml.safe_dump(CLIENTS_YML))
    out = tmp_path / "bird.conf"
    page = tmp_path / "policy.md"
    with serve_whois(_whois_db()) as address:
        proc = subprocess.run(
            ["lakou", "-L", "fr", "rs", "build", "--clients", str(clients),
             "--policy", str(_policy(tmp_path / "policy.yml")), "--daemon", "bird2",
             "--irr-server", address, "--irr-sources", "LOCAL", "--out", str(out),
             "--page", str(page)],
            capture_output=True, text=True, env={**os.environ, "XDG_DATA_HOME": str(tmp_path)},
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    check = subprocess.run(["bird", "-p", "-c", str(out)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    text = out.read_text()
    registered = read_config(out).clients[w.A].prefixes[4]
    assert "11.0.1.0/24" in {format_prefix(4, p) for p in registered}  # through the nested set
    assert "10010" in text
    assert "import limit 50 action block" in text
    assert "Politique du serveur de routes" in page.read_text()

    with Lab(tmp_path) as lab:
        rs_node = lab.node("rs", 1)
        rs = start_bird(rs_node, text, tmp_path, "rs")
        a = lab.node("a", 11)
        routes = [
            w.Announce("11.0.0.0/24", [w.A]),
            w.Announce("11.0.1.0/24", [w.A, 10010]),
            w.Announce("45.0.0.0/24", [w.A], expect={9}),
            w.Announce("11.0.2.0/24", [w.A, 30000], expect={9, 10}),
        ]
        start_exabgp(
            a, w.exabgp_config(11, w.A, routes, [w.Announce("2a0a::/32", [w.A])]), tmp_path
        )
        c = lab.node("c", 13)
        start_bird(c, member_bird_config(c, w.C, rs_node, w.RS_ASN, export="none"), tmp_path)
        endpoint = api.RouteServerEndpoint(name="rs", socket=rs.socket, rs_asn=w.RS_ASN)
        for route in routes:
            (view,) = wait_for(
                lambda r=route: api.explain([endpoint], r.prefix, w.A), 30, route.prefix
            )
            assert {r.code for r in view.reasons} == route.expect, route.prefix
        (v6,) = wait_for(lambda: api.explain([endpoint], "2a0a::/32", w.A), 30, "v6")
        assert not v6.filtered
