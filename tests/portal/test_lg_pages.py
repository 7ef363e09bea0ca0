"""The looking glass in the portal: pages and API shape, languages, bad input, dead servers.

Route server ``rs1`` is answered by a stand-in for the engine's query functions whose
routes are decoded by the engine's own code (``_view``: the real reason table, in the
requested language). ``gone`` is a socket path where nothing listens and ``mute`` a real
unix socket that accepts and never answers: both go through the real engine and its
socket client, so their errors are the real ones. The live test (``test_lg_live.py``)
runs all of it against a real BIRD.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.demo import DemoSummary
from lakou.i18n import language
from lakou.portal import lg_queries as q
from lakou.routeserver.communities import parse_large_communities
from lakou.routeserver.lg import api as lg
from lakou.routeserver.lg import model as lg_model
from lakou.routeserver.lg.bird_parse import Route

pytestmark = pytest.mark.django_db

RS_ASN = 59999
DAUPHIN = 33392  # a demo member at 192.0.2.14 / 2001:db8:100::14


def _route(prefix: str, path: str, large: str = "", next_hop: str = "192.0.2.14") -> Route:
    return Route(
        prefix=prefix,
        protocol="AS33392_4_1",
        primary=not large or "1101" not in large,
        next_hop=next_hop,
        as_path=[int(a) for a in path.split()],
        as_path_text=path,
        large_communities=parse_large_communities(large),
    )


# (session, route, filtered)
ROUTES: list[tuple[str, Route, bool]] = [
    (
        "AS33392_4_1",
        _route("11.0.0.0/24", "33392", f"({RS_ASN}, 1000, 1) ({RS_ASN}, 1000, 4)"),
        False,
    ),
    (
        "AS33392_4_1",
        _route(
            "11.0.11.0/24",
            "33392 64512 30000",
            f"({RS_ASN}, 1101, 8) ({RS_ASN}, 1101, 4) ({RS_ASN}, 1101, 10)",
            next_hop="192.0.2.12",
        ),
        True,
    ),
    (
        "AS33392_4_1",
        _route("10.0.0.0/24", "33392", f"({RS_ASN}, 1101, 3) ({RS_ASN}, 1101, 9)"),
        True,
    ),
    (
        "AS33392_6_1",
        _route("2a0a::/32", "33392", f"({RS_ASN}, 1000, 1)", next_hop="2001:db8:100::14"),
        False,
    ),
]

NEIGHBOURS = [
    dict(
        session="AS33392_4_1",
        asn=DAUPHIN,
        address="192.0.2.14",
        description="AS33392 Dauphin",
        state="Established",
        since="2026-11-20 10:00:00.000",
        info="Established",
        received=3,
        accepted=1,
        filtered=2,
        exported=40,
        uptime_seconds=3 * 86400 + 3600,  # the route server's own measure
    ),
    dict(
        session="AS33392_6_1",
        asn=DAUPHIN,
        address="2001:db8:100::14",
        description="AS33392 Dauphin",
        state="Established",
        since="2026-11-20 10:00:00.000",
        info="Established",
        received=1,
        accepted=1,
        filtered=0,
        exported=9,
        uptime_seconds=3 * 86400 + 3600,
    ),
    dict(
        session="AS10002_4_1",
        asn=10002,
        address="192.0.2.99",
        description="AS10002 Not in the registry",
        state="Active",
        since="2026-11-21 08:00:00.000",
        info="Socket: Connection refused",
        received=0,
        accepted=0,
        filtered=0,
        exported=0,
        last_error="Socket: Connection refused",
    ),
]


class FakeEngine:
    """rs1's answers; every other route server goes to the real engine functions."""

    def __init__(self) -> None:
        self.real = {
            name: getattr(lg, name)
            for name in (
                "neighbours",
                "routes",
                "routes_page",
                "exported",
                "exported_page",
                "search",
                "explain",
            )
        }
        self.calls: list[tuple[str, Any]] = []

    def _views(self, rs: lg.RouteServerEndpoint, lang: str, keep: Any) -> list[lg.RouteView]:
        out = []
        with language(lang):
            for session, route, filtered in ROUTES:
                if keep(session, route, filtered):
                    route.filtered = filtered
                    out.append(lg_model.view(rs, route, session))
        return out

    def neighbours(self, rs: lg.RouteServerEndpoint) -> list[lg.Neighbour]:
        if rs.name != "rs1":
            return self.real["neighbours"](rs)
        self.calls.append(("neighbours", rs.name))
        return [lg.Neighbour(route_server=rs.name, **n) for n in NEIGHBOURS]

    def routes(
        self,
        rs: lg.RouteServerEndpoint,
        neighbour: str,
        filtered: bool | None = None,
        lang: str = "en",
    ) -> list[lg.RouteView]:
        if rs.name != "rs1":
            return self.real["routes"](rs, neighbour, filtered=filtered, lang=lang)
        self.calls.append(("routes", neighbour))

        def keep(session: str, route: Route, is_filtered: bool) -> bool:
            mine = session == neighbour or session.startswith(f"AS{neighbour}_")
            return mine and filtered in (None, is_filtered)

        return self._views(rs, lang, keep)

    def exported(
        self, rs: lg.RouteServerEndpoint, neighbour: str, lang: str = "en"
    ) -> list[lg.RouteView]:
        if rs.name != "rs1":
            return self.real["exported"](rs, neighbour, lang=lang)
        self.calls.append(("exported", neighbour))
        views = self._views(
            rs,
            lang,
            lambda s, r, f: not f and s != neighbour and not s.startswith(f"AS{neighbour}_"),
        )
        return [v.model_copy(update={"sent_to": neighbour}) for v in views]

    def routes_page(
        self,
        rs: lg.RouteServerEndpoint,
        neighbour: str,
        filtered: bool | None = None,
        lang: str = "en",
        limit: int = 100,
        offset: int = 0,
    ) -> lg.RoutePage:
        if rs.name != "rs1":
            return self.real["routes_page"](rs, neighbour, filtered, lang, limit, offset)
        found = self.routes(rs, neighbour, filtered=filtered, lang=lang)
        return lg.RoutePage(total=len(found), routes=found[offset : offset + limit])

    def exported_page(
        self,
        rs: lg.RouteServerEndpoint,
        neighbour: str,
        lang: str = "en",
        limit: int = 100,
        offset: int = 0,
    ) -> lg.RoutePage:
        if rs.name != "rs1":
            return self.real["exported_page"](rs, neighbour, lang, limit, offset)
        found = self.exported(rs, neighbour, lang=lang)
        return lg.RoutePage(total=len(found), routes=found[offset : offset + limit])

    def search(
        self, servers: Sequence[lg.RouteServerEndpoint], prefix: str, lang: str = "en"
    ) -> list[lg.RouteView]:
        (rs,) = servers
        if rs.name != "rs1":
            return self.real["search"](servers, prefix, lang=lang)
        self.calls.append(("search", prefix))
        return self._views(rs, lang, lambda s, r, f: r.prefix == prefix)

    def explain(
        self, servers: Sequence[lg.RouteServerEndpoint], prefix: str, asn: int, lang: str = "en"
    ) -> list[lg.RouteView]:
        (rs,) = servers
        if rs.name != "rs1":
            return self.real["explain"](servers, prefix, asn, lang=lang)
        self.calls.append(("explain", (prefix, asn)))
        return self._views(
            rs, lang, lambda s, r, f: r.prefix == prefix and s.startswith(f"AS{asn}_")
        )


