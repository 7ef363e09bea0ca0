"""Session settings from the clients' options, seen by real daemons: MD5 passwords, GTSM, passive.

The route server's config comes from ``rs build``'s renderers for clients whose options
ask for a password, TTL security or a passive session; the members are BIRDs in network
namespaces on one peering LAN. What is checked is BGP state: a member with the right
password gets Established and one with a wrong password never does; a member sending
TTL 1 cannot reach a GTSM session while one with TTL security on can; a passive route
server waits for an active member and two passive ends never meet; in strict roles mode
(RFC 9234) a member that announces no role gets no session. The same on OpenBGPD 7.7.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import time
from pathlib import Path

import pytest
from tests.live.helpers import rsworld as w
from tests.live.helpers.lab import (
    Lab,
    can_make_namespaces,
    member_bird_config,
    missing_tools,
    start_bird,
    wait_for,
)

from lakou.routeserver.options import ClientOptions
from lakou.routeserver.plan import make_plan
from lakou.routeserver.render.bird2 import render_bird
from lakou.routeserver.render.openbgpd import render_openbgpd

pytestmark = pytest.mark.live
if missing_tools("bird", "ip"):
    pytestmark = [pytest.mark.live, pytest.mark.skip(reason="needs bird and ip")]

SECRET = "lakou-Md5-s3cret"
# member -> (password the route server expects, route-server options, member's own extras)
MEMBERS = {
    "good": (w.A, 11, SECRET, {}, f'password "{SECRET}";'),
    "wrong": (w.B, 12, SECRET, {}, 'password "not-the-secret";'),
    "gtsm": (w.C, 13, "", {"gtsm": True}, "ttl security on;"),
    "ttl1": (w.D, 14, "", {"gtsm": True}, ""),
    "passive": (w.E, 15, "", {"passive": True}, ""),
    "both_passive": (10006, 16, "", {"passive": True}, "passive on;"),
    # RFC 9234 strict mode: only a member announcing its role gets a session.
    "role": (
        10007,
        17,
        "",
        {"filtering": {"roles": {"strict_mode": True}}},
        "local role rs_client;",
    ),
    "no_role": (10008, 18, "", {"filtering": {"roles": {"strict_mode": True}}}, ""),
}


def _clients(names: list[str]) -> list:
    out = []
    for name in names:
        asn, host, password, cfg, _extra = MEMBERS[name]
        base = w.clients()[0]
        out.append(
            dataclasses.replace(
                base,
                asn=asn,
                ips=(base.ips[0].__class__(f"192.0.2.{host}"),),
                description=name,
                as_sets=(),
                password=password,
                options=ClientOptions.from_cfg(cfg),
            )
        )
    return out


def _member(lab: Lab, rs_node, tmp_path: Path, name: str):
    asn, host, _password, _cfg, extra = MEMBERS[name]
    node = lab.node(name.replace("_", "")[:6], host)
    text = member_bird_config(node, asn, rs_node, w.RS_ASN, export="none")
    text = text.replace("error wait time 1, 2;", f"error wait time 1, 2; {extra}")
    start_bird(node, text, tmp_path, name)
    return node


def _state(rs, asn: int) -> str:
    return rs.cmd(f"show protocols AS{asn}_4_1")


def test_bird_password_gtsm_passive(tmp_path: Path) -> None:
    if not can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    names = list(MEMBERS)
    plan = make_plan(w.policy(rpki=False), _clients(names), w.enriched())
    conf = render_bird(plan, (2, 0, 12))
    assert conf.count(f'password "{SECRET}";') == 2
    with Lab(tmp_path) as lab:
        rs_node = lab.node("rs", 1)
        rs = start_bird(rs_node, conf, tmp_path, "rs")
        for name in names:
            _member(lab, rs_node, tmp_path, name)
        for name in ("good", "gtsm", "passive", "role"):
            asn = MEMBERS[name][0]
            wait_for(lambda a=asn: "Established" in _state(rs, a), 40, f"{name} session")
        time.sleep(4)  # the others had as long plus several connect retries
        for name in ("wrong", "ttl1", "both_passive", "no_role"):
            assert "Established" not in _state(rs, MEMBERS[name][0]), name
        details = rs.cmd(f"show protocols all AS{MEMBERS['passive'][0]}_4_1")
        assert "Passive" in details or "passive" in details.lower(), details


def test_openbgpd_password_gtsm_passive_roles(tmp_path: Path) -> None:
    if not can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    if missing_tools("bgpd", "bgpctl"):
        pytest.skip("needs openbgpd")
    names = ["good", "wrong", "gtsm", "ttl1", "passive", "both_passive", "role", "no_role"]
    plan = make_plan(w.policy(rpki=False), _clients(names), w.enriched())
    sock = tmp_path / "bgpd.sock"
    conf = render_openbgpd(plan, control_socket=str(sock))
    assert f'tcp md5sig password "{SECRET}"' in conf and "ttl-security yes" in conf
    os.makedirs("/run/openbgpd", exist_ok=True)  # bgpd's chroot (the systemd unit makes it)
    with Lab(tmp_path) as lab:
        rs_node = lab.node("rs", 1)
        (tmp_path / "bgpd.conf").write_text(conf)
        rs_node.popen(["bgpd", "-d", "-f", str(tmp_path / "bgpd.conf")], tmp_path / "bgpd.log")
        for name in names:
            _member(lab, rs_node, tmp_path, name)

        def state(host: int) -> str:
            done = subprocess.run(
                ["bgpctl", "-s", str(sock), "show", "neighbor", f"192.0.2.{host}"],
                capture_output=True,
                text=True,
                check=False,
            )
            return done.stdout

        for name in ("good", "gtsm", "passive", "role"):
            host = MEMBERS[name][1]
            wait_for(lambda h=host: "Established" in state(h), 40, f"{name} session")
        time.sleep(4)
        for name in ("wrong", "ttl1", "both_passive", "no_role"):
            assert "Established" not in state(MEMBERS[name][1]), name
