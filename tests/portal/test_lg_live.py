"""The portal's looking glass against a real BIRD 2 route server (live).

The route server's configuration is lakou's own (``make_plan`` + ``render_bird``) and it
runs in a network namespace on a peering LAN with one member, a real BIRD that announces
an accepted route and one route that fails three checks (a private ASN in the path, a
prefix and an origin outside the member's IRR data). The portal is pointed at the route
server's control socket through its settings, then the pages and the API must show the
neighbour under its registry name and the filtered route with all three reasons, in
French and in English. A second, configured route server has no socket: the page says
so for that server only.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.test import Client

from lakou.registry import models as m
from lakou.routeserver.lg import api as lg
from lakou.routeserver.plan import make_plan
from lakou.routeserver.render.bird2 import render_bird

pytestmark = [pytest.mark.live, pytest.mark.django_db]


def _live_helper(name: str) -> ModuleType:
    """``tests/live/<name>.py`` (the namespaced peering LAN), loaded by path."""
    path = Path(__file__).resolve().parent.parent / "live" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"lakou_live_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


lab = _live_helper("lab")
w = _live_helper("rsworld")

if lab.have_tools("bird", "ip"):
    pytestmark = [*pytestmark, pytest.mark.skip(reason="needs bird and ip")]

FILTERED = "45.0.0.0/24"  # not in B's IRR data, announced with 64512 in the path
ACCEPTED = "12.2.0.0/24"
REASONS = {4, 9, 10}
MEMBER_NAME = "Réseau Karukera (test)"


def _member_config(node: Any, rs_node: Any) -> str:
    return lab.member_bird_config(
        node,
        w.B,
        rs_node,
        w.RS_ASN,
        f"route {ACCEPTED} blackhole; route {FILTERED} blackhole; route 2a0b::/32 blackhole",
        export=f"filter {{ if net = {FILTERED} then bgp_path.prepend(64512); accept; }}",
    )


@pytest.fixture(scope="module")
def route_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    if not lab.can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    workdir = tmp_path_factory.mktemp("lg-portal")
    clients = [c for c in w.clients() if c.asn in (w.B, w.C)]  # C never comes: a down session
    config = render_bird(make_plan(w.policy(rpki=False), clients, w.enriched()), (2, 0, 12))
    with lab.Lab(workdir) as net:
        rs_node = net.node("rs", 1)
        rs = lab.start_bird(rs_node, config, workdir, "rs")
        b = net.node("b", 12)
        lab.start_bird(b, _member_config(b, rs_node), workdir, "b")
        endpoint = lg.RouteServerEndpoint(name="rs1", socket=rs.socket, rs_asn=w.RS_ASN)

        def member_routes_in() -> bool:
            by_session = {n.session: n for n in lg.neighbours(endpoint)}
            v4 = by_session.get(f"AS{w.B}_4_1")
            return v4 is not None and v4.accepted >= 1 and v4.filtered >= 1

        lab.wait_for(member_routes_in, 30, "member B's routes at the route server")
        yield rs.socket


@pytest.fixture
def portal(route_server: Path, settings: Any, tmp_path: Path) -> Client:
    config = settings.LAKOU_CONFIG
    servers = [
        lg.RouteServerEndpoint(name="rs1", socket=route_server, rs_asn=w.RS_ASN),
        lg.RouteServerEndpoint(name="rs2", socket=tmp_path / "no-bird.ctl", rs_asn=w.RS_ASN),
    ]
    settings.LAKOU_CONFIG = config.model_copy(
        update={"routeserver": config.routeserver.model_copy(update={"route_servers": servers})}
    )
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