@pytest.fixture
def mute_socket(tmp_path: Path) -> Iterator[Path]:
    """A unix socket that greets like BIRD, then never answers a command (a hung BIRD)."""
    path = tmp_path / "mute.ctl"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            conn.sendall(b"0001 BIRD 2.0.12 ready.\n")
            accepted.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield path
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in accepted:  # the engine's reader then sees EOF and its thread ends
            conn.close()
        server.close()


def _configure(settings: Any, servers: list[lg.RouteServerEndpoint]) -> None:
    config = settings.LAKOU_CONFIG
    settings.LAKOU_CONFIG = config.model_copy(
        update={"routeserver": config.routeserver.model_copy(update={"route_servers": servers})}
    )


@pytest.fixture
def engine(
    settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo: DemoSummary
) -> FakeEngine:
    fake = FakeEngine()
    for name in fake.real:
        monkeypatch.setattr(lg, name, getattr(fake, name))
    _configure(
        settings,
        [
            lg.RouteServerEndpoint(name="rs1", socket=tmp_path / "rs1.ctl", rs_asn=RS_ASN),
            lg.RouteServerEndpoint(name="gone", socket=tmp_path / "nothing.ctl", rs_asn=RS_ASN),
        ],
    )
    settings.LAKOU_LG_TIMEOUT = 5.0
    return fake


