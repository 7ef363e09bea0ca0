"""The portal's looking glass against a real route server, BIRD 2 and OpenBGPD 7.7 (live).

The route server's configuration is lakou's own (``make_plan`` + ``render_bird`` or
``render_openbgpd``) and it runs in a network namespace on a peering LAN with two members,
real BIRDs: B announces an accepted route and one route that fails three checks (a private
ASN in the path, a prefix and an origin outside the member's IRR data); A announces one
accepted route, which B must be sent. The portal is pointed at the route server's control
socket through its settings, then the pages and the API must show the neighbour under its
registry name, its uptime, the filtered route with all three reasons in French and in
English, an address found by longest match, and the routes B is sent. A second, configured
route server has no socket: the page says so for that server only.

BIRD prints times in its host's zone: it runs in America/Guadeloupe with the portal in UTC,
then the reverse, and the uptime must be the same small number of seconds both ways.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from tests.live.helpers import lab
from tests.live.helpers import rsworld as w

from lakou.registry import models as m
from lakou.routeserver.lg import api as lg
from lakou.routeserver.plan import make_plan
from lakou.routeserver.render.bird2 import render_bird
from lakou.routeserver.render.openbgpd import render_openbgpd

pytestmark = [pytest.mark.live, pytest.mark.django_db]


if lab.missing_tools("bird", "bgpd", "bgpctl", "ip"):
    pytestmark = [*pytestmark, pytest.mark.skip(reason="needs bird, openbgpd and ip")]

FILTERED = "45.0.0.0/24"  # not in B's IRR data, announced with 64512 in the path
ACCEPTED = "12.2.0.0/24"
FROM_A = "11.0.0.0/24"  # A's, accepted: B is sent it
REASONS = {4, 9, 10}
MEMBER_NAME = "Réseau Karukera (test)"
GUADELOUPE = "America/Guadeloupe"  # UTC-4, the portal's default zone


@dataclass(frozen=True)
class Case:
    daemon: str
    rs_zone: str  # TZ of the route-server daemon
    portal_zone: str  # the portal's TIME_ZONE


CASES = [
    Case("bird2", GUADELOUPE, "UTC"),
    Case("bird2", "UTC", GUADELOUPE),
    Case("openbgpd", GUADELOUPE, "UTC"),
]


@dataclass
class RouteServer:
    case: Case
    socket: Path
    started: float  # time.monotonic() when the daemon was started


def _member_config(node: Any, rs_node: Any) -> str:
    return lab.member_bird_config(
        node,
        w.B,
        rs_node,
        w.RS_ASN,
        f"route {ACCEPTED} blackhole; route {FILTERED} blackhole; route 2a0b::/32 blackhole",
        export=f"filter {{ if net = {FILTERED} then bgp_path.prepend(64512); accept; }}",
    )


def _start_in_zone(node: Any, args: list[str], log: Path, zone: str) -> None:
    node.popen(args, log, env={**os.environ, "TZ": zone})


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c.daemon}-rs-{c.rs_zone}")
def route_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RouteServer]:
    if not lab.can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    case: Case = request.param
    workdir = tmp_path_factory.mktemp(f"lg-portal-{case.daemon}")
    clients = [c for c in w.clients() if c.asn in (w.A, w.B, w.C)]  # C never comes: down
    plan = make_plan(w.policy(rpki=False), clients, w.enriched())
    with lab.Lab(workdir) as net:
        rs_node = net.node("rs", 1)
        started = time.monotonic()
        if case.daemon == "bird2":
            sock = workdir / "rs.ctl"
            config = workdir / "rs.conf"
            config.write_text(render_bird(plan, (2, 0, 12)))
            _start_in_zone(
                rs_node,
                ["bird", "-f", "-c", str(config), "-s", str(sock), "-P", str(workdir / "rs.pid")],
                workdir / "rs.log",
                case.rs_zone,
            )
        else:
            os.makedirs("/run/openbgpd", exist_ok=True)  # bgpd's chroot
            sock = workdir / "bgpd.sock"
            config = workdir / "bgpd.conf"
            config.write_text(render_openbgpd(plan, control_socket=str(sock)))
            _start_in_zone(
                rs_node, ["bgpd", "-d", "-f", str(config)], workdir / "bgpd.log", case.rs_zone
            )
        lab.wait_for(sock.exists, 20, "the route server's control socket")
        b = net.node("b", 12)
        lab.start_bird(b, _member_config(b, rs_node), workdir, "b")
        a = net.node("a", 11)
        lab.start_bird(
            a,
            lab.member_bird_config(a, w.A, rs_node, w.RS_ASN, f"route {FROM_A} blackhole"),
            workdir,
            "a",
        )
        endpoint = lg.RouteServerEndpoint(
            name="rs1", socket=sock, rs_asn=w.RS_ASN, daemon=case.daemon
        )

        def member_routes_in() -> bool:
            by_session = {n.session: n for n in lg.neighbours(endpoint)}
            v4 = by_session.get(f"AS{w.B}_4_1")
            a4 = by_session.get(f"AS{w.A}_4_1")
            return (
                v4 is not None
                and v4.accepted >= 1
                and v4.filtered >= 1
                and a4 is not None
                and a4.accepted >= 1
                and (v4.uptime_seconds or 0) >= 1
            )

        lab.wait_for(member_routes_in, 60, "members' routes at the route server")
        yield RouteServer(case, sock, started)


@pytest.fixture
def portal(route_server: RouteServer, settings: Any, tmp_path: Path) -> Client:
    config = settings.LAKOU_CONFIG
    servers = [
        lg.RouteServerEndpoint(
            name="rs1",
            socket=route_server.socket,
            rs_asn=w.RS_ASN,
            daemon=route_server.case.daemon,
        ),
        lg.RouteServerEndpoint(name="rs2", socket=tmp_path / "no-bird.ctl", rs_asn=w.RS_ASN),
    ]
    settings.LAKOU_CONFIG = config.model_copy(
        update={"routeserver": config.routeserver.model_copy(update={"route_servers": servers})}
    )
    settings.TIME_ZONE = route_server.case.portal_zone  # Django sets the process's TZ too
    assert os.environ["TZ"] == route_server.case.portal_zone
    ex = m.Exchange.objects.create(slug="lab-ix", name="Lab IX", country="GP")
    lan = m.PeeringLan.objects.create(exchange=ex, name="peering", ipv4_prefix="192.0.2.0/24")
    net = m.Network.objects.create(asn=w.B, name=MEMBER_NAME)
    member = m.Member.objects.create(exchange=ex, network=net)
    conn = m.Connection.objects.create(member=member)
    m.PeeringLanAddress.objects.create(connection=conn, lan=lan, ipv4="192.0.2.12")
    return Client()


def test_pages_show_the_neighbour_and_every_reason_in_french_and_english(
    portal: Client,
) -> None:
    html = portal.get("/lg/", headers={"accept-language": "en"}).content.decode()
    start = html.index(f'id="rs1-AS{w.B}_4_1"')
    row = html[start : html.index("</tr>", start)]
    assert f"AS{w.B}" in row and MEMBER_NAME in row and "Established" in row
    assert "192.0.2.12" in row and "Lab IX" in row and "/exchanges/lab-ix/#as" in row
    down = html.index(f'id="rs1-AS{w.C}_4_1"')
    assert "Established" not in html[down : html.index("</tr>", down)]
    assert "Route server rs2 is not answering" in html

    url = f"/lg/rs1/AS{w.B}_4_1/"
    en = portal.get(url, headers={"accept-language": "en"}).content.decode()
    filtered = en[en.index('id="filtered"') : en.index('id="accepted"')]
    assert FILTERED in filtered and f"{w.B} 64512" in filtered
    for text in (
        "private or reserved AS number in the AS_PATH",
        "prefix not registered in the member&#x27;s IRR AS-SET",
        "origin AS not in the member&#x27;s IRR AS-SET",
    ):
        assert text in filtered
    assert ACCEPTED in en[en.index('id="accepted"') :]

    fr = portal.get(url, headers={"accept-language": "fr"}).content.decode()
    filtered = fr[fr.index('id="filtered"') : fr.index('id="accepted"')]
    assert "Routes filtrées" in fr
    for text in (
        "numéro d&#x27;AS privé ou réservé dans l&#x27;AS_PATH",
        "préfixe non enregistré dans l&#x27;AS-SET IRR du membre",
        "AS d&#x27;origine absent de l&#x27;AS-SET IRR du membre",
    ):
        assert text in filtered


def test_api_shows_the_filtered_route_with_its_reasons(portal: Client) -> None:
    data = portal.get("/api/lg/neighbours").json()
    rs1, rs2 = data["route_servers"]
    assert rs1["ok"] and not rs2["ok"]
    (b4,) = [n for n in rs1["neighbours"] if n["session"] == f"AS{w.B}_4_1"]
    assert b4["member"]["name"] == MEMBER_NAME and b4["state"] == "Established"
    assert b4["filtered"] >= 1 and b4["accepted"] >= 1

    url = f"/api/lg/rs1/AS{w.B}_4_1/routes?filtered=true"
    en = portal.get(url + "&lang=en").json()
    (route,) = [r for r in en["routes"] if r["prefix"] == FILTERED]
    assert {r["code"] for r in route["reasons"]} == REASONS
    assert {r["community"] for r in route["reasons"]} == {f"{w.RS_ASN}:1101:{c}" for c in REASONS}
    fr = portal.get(url + "&lang=fr").json()
    (route_fr,) = [r for r in fr["routes"] if r["prefix"] == FILTERED]
    texts = {r["text"] for r in route_fr["reasons"]}
    assert "AS d'origine absent de l'AS-SET IRR du membre" in texts
    assert texts.isdisjoint({r["text"] for r in route["reasons"]})

    found = portal.get(f"/api/lg/explain?prefix={FILTERED}&asn=AS{w.B}").json()
    assert found["total"] == 1 and found["routes"][0]["filtered"]
    assert [e["route_server"] for e in found["errors"]] == ["rs2"]
    assert portal.get(f"/api/lg/search?prefix={FILTERED}%20all").status_code == 422


def test_uptime_is_right_whatever_the_zones(portal: Client, route_server: RouteServer) -> None:
    data = portal.get("/api/lg/neighbours").json()
    (b4,) = [n for n in data["route_servers"][0]["neighbours"] if n["session"] == f"AS{w.B}_4_1"]
    up_at_most = time.monotonic() - route_server.started + 1
    # before the fix: 0 (BIRD's clock ahead of the portal's) or 4 hours (behind)
    assert 1 <= b4["uptime_seconds"] <= up_at_most
    if route_server.case.daemon == "bird2":  # BIRD did print its own zone's time
        since = datetime.fromisoformat(b4["since"])
        there = datetime.now(ZoneInfo(route_server.case.rs_zone)).replace(tzinfo=None)
        here = datetime.now(ZoneInfo(route_server.case.portal_zone)).replace(tzinfo=None)
        assert abs((there - since).total_seconds()) <= up_at_most
        assert abs((here - since).total_seconds()) >= 3 * 3600
    html = portal.get("/lg/", headers={"accept-language": "en"}).content.decode()
    start = html.index(f'id="rs1-AS{w.B}_4_1"')
    assert "minute" in html[start : html.index("</tr>", start)]
    (c4,) = [n for n in data["route_servers"][0]["neighbours"] if n["session"] == f"AS{w.C}_4_1"]
    assert c4["uptime_seconds"] is None  # down: no uptime


def test_address_lookup_is_a_longest_match(portal: Client) -> None:
    found = portal.get("/api/lg/search?prefix=45.0.0.77&lang=fr").json()
    (route,) = found["routes"]
    assert route["prefix"] == FILTERED and route["filtered"]
    assert {r["code"] for r in route["reasons"]} == REASONS
    assert found["prefix"] == "45.0.0.77"
    found = portal.get("/api/lg/search?prefix=12.2.0.200").json()
    assert [(r["prefix"], r["filtered"], r["asn"]) for r in found["routes"]] == [
        (ACCEPTED, False, w.B)
    ]
    found = portal.get(f"/api/lg/explain?prefix=11.0.0.9&asn={w.B}").json()
    assert found["routes"] == []  # 11.0.0.0/24 is A's, not B's
    html = portal.get("/lg/search/?prefix=45.0.0.77", headers={"accept-language": "fr"})
    assert FILTERED in html.content.decode()


def test_routes_a_member_is_sent(portal: Client) -> None:
    body = portal.get(f"/api/lg/rs1/AS{w.B}_4_1/exported").json()
    prefixes = {r["prefix"] for r in body["routes"]}
    assert FROM_A in prefixes  # A's accepted route
    assert (
        FILTERED not in prefixes and ACCEPTED not in prefixes
    )  # never a filtered one, nor its own
    assert {r["sent_to"] for r in body["routes"]} == {f"AS{w.B}_4_1"}
    html = portal.get(f"/lg/rs1/AS{w.B}/exported/").content.decode()
    assert FROM_A in html[html.index('id="exported"') :]


def test_pages_are_slices_of_the_whole(route_server: RouteServer) -> None:
    rs = lg.RouteServerEndpoint(
        name="rs1", socket=route_server.socket, rs_asn=w.RS_ASN, daemon=route_server.case.daemon
    )
    whole = lg.routes(rs, str(w.B))  # accepted, then filtered, per session
    assert len(whole) >= 3
    key = [(r.prefix, r.session, r.filtered) for r in whole]
    for offset in range(len(whole) + 1):
        page = lg.routes_page(rs, str(w.B), None, limit=1, offset=offset)
        assert page.total == len(whole)
        assert [(r.prefix, r.session, r.filtered) for r in page.routes] == key[offset : offset + 1]
    sent = lg.exported(rs, f"AS{w.B}_4_1")
    page = lg.exported_page(rs, f"AS{w.B}_4_1", limit=1, offset=len(sent) - 1)
    assert page.total == len(sent) and [r.prefix for r in page.routes] == [sent[-1].prefix]
