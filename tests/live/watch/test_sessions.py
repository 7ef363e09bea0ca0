"""Route-server events from a real BIRD route server in the namespace lab: a member's
BGP daemon stopped gives one "session down" message to its NOC contact and to staff;
started again, one "back to normal" message. A member announcing the exchange's own
peering-LAN prefix is an event too. The mail goes through a real SMTP
server (aiosmtpd) on loopback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tests.live.helpers import rsworld as w
from tests.live.helpers.lab import (
    Lab,
    can_make_namespaces,
    member_bird_config,
    missing_tools,
    start_bird,
    stop,
    wait_for,
)

from lakou.cli import main
from lakou.routeserver.lg import api
from lakou.routeserver.plan import make_plan
from lakou.routeserver.render.bird2 import render_bird

pytestmark = pytest.mark.live
MISSING = missing_tools("bird", "ip")
if MISSING:
    pytestmark = [pytest.mark.live, pytest.mark.skip(reason=f"missing: {', '.join(MISSING)}")]
pytest.importorskip("aiosmtpd", reason="aiosmtpd (PyPI) is not installed")

from tests.watch.conftest import Mailbox, smtp_server  # noqa: E402, F401

NOC_C, NOC_E, STAFF = "noc@c.example", "noc@e.example", "ops@rs.example"


def states(endpoint: api.RouteServerEndpoint, asn: int) -> set[str]:
    return {n.state for n in api.neighbours(endpoint) if n.asn == asn}


def test_member_daemon_down_then_up_mails_once_each_way(
    tmp_path: Path,
    smtp_server: Mailbox,  # noqa: F811  (the fixture imported above)
) -> None:
    if not can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    clients = [c for c in w.clients() if c.asn in (w.C, w.E)]
    plan = make_plan(w.policy(rpki=False), clients, w.enriched())
    config = render_bird(plan, (2, 0, 12), log_file=str(tmp_path / "rs.bird.log"))
    contacts = tmp_path / "contacts.yaml"
    contacts.write_text(
        "contacts:\n"
        f"  - {{email: {NOC_C}, asn: {w.C}, language: fr}}\n"
        f"  - {{email: {NOC_E}, asn: {w.E}}}\n"
        f"  - {{email: {STAFF}, staff: true}}\n"
    )
    with Lab(tmp_path) as lab:
        rs_node = lab.node("rs", 1)
        rs = start_bird(rs_node, config, tmp_path, "rs")
        endpoint = api.RouteServerEndpoint(name="rs1", socket=rs.socket, rs_asn=w.RS_ASN)
        nodes = {w.C: lab.node("c", 13), w.E: lab.node("e", 15)}
        birds = {
            w.C: start_bird(
                nodes[w.C], member_bird_config(nodes[w.C], w.C, rs_node, w.RS_ASN), tmp_path
            ),
            # E leaks the exchange's own peering-LAN prefix to the route server.
            w.E: start_bird(
                nodes[w.E],
                member_bird_config(
                    nodes[w.E], w.E, rs_node, w.RS_ASN, "route 192.0.2.0/24 blackhole"
                ),
                tmp_path,
            ),
        }

        def watch() -> dict[str, Any]:
            args = ["watch", "run", "--state", str(tmp_path / "events.json")]
            args += ["--socket", str(rs.socket), "--rs-asn", str(w.RS_ASN)]
            args += ["--peering-lan", "192.0.2.0/24", "--peering-lan", "2001:db8::/64"]
            args += ["--contacts", str(contacts), "--smtp-host", "127.0.0.1"]
            args += ["--smtp-port", str(smtp_server.port), "--exchange-name", "RS-LAB"]
            out = CliRunner().invoke(main, args)
            assert out.exit_code == 0, out.output
            result: dict[str, Any] = json.loads(out.output)
            return result

        for asn in (w.C, w.E):
            wait_for(lambda a=asn: states(endpoint, a) == {"Established"}, 60, f"AS{asn} up")
        wait_for(lambda: api.search([endpoint], "192.0.2.0/24"), 30, "E's leak at the RS")
        (leak,) = watch()["changes"]
        assert (leak["change"], leak["asn"], leak["kind"]) == ("opened", w.E, "peering-lan-prefix")
        assert leak["severity"] == "warning"  # the route server filtered it
        (to_e,) = smtp_server.to(NOC_E)
        assert "peering-lan-prefix for AS10005 on rs 192.0.2.0/24" in to_e.get_content()
        assert "filtered" in to_e.get_content()
        assert smtp_server.to(NOC_C) == [] and len(smtp_server.to(STAFF)) == 1

        stop(birds[w.C].proc)
        wait_for(lambda: "Established" not in states(endpoint, w.C), 30, "AS10003 down at RS")
        down = watch()["changes"]
        assert {(c["change"], c["asn"], c["kind"]) for c in down} == {
            ("opened", w.C, "session-down")
        }
        assert len(down) == 2  # IPv4 and IPv6 sessions, in one message each way
        (noc,) = smtp_server.to(NOC_C)
        staff = smtp_server.to(STAFF)[1]
        assert len(smtp_server.to(NOC_E)) == 1
        assert "session-down pour AS10003 sur rs 192.0.2.13" in noc.get_content()
        assert "Administrative shutdown" in noc.get_content()  # what BIRD said
        assert "session-down for AS10003 on rs 2001:db8::13" in staff.get_content()
        assert watch()["changes"] == []  # still down: no second message

        birds[w.C] = start_bird(
            nodes[w.C], member_bird_config(nodes[w.C], w.C, rs_node, w.RS_ASN), tmp_path, "c2"
        )
        wait_for(lambda: states(endpoint, w.C) == {"Established"}, 60, "AS10003 up again")
        back = watch()["changes"]
        assert {(c["change"], c["asn"]) for c in back} == {("back-to-normal", w.C)}
        assert len(smtp_server.to(NOC_C)) == 2 and len(smtp_server.to(STAFF)) == 3
        assert "RETOUR À LA NORMALE : session-down pour AS10003" in (
            smtp_server.to(NOC_C)[1].get_content()
        )
        assert len(smtp_server.to(NOC_E)) == 1  # E's leak is still open: no new message