def page(client: Client, url: str, lang: str = "en", status: int = 200) -> str:
    response = client.get(url, headers={"accept-language": lang})
    assert response.status_code == status, (url, response.content[:300])
    return response.content.decode()


def row_of(html: str, row_id: str) -> str:
    start = html.index(f'id="{row_id}"')
    return html[start : html.index("</tr>", start)]


# --- pages -----------------------------------------------------------------------------


def test_index_lists_neighbours_with_registry_names_and_counts(
    client: Client, engine: FakeEngine
) -> None:
    html = page(client, "/lg/")
    assert "Looking glass" in html and 'name="prefix"' in html
    row = row_of(html, "rs1-AS33392_4_1")
    assert "AS33392" in row and "Dauphin Telecom" in row  # the registry's name, not BIRD's
    assert "192.0.2.14" in row and "Established" in row and "bgp-up" in row
    assert ">3<" in row and ">1<" in row and ">2</a>" in row  # received, accepted, filtered
    assert "/lg/rs1/AS33392_4_1/" in row
    assert "3\xa0days, 1\xa0hour" in row  # the route server's uptime, Django's timesince
    # a session the registry does not know keeps BIRD's description, and says why it is down
    row = row_of(html, "rs1-AS10002_4_1")
    assert "AS10002 Not in the registry" in row and "Active" in row and "bgp-down" in row
    assert "Connection refused" in row


def test_a_dead_route_server_is_a_message_for_that_server_only(
    client: Client, engine: FakeEngine
) -> None:
    html = page(client, "/lg/")
    gone = html[html.index('id="rs-gone"') :]
    assert "Route server gone is not answering (its control socket is unavailable)." in gone
    assert "nothing.ctl" not in html  # the socket path stays in the log
    assert "Dauphin Telecom" in html  # rs1 is still shown
    html = page(client, "/lg/", lang="fr")
    assert "Le serveur de routes gone ne répond pas" in html


def test_a_hung_route_server_times_out(
    client: Client, settings: Any, mute_socket: Path, demo: DemoSummary
) -> None:
    _configure(settings, [lg.RouteServerEndpoint(name="mute", socket=mute_socket, rs_asn=1)])
    settings.LAKOU_LG_TIMEOUT = 0.3
    html = page(client, "/lg/")
    assert "Route server mute did not answer within 0.3 seconds." in html
    response = client.get("/api/lg/neighbours")
    assert response.json()["route_servers"][0]["ok"] is False


def test_no_route_server_configured(client: Client, demo: DemoSummary) -> None:
    assert "No route server is configured" in page(client, "/lg/")
    assert client.get("/api/lg/neighbours").json() == {"route_servers": []}


def test_neighbour_page_every_reason_in_the_visitors_language(
    client: Client, engine: FakeEngine
) -> None:
    html = page(client, "/lg/rs1/AS33392_4_1/")
    assert "Dauphin Telecom" in html
    filtered = html[html.index('id="filtered"') : html.index('id="accepted"')]
    assert "11.0.11.0/24" in filtered and "33392 64512 30000" in filtered
    start = filtered.index("11.0.11.0/24")
    one = filtered[start : filtered.index("</tr>", start)]
    for text, code in (
        ("private or reserved AS number in the AS_PATH", 4),
        ("NEXT_HOP is not an address of the member", 8),
        ("origin AS not in the member&#x27;s IRR AS-SET", 10),
    ):
        assert text in one and f"{RS_ASN}:1101:{code}" in one
    assert "bogon prefix" in filtered and "10.0.0.0/24" in filtered
    accepted = html[html.index('id="accepted"') :]
    assert "11.0.0.0/24" in accepted and "RPKI valid" in accepted and "IRR valid" in accepted
    assert "2a0a::/32" not in html  # the IPv6 session's routes are not this session's

    html = page(client, "/lg/rs1/AS33392_4_1/", lang="fr")
    assert "Routes filtrées" in html
    assert "NEXT_HOP n&#x27;est pas une adresse du membre" in html
    assert "numéro d&#x27;AS privé ou réservé dans l&#x27;AS_PATH" in html
    assert "AS d&#x27;origine absent de l&#x27;AS-SET IRR du membre" in html

    html = page(client, "/lg/rs1/AS33392_4_1/", lang="es")
    assert "Rutas filtradas" in html
    assert "NEXT_HOP no es una dirección del miembro" in html


