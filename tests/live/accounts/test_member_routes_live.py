"""A member's API key against a real BIRD route server (live).

The route server runs lakou's own BIRD configuration in a network namespace on a peering
LAN with two members, real BIRDs (``tests/live``, as ``tests/live/portal/test_lg_live.py``):
B announces an accepted route and one that fails three checks (a private ASN in its path,
a prefix and an origin outside B's IRR data); A announces one accepted route. B's key
must read B's sessions and filtered routes (every reason, in English and French), and
get 404 for A's; an expired or a revoked key of B gets 401.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from tests.live.helpers import lab
from tests.live.helpers import rsworld as w

from lakou.accounts import keys, manage
from lakou.accounts.models import ApiKey
from lakou.registry import models as m
from lakou.routeserver.lg import api as lg
from lakou.routeserver.plan import make_plan
from lakou.routeserver.render.bird2 import render_bird

pytestmark = [pytest.mark.live, pytest.mark.django_db]


if lab.missing_tools("bird", "ip"):
    pytestmark = [*pytestmark, pytest.mark.skip(reason="needs bird and ip")]

FILTERED = "45.0.0.0/24"
ACCEPTED = "12.2.0.0/24"
FROM_A = "11.0.0.0/24"
REASONS = {4, 9, 10}


@pytest.fixture(scope="module")
def route_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if not lab.can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    workdir = tmp_path_factory.mktemp("member-routes")
    clients = [c for c in w.clients() if c.asn in (w.A, w.B)]
    plan = make_plan(w.policy(rpki=False), clients, w.enriched())
    with lab.Lab(workdir) as net:
        rs_node = net.node("rs", 1)
        sock, config = workdir / "rs.ctl", workdir / "rs.conf"
        config.write_text(render_bird(plan, (2, 0, 12)))
        rs_node.popen(
            ["bird", "-f", "-c", str(config), "-s", str(sock), "-P", str(workdir / "rs.pid")],
            workdir / "rs.log",
        )
        lab.wait_for(sock.exists, 20, "the route server's control socket")
        b = net.node("b", 12)
        lab.start_bird(
            b,
            lab.member_bird_config(
                b,
                w.B,
                rs_node,
                w.RS_ASN,
                f"route {ACCEPTED} blackhole; route {FILTERED} blackhole",
                export=f"filter {{ if net = {FILTERED} then bgp_path.prepend(64512); accept; }}",
            ),
            workdir,
            "b",
        )
        a = net.node("a", 11)
        lab.start_bird(
            a,
            lab.member_bird_config(a, w.A, rs_node, w.RS_ASN, f"route {FROM_A} blackhole"),
            workdir,
            "a",
        )
        endpoint = lg.RouteServerEndpoint(name="rs1", socket=sock, rs_asn=w.RS_ASN)

        def routes_in() -> bool:
            by = {n.session: n for n in lg.neighbours(endpoint)}
            b4, a4 = by.get(f"AS{w.B}_4_1"), by.get(f"AS{w.A}_4_1")
            return bool(b4 and b4.filtered >= 1 and b4.accepted >= 1 and a4 and a4.accepted >= 1)

        lab.wait_for(routes_in, 60, "members' routes at the route server")
        yield sock


@pytest.fixture
def users(route_server: Path, settings: Any) -> dict[str, Any]:
    config = settings.LAKOU_CONFIG
    servers = [lg.RouteServerEndpoint(name="rs1", socket=route_server, rs_asn=w.RS_ASN)]
    settings.LAKOU_CONFIG = config.model_copy(
        update={"routeserver": config.routeserver.model_copy(update={"route_servers": servers})}
    )
    ex = m.Exchange.objects.create(slug="lab-ix", name="Lab IX", country="GP")
    lan = m.PeeringLan.objects.create(exchange=ex, name="peering", ipv4_prefix="192.0.2.0/24")
    rs = m.RouteServer.objects.create(
        exchange=ex, lan=lan, name="rs1", asn=w.RS_ASN, router_id="192.0.2.1", ipv4="192.0.2.1"
    )
    out = {}
    for asn, host in ((w.A, 11), (w.B, 12)):
        net = m.Network.objects.create(asn=asn, name=f"Member AS{asn}")
        conn = m.Connection.objects.create(member=m.Member.objects.create(exchange=ex, network=net))
        addr = m.PeeringLanAddress.objects.create(connection=conn, lan=lan, ipv4=f"192.0.2.{host}")
        m.RouteServerSession.objects.create(route_server=rs, address=addr, afi=4)
        out[asn] = manage.add_user(f"user-{asn}", "member-user", asn)[0]
    return out


def get(path: str, key: str | None) -> Any:
    return Client(headers={"authorization": f"Bearer {key}"} if key else {}).get(path)


def test_a_key_reads_its_sessions_and_filtered_routes_and_nothing_else(
    users: dict[str, Any],
) -> None:
    key_b = keys.create_key(users[w.B], days=30)[1]
    sessions = get(f"/api/members/{w.B}/sessions", key_b)
    assert sessions.status_code == 200
    assert [(s["route_server"], s["afi"], s["address"]) for s in sessions.json()] == [
        ("rs1", 4, "192.0.2.12")
    ]
    answer = get(f"/api/members/{w.B}/routes?status=filtered&lang=en", key_b)
    assert answer.status_code == 200
    (rs1,) = answer.json()["route_servers"]
    assert rs1["ok"] and rs1["total"] >= 1
    (route,) = [r for r in rs1["routes"] if r["prefix"] == FILTERED]
    assert route["filtered"] and route["session"] == f"AS{w.B}_4_1"
    assert {r["code"] for r in route["reasons"]} == REASONS
    assert ACCEPTED not in {r["prefix"] for r in rs1["routes"]}
    fr = get(f"/api/members/{w.B}/routes?lang=fr", key_b).json()["route_servers"][0]
    (route_fr,) = [r for r in fr["routes"] if r["prefix"] == FILTERED]
    assert "AS d'origine absent de l'AS-SET IRR du membre" in {
        r["text"] for r in route_fr["reasons"]
    }
    accepted = get(f"/api/members/{w.B}/routes?status=accepted", key_b).json()
    assert ACCEPTED in {r["prefix"] for r in accepted["route_servers"][0]["routes"]}

    # A's sessions and routes: B's key learns nothing
    for what in ("sessions", "routes", "contacts"):
        assert get(f"/api/members/{w.A}/{what}", key_b).status_code == 404, what

    expired = keys.create_key(users[w.B], days=30)[1]
    ApiKey.objects.filter(digest=keys.digest(expired)).update(
        expires=timezone.now() - timedelta(seconds=1)
    )
    revoked = keys.create_key(users[w.B], days=30)[1]
    assert keys.revoke(users[w.B], revoked.split("_")[1]) == 1
    for dead in (expired, revoked):
        for what in ("sessions", "routes?status=filtered"):
            assert get(f"/api/members/{w.B}/{what}", dead).status_code == 401, what
    assert get(f"/api/members/{w.B}/routes", key_b).status_code == 200  # still live


def test_the_members_page_shows_the_session_up_and_the_reasons(users: dict[str, Any]) -> None:
    client = Client()
    client.force_login(users[w.B])
    html = client.get(f"/members/{w.B}/routes/", headers={"accept-language": "en"})
    assert html.status_code == 200
    text = html.content.decode()
    live = text[text.index('id="live-sessions"') : text.index("</section>")]
    assert f"AS{w.B}_4_1" in live and "Established" in live and f"AS{w.A}_4_1" not in live
    assert FILTERED in text and "origin AS not in the member&#x27;s IRR AS-SET" in text
    assert client.get(f"/members/{w.A}/routes/").status_code == 404
