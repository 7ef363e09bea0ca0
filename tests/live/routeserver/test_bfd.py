"""BFD and ADD-PATH as rendered for a member who asked for them, against a BIRD member.

The route server's config comes from ``render_bird`` for member C with ``bfd: true`` and
``add_path: tx``; member C is a BIRD with BFD and ``add paths rx``. Both run in network
namespaces on one peering LAN: the BFD session must come up and the ADD-PATH capability
be negotiated on the BGP session.
"""

from __future__ import annotations

import dataclasses
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

from lakou.routeserver.plan import make_plan
from lakou.routeserver.render.bird2 import render_bird

pytestmark = pytest.mark.live
if missing_tools("bird", "ip"):
    pytestmark = [pytest.mark.live, pytest.mark.skip(reason="needs bird and ip")]


def _rs_config() -> str:
    (c,) = [c for c in w.clients() if c.asn == w.C]
    c = dataclasses.replace(c, overrides={"bfd": True, "add_path": "tx"})
    policy = w.policy(rpki=False).model_copy(
        update={"timers": w.policy().timers.model_copy(update={"bfd_min_rx_ms": 100})}
    )
    return render_bird(make_plan(policy, [c], w.enriched()), (2, 0, 12))


def _member_config(node, rs_node) -> str:
    text = member_bird_config(node, w.C, rs_node, w.RS_ASN, export="none")
    text = text.replace("error wait time 1, 2;", "error wait time 1, 2; bfd on;")
    text = text.replace("import all; export none;", "import all; export none; add paths rx;")
    bfd = 'protocol bfd { interface "*" { min rx interval 100 ms; min tx interval 100 ms; }; }\n'
    return text + bfd


def test_bfd_session_up_and_add_path_negotiated(tmp_path: Path) -> None:
    if not can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    with Lab(tmp_path) as lab:
        rs_node = lab.node("rs", 1)
        rs = start_bird(rs_node, _rs_config(), tmp_path, "rs")
        c = lab.node("c", 13)
        start_bird(c, _member_config(c, rs_node), tmp_path, "c")

        def bfd_up() -> bool:
            lines = rs.cmd("show bfd sessions").splitlines()
            return any(c.ipv4 in line and " Up " in f" {line} " for line in lines)

        wait_for(bfd_up, 40, "BFD session to member C")
        session = f"AS{w.C}_4_1"
        wait_for(lambda: "Established" in rs.cmd(f"show protocols {session}"), 30, session)
        details = rs.cmd(f"show protocols all {session}")
        # Local capabilities: ADD-PATH TX ipv4; the member's: ADD-PATH RX ipv4.
        words = " ".join(details.split())
        assert "ADD-PATH RX: TX: ipv4" in words and "ADD-PATH RX: ipv4 TX:" in words, details