def test_neighbour_page_by_asn_covers_every_session(client: Client, engine: FakeEngine) -> None:
    html = page(client, "/lg/rs1/AS33392/")
    assert "2a0a::/32" in html and "11.0.11.0/24" in html
    assert "AS33392_4_1" in html and "AS33392_6_1" in html
    assert ("routes", "33392") in engine.calls


def test_neighbour_page_when_the_route_server_is_gone(client: Client, engine: FakeEngine) -> None:
    html = page(client, "/lg/gone/AS33392_4_1/")
    assert "Route server gone is not answering" in html


@pytest.mark.parametrize(
    "url",
    [
        "/lg/nowhere/AS33392_4_1/",
        "/lg/rs1/AS33392_4_1%20all/",
        "/lg/rs1/AS1;%20show%20status/",
        "/lg/rs1/%C2%B2/",  # "²": a digit to str.isdigit, not to int()
        "/lg/rs1/AS99999999999/",
        "/lg/rs1/AS1_5_1/",
    ],
)
def test_bad_neighbour_urls_are_404_and_never_reach_bird(
    client: Client, engine: FakeEngine, url: str
) -> None:
    page(client, url, status=404)
    assert not [c for c in engine.calls if c[0] == "routes"]


def test_search_page(client: Client, engine: FakeEngine) -> None:
    html = page(client, "/lg/search/?prefix=11.0.11.0/24")
    results = html[html.index("lg-results") :]
    assert "AS33392" in results and "Dauphin Telecom" in results
    assert "NEXT_HOP is not an address of the member" in results
    assert "Route server gone is not answering" in html  # the dead server, said once
    assert ("search", "11.0.11.0/24") in engine.calls
    # with an ASN, it is "explain"; host bits are cleared; an address is a longest match
    html = page(client, "/lg/search/?prefix=11.0.11.7/24&asn=AS33392", lang="fr")
    assert ("explain", ("11.0.11.0/24", DAUPHIN)) in engine.calls
    assert "11.0.11.0/24 depuis AS33392" in html and "filtrée" in html
    html = page(client, "/lg/search/?prefix=11.0.11.1")
    assert ("search", "11.0.11.1") in engine.calls
    assert "No route server received 11.0.11.1." in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("prefix=11.0.11.0/24%20table%20master4", "Give an IPv4 or IPv6 prefix"),
        ("prefix=fe80::1%25a%20b/128", "Give an IPv4 or IPv6 prefix"),
        ("prefix=11.0.11.0/33", "is not an IPv4 or IPv6 prefix"),
        ("prefix=11.0.11.0/24&asn=AS1%0ashow", "Give an AS number"),
        ("prefix=11.0.11.0/24&asn=4294967296", "Give an AS number"),
    ],
)
def test_search_page_refuses_bad_input_without_asking_bird(
    client: Client, engine: FakeEngine, query: str, message: str
) -> None:
    html = page(client, f"/lg/search/?{query}")
    assert message in html and 'aria-invalid="true"' in html
    assert not [c for c in engine.calls if c[0] in ("search", "explain")]


def test_empty_search_page_is_just_the_form(client: Client, engine: FakeEngine) -> None:
    html = page(client, "/lg/search/", lang="es")
    assert "Buscar un prefijo o una dirección" in html and "lg-results" not in html


def test_long_lists_are_paged(client: Client, engine: FakeEngine) -> None:
    many = [
        ("AS33392_4_1", _route(f"11.{i // 256}.{i % 256}.0/24", "33392 64512",
                               f"({RS_ASN}, 1101, 4)"), True)
        for i in range(250)
    ]  # fmt: skip
    ROUTES.extend(many)
    try:
        html = page(client, "/lg/rs1/AS33392_4_1/")
        assert "1–100 of 252" in html and "?fo=100&amp;ao=0#filtered" in html
        html = page(client, "/lg/rs1/AS33392_4_1/?fo=200")
        assert "201–252 of 252" in html and "?fo=100&amp;ao=0#filtered" in html
        data = client.get("/api/lg/rs1/AS33392_4_1/routes?filtered=true&limit=10&offset=245")
        body = data.json()
        assert body["total"] == 252 and len(body["routes"]) == 7 and body["offset"] == 245
    finally:
        del ROUTES[-len(many) :]


def test_navigation_links_to_the_looking_glass(client: Client, demo: DemoSummary) -> None:
    for lang in ("en", "fr", "es"):
        nav = page(client, "/", lang=lang).split('class="main-nav"')[1].split("</nav>")[0]
        assert 'href="/lg/"' in nav


