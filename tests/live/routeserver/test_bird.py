"""A real BIRD 2 route server with real members on a namespaced peering LAN.

Members: A and D are ExaBGP (they can send any AS_PATH, next hop or attribute), B, C and E
are BIRD. RPKI comes over RTR from stayrtr. Every check is proven both ways: a good
route is accepted, a bad one is kept as filtered with exactly the reasons expected.
Assertions are in BGP terms: a session is up, a member receives a route.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from tests.live.helpers import rsworld as w
from tests.live.helpers.lab import (
    Bird,
    Lab,
    can_make_namespaces,
    member_bird_config,
    missing_tools,
    start_bird,
    start_exabgp,
    wait_for,
)

from lakou.routeserver.lg import api
from lakou.routeserver.lg.bird_parse import parse_routes
from lakou.routeserver.lg.birdsock import NETWORK_NOT_FOUND, BirdError, BirdSocket
from lakou.routeserver.plan import make_plan
from lakou.routeserver.render.bird2 import render_bird

pytestmark = pytest.mark.live

MISSING = missing_tools("bird", "exabgp", "stayrtr", "ip")
if MISSING:
    pytestmark = [pytest.mark.live, pytest.mark.skip(reason=f"missing: {', '.join(MISSING)}")]


class World:
    def __init__(self, lab: Lab, rs: Bird, members: dict[int, Bird], workdir: Path) -> None:
        self.lab = lab
        self.rs = rs
        self.members = members
        self.workdir = workdir
        self.endpoint = api.RouteServerEndpoint(name="rs1", socket=rs.socket, rs_asn=w.RS_ASN)

    def session_is_up(self, name: str) -> bool:
        return "Established" in self.rs.cmd(f"show protocols {name}")

    def route_at_rs(self, prefix: str, asn: int) -> list[api.RouteView]:
        return api.explain([self.endpoint], prefix, asn)

    def member_receives(self, asn: int, prefix: str) -> list:
        with BirdSocket(self.members[asn].socket) as bird:
            try:
                return parse_routes(bird.command(f"show route {prefix} all"))
            except BirdError as exc:
                if exc.code == NETWORK_NOT_FOUND:
                    return []
                raise


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    if not can_make_namespaces():
        pytest.skip("needs root and network namespaces")
    workdir = tmp_path_factory.mktemp("rslab")
    roas = workdir / "roas.json"
    roas.write_text(json.dumps(w.ROAS_JSON))
    plan = make_plan(w.policy(), w.clients(), w.enriched())
    config = render_bird(plan, (2, 0, 12), log_file=str(workdir / "rs.bird.log"))
    with Lab(workdir) as lab:
        rs_node = lab.node("rs", 1)
        rtr = rs_node.popen(
            [
                "stayrtr", "-bind", "127.0.0.1:8282", "-cache", str(roas), "-checktime=false",
                "-metrics.addr", "127.0.0.1:0", "-refresh", "5",
            ],
            workdir / "stayrtr.log",
        )  # fmt: skip
        rs = start_bird(rs_node, config, workdir, "rs")
        # Members start once the RS has its ROAs, so no route is judged before RPKI is in.
        wait_for(
            lambda: (
                "Established" in rs.cmd("show protocols RPKI")
                and "2 of 2 routes" in rs.cmd("show route table rpki4 count")
            ),
            30,
            "RTR session to stayrtr",
        )
        a = lab.node("a", 11)
        d = lab.node("d", 14)
        start_exabgp(a, w.exabgp_config(11, w.A, w.routes_a4(), w.routes_a6()), workdir)
        start_exabgp(d, w.exabgp_config(14, w.D, [*w.routes_d4(), w.routes_d4_leak()], []), workdir)
        members = {}
        b = lab.node("b", 12)
        members[w.B] = start_bird(
            b,
            member_bird_config(
                b,
                w.B,
                rs_node,
                w.RS_ASN,
                "route 12.2.0.0/24 blackhole; route 11.0.16.0/24 blackhole; "
                "route 11.0.17.0/24 blackhole; route 2a0b::/32 blackhole",
                export="filter { if net ~ [11.0.16.0/24, 11.0.17.0/24] then "
                "bgp_path.prepend(10001); accept; }",
            ),
            workdir,
        )
        for asn, host, name in ((w.C, 13, "c"), (w.E, 15, "e")):
            node = lab.node(name, host)
            members[asn] = start_bird(
                node, member_bird_config(node, asn, rs_node, w.RS_ASN, export="none"), workdir
            )
        world = World(lab, rs, members, workdir)
        expected_a4 = len(w.routes_a4())
        wait_for(
            lambda: (
                all(
                    world.session_is_up(f"AS{asn}_{v}_1")
                    for asn in (w.A, w.B, w.C, w.E)
                    for v in (4, 6)
                )
                and world.session_is_up(f"AS{w.D}_4_1")
            ),
            60,
            "all sessions up",
        )

        def a_routes_in() -> bool:
            n = {x.session: x for x in api.neighbours(world.endpoint)}
            # The OTC leak is dropped by BIRD's RFC 9234 ingress rule (A negotiated roles).
            return (
                n[f"AS{w.A}_4_1"].received >= expected_a4 - 0
                and n[f"AS{w.A}_6_1"].received >= len(w.routes_a6())
                and n[f"AS{w.D}_4_1"].received >= w.LIMIT_D + 1
                and n[f"AS{w.B}_4_1"].accepted >= 3
            )

        wait_for(a_routes_in, 60, "routes from A, B and D")
        yield world
        rtr.terminate()


ALL_A = [(r, 4) for r in w.routes_a4()] + [(r, 6) for r in w.routes_a6()]


@pytest.mark.parametrize(
    "route", [r for r, _ in ALL_A], ids=[f"{r.prefix}:{sorted(r.expect)}" for r, _ in ALL_A]
)
def test_each_check_accepts_good_and_filters_bad(world: World, route: w.Announce) -> None:
    found = wait_for(lambda: world.route_at_rs(route.prefix, w.A), 20, route.prefix)
    assert isinstance(found, list)
    (view,) = found
    reasons = {r.code for r in view.reasons}
    assert view.filtered == bool(route.expect)
    assert reasons == route.expect


def test_three_reasons_in_both_languages(world: World) -> None:
    (en,) = api.explain([world.endpoint], "11.0.11.0/24", w.A, lang="en")
    (fr,) = api.explain([world.endpoint], "11.0.11.0/24", w.A, lang="fr")
    assert [r.code for r in en.reasons] == [4, 8, 10]
    assert len({f"{w.RS_ASN}:1101:{c}" for c in (4, 8, 10)} & set(en.large_communities)) == 3
    assert "NEXT_HOP is not an address of the member" in [r.text for r in en.reasons]
    assert all(a.text != b.text for a, b in zip(en.reasons, fr.reasons, strict=True))
    assert "NEXT_HOP n'est pas une adresse du membre" in [r.text for r in fr.reasons]


def test_filtered_routes_never_leave(world: World) -> None:
    for route, _ in ALL_A:
        got = world.member_receives(w.C, route.prefix)
        if route.expect:
            assert got == [], route.prefix


def test_accepted_route_reaches_members_transparently(world: World) -> None:
    (route,) = world.member_receives(w.C, "11.0.0.0/24")
    assert route.as_path == [w.A]  # the route server did not prepend itself
    assert route.next_hop == "192.0.2.11"
    tags = {c for c in route.large_communities if c[1] == 1000}
    assert (w.RS_ASN, 1000, 1) in tags and (w.RS_ASN, 1000, 4) in tags  # RPKI and IRR valid


def test_blackhole_more_specific_rewritten(world: World) -> None:
    (route,) = world.member_receives(w.C, "11.0.0.1/32")
    assert route.next_hop == w.BLACKHOLE_V4
    assert (65535, 666) in route.communities and (65535, 65281) in route.communities
    (route6,) = world.member_receives(w.C, "2a0a::1/128")
    assert route6.next_hop == w.BLACKHOLE_V6


def test_announcement_control(world: World) -> None:
    assert world.member_receives(w.C, "11.0.13.0/24") == []
    assert len(world.member_receives(w.B, "11.0.13.0/24")) == 1
    assert world.member_receives(w.B, "11.0.14.0/24") == []
    assert world.member_receives(w.C, "11.0.14.0/24") == []
    (to_e,) = world.member_receives(w.E, "11.0.14.0/24")
    (prepended,) = world.member_receives(w.C, "11.0.15.0/24")
    assert prepended.as_path == [w.A, w.A, w.A]
    (plain,) = world.member_receives(w.B, "11.0.15.0/24")
    assert plain.as_path == [w.A]
    # The route server's control communities are consumed, not passed on.
    assert not [c for c in to_e.large_communities if c[1] in (0, 1, 101, 102, 103)]


def test_graceful_shutdown_lowers_preference(world: World) -> None:
    (route,) = wait_for(lambda: world.member_receives(w.C, "11.0.16.0/24"), 20, "11.0.16.0/24")
    assert route.as_path == [w.B, w.A]  # the longer path wins: A's is being shut down


def test_no_path_hiding(world: World) -> None:
    # At the route server A's shorter path is the best, but it is not for C: per-client
    # RIBs give C the next best (B's) instead of nothing.
    (route,) = wait_for(lambda: world.member_receives(w.C, "11.0.17.0/24"), 20, "11.0.17.0/24")
    assert route.as_path == [w.B, w.A]
    (best,) = world.member_receives(w.E, "11.0.17.0/24")
    assert best.as_path == [w.A]


def test_max_prefix_blocks_extra_routes(world: World) -> None:
    (d,) = [n for n in api.neighbours(world.endpoint) if n.session == f"AS{w.D}_4_1"]
    assert d.accepted == w.LIMIT_D
    assert d.state == "Established"


def test_otc_leak_kept_with_reason_when_roles_not_negotiated(world: World) -> None:
    (view,) = wait_for(lambda: world.route_at_rs("14.1.0.0/24", w.D), 20, "leak")
    assert {r.code for r in view.reasons} == {18}
    # With the role negotiated (member A) BIRD drops such a leak at ingress (RFC 9234).
    assert world.member_receives(w.C, "14.1.0.0/24") == []


def test_rpki_over_rtr_invalid_filtered(world: World) -> None:
    (view,) = world.route_at_rs("11.0.5.0/24", w.A)
    assert [r.slug for r in view.reasons] == ["rpki_invalid"]
    assert "rpki_valid" in [t.slug for t in world.route_at_rs("11.0.0.0/24", w.A)[0].tags]


def test_looking_glass_counts_and_search(world: World) -> None:
    by_session = {n.session: n for n in api.neighbours(world.endpoint)}
    a4 = by_session[f"AS{w.A}_4_1"]
    bad = sum(1 for r in w.routes_a4() if r.expect)
    assert a4.filtered == bad
    assert a4.accepted == len(w.routes_a4()) - bad
    assert a4.received == a4.accepted + a4.filtered
    hits = api.search([world.endpoint], "11.0.17.0/24")
    assert {h.session for h in hits} == {f"AS{w.A}_4_1", f"AS{w.B}_4_1"}
    filtered = api.routes(world.endpoint, str(w.A), filtered=True)
    assert len(filtered) == bad + sum(1 for r in w.routes_a6() if r.expect)


def test_cli_explain_and_lg(world: World, tmp_path: Path) -> None:
    config = tmp_path / "lakou.yml"
    config.write_text(
        "routeserver:\n  route_servers:\n"
        f"    - name: rs1\n      socket: {world.rs.socket}\n      rs_asn: {w.RS_ASN}\n"
    )
    for lang, needle in (("en", "AS_PATH"), ("fr", "AS_PATH")):
        proc = subprocess.run(
            ["lakou", "--config", str(config), "-L", lang, "rs", "explain", "11.0.11.0/24",
             "--from", str(w.A)],
            capture_output=True, text=True,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        assert needle in proc.stdout
        assert "1101:8" in proc.stdout and "1101:4" in proc.stdout and "1101:10" in proc.stdout
    proc = subprocess.run(
        ["lakou", "--config", str(config), "lg", "neighbours"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stderr
    assert f"AS{w.A}_4_1" in proc.stdout