# --- API -------------------------------------------------------------------------------


def test_api_neighbours(client: Client, engine: FakeEngine) -> None:
    data = client.get("/api/lg/neighbours").json()
    rs1, gone = data["route_servers"]
    assert rs1["name"] == "rs1" and rs1["ok"] is True and rs1["error"] is None
    assert rs1["rs_asn"] == RS_ASN
    first = rs1["neighbours"][0]
    assert first["session"] == "AS33392_4_1" and first["asn"] == DAUPHIN
    assert first["member"] == {
        "asn": DAUPHIN,
        "name": "Dauphin Telecom",
        "exchange": "demo-saint-martin",
        "exchange_name": "Saint-Martin IX (demo)",
    }
    assert (first["received"], first["accepted"], first["filtered"]) == (3, 1, 2)
    assert first["uptime_seconds"] > 0
    assert rs1["neighbours"][2]["member"] is None and rs1["neighbours"][2]["uptime_seconds"] is None
    assert gone["ok"] is False and gone["neighbours"] == []
    assert "not answering" in gone["error"]


def test_api_routes_filtered_with_reasons_in_two_languages(
    client: Client, engine: FakeEngine
) -> None:
    data = client.get("/api/lg/rs1/AS33392_4_1/routes?filtered=true").json()
    assert data["route_server"] == "rs1" and data["neighbour"] == "AS33392_4_1"
    assert data["filtered"] is True and data["total"] == 2 and data["limit"] == 100
    by_prefix = {r["prefix"]: r for r in data["routes"]}
    route = by_prefix["11.0.11.0/24"]
    assert route["filtered"] and route["asn"] == DAUPHIN and route["name"] == "Dauphin Telecom"
    assert [(r["code"], r["slug"], r["community"]) for r in route["reasons"]] == [
        (4, "bogon_asn", f"{RS_ASN}:1101:4"),
        (8, "next_hop_not_peer", f"{RS_ASN}:1101:8"),
        (10, "irr_origin", f"{RS_ASN}:1101:10"),
    ]
    assert route["reasons"][1]["text"] == "NEXT_HOP is not an address of the member"
    fr = client.get("/api/lg/rs1/AS33392_4_1/routes?filtered=true&lang=fr").json()
    assert fr["routes"][0]["reasons"][1]["text"] == "NEXT_HOP n'est pas une adresse du membre"
    fr = client.get(
        "/api/lg/rs1/AS33392_4_1/routes?filtered=true", headers={"accept-language": "fr"}
    ).json()
    assert fr["routes"][0]["reasons"][1]["text"] == "NEXT_HOP n'est pas une adresse du membre"
    accepted = client.get("/api/lg/rs1/33392/routes?filtered=false").json()
    assert {r["prefix"] for r in accepted["routes"]} == {"11.0.0.0/24", "2a0a::/32"}
    assert accepted["neighbour"] == "33392"
    both = client.get("/api/lg/rs1/AS33392_4_1/routes").json()
    assert both["total"] == 3 and both["filtered"] is None


def test_api_routes_errors(client: Client, engine: FakeEngine) -> None:
    response = client.get("/api/lg/nowhere/AS33392_4_1/routes")
    assert response.status_code == 404 and "nowhere" in response.json()["detail"]
    response = client.get("/api/lg/gone/AS33392_4_1/routes")
    assert response.status_code == 503
    assert "Route server gone is not answering" in response.json()["detail"]
    response = client.get("/api/lg/rs1/AS1%20all/routes")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["path", "neighbour"] and "session name" in error["msg"]
    for query in ("limit=0", "limit=1001", "offset=-1", "filtered=maybe", "lang=de"):
        assert client.get(f"/api/lg/rs1/AS33392_4_1/routes?{query}").status_code == 422, query
    assert not [c for c in engine.calls if c[0] == "routes"]


def test_routes_sent_to_a_neighbour_page_and_api(client: Client, engine: FakeEngine) -> None:
    html = page(client, "/lg/rs1/AS10002_4_1/exported/", lang="fr")
    table = html[html.index('id="exported"') :]
    assert "Routes envoyées" in html and "11.0.0.0/24" in table and "2a0a::/32" in table
    assert "Dauphin Telecom" in table and "AS10002_4_1" in table  # from whom, sent on which
    assert "11.0.11.0/24" not in table  # filtered routes are sent to nobody
    assert ("exported", "AS10002_4_1") in engine.calls
    neighbour = page(client, "/lg/rs1/AS33392_4_1/")
    assert "/lg/rs1/AS33392_4_1/exported/" in neighbour and ">40</a>" in neighbour
    body = client.get("/api/lg/rs1/AS10002/exported?lang=en").json()
    assert body["total"] == 2 and body["filtered"] is None
    assert {r["sent_to"] for r in body["routes"]} == {"10002"}
    assert {r["session"] for r in body["routes"]} == {"AS33392_4_1", "AS33392_6_1"}
    assert client.get("/api/lg/gone/AS10002/exported").status_code == 503
    assert client.get("/api/lg/rs1/AS1%20all/exported").status_code == 422
    page(client, "/lg/rs1/AS1%20all/exported/", status=404)


def test_api_search_and_explain(client: Client, engine: FakeEngine) -> None:
    data = client.get("/api/lg/search?prefix=11.0.11.0/24").json()
    assert data["prefix"] == "11.0.11.0/24" and data["asn"] is None and data["total"] == 1
    assert [r["code"] for r in data["routes"][0]["reasons"]] == [4, 8, 10]
    assert data["errors"][0]["route_server"] == "gone"
    data = client.get("/api/lg/explain?prefix=11.0.11.0/24&asn=AS33392&lang=fr").json()
    assert data["asn"] == DAUPHIN and data["total"] == 1
    assert "n'est pas une adresse du membre" in data["routes"][0]["reasons"][1]["text"]
    assert "ne répond pas" in data["errors"][0]["error"]
    data = client.get("/api/lg/explain?prefix=11.0.11.0/24&asn=10002").json()
    assert data["total"] == 0 and data["routes"] == []


@pytest.mark.parametrize(
    ("url", "where"),
    [
        ("/api/lg/search?prefix=11.0.11.0/24%20all", ["query", "prefix"]),
        ("/api/lg/search?prefix=fe80::1%25eth0/128", ["query", "prefix"]),
        ("/api/lg/search?prefix=not-a-prefix", ["query", "prefix"]),
        ("/api/lg/search", ["query", "prefix"]),
        ("/api/lg/search?prefix=" + "1" * 60, ["query", "prefix"]),
        ("/api/lg/explain?prefix=11.0.11.0/24&asn=-1", ["query", "asn"]),
        ("/api/lg/explain?prefix=11.0.11.0/24&asn=AS%C2%B2", ["query", "asn"]),
        ("/api/lg/explain?prefix=11.0.11.0/24", ["query", "asn"]),
        ("/api/lg/search?prefix=11.0.11.0/24&limit=5000", ["query", "limit"]),
    ],
)
def test_api_422_names_the_parameter(
    client: Client, engine: FakeEngine, url: str, where: list[str]
) -> None:
    response = client.get(url)
    assert response.status_code == 422, response.content
    assert [e["loc"] for e in response.json()["detail"]] == [where]
    assert not [c for c in engine.calls if c[0] in ("search", "explain")]


def test_openapi_documents_the_looking_glass(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    assert {
        "/api/lg/neighbours",
        "/api/lg/search",
        "/api/lg/explain",
        "/api/lg/{rs}/{neighbour}/routes",
    } <= set(paths)
    routes = paths["/api/lg/{rs}/{neighbour}/routes"]["get"]
    assert {"200", "404", "422", "503"} <= set(routes["responses"])
    params = {p["name"]: p for p in routes["parameters"]}
    assert params["limit"]["schema"]["maximum"] == q.MAX_LIMIT
    assert "looking glass" in routes["tags"]


# --- validation: whatever a visitor types, only the strict grammar gets through ---------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_inputs_reach_the_engine_only_in_canonical_form(text: str) -> None:
    for parse in (q.parse_prefix, q.parse_neighbour, q.parse_asn):
        try:
            out = str(parse(text))
        except q.InputError as exc:
            assert exc.message and exc.field
            continue
        assert out.isascii() and out.isprintable() and " " not in out and "%" not in out
        assert len(out) <= 49


@settings(max_examples=100, deadline=None)
@given(st.ip_addresses(), st.integers(0, 128))
def test_every_real_prefix_is_accepted(addr: Any, length: int) -> None:
    length = min(length, addr.max_prefixlen)
    text = f"{addr}/{length}"
    assert q.parse_prefix(text) == str(ipaddress.ip_network(text, strict=False))
    assert q.parse_prefix(str(addr)) == str(addr)  # an address stays one (longest match)
