"""``blackholing.irr_more_specifics``: RFC 7999 coverage of registered prefixes, or not.

On (the default) a blackhole longer than the normal maximum passes the IRR check when a
registered prefix covers it, through the ``..._IRR_COVER_N()`` function, which asks the
same address sets as the exact check (the route's address masked to each registered
length), up to the blackhole bound. Off (for the whole exchange or one client, as
arouteserver behaves) it must be registered itself: no cover function, the same sets;
OpenBGPD loses its ``or-longer`` rule the same way. Everything else of the filter stays
the same.
"""

from __future__ import annotations

from datetime import UTC, datetime
from ipaddress import ip_address

from lakou.routeserver.clients import RouteServerClient
from lakou.routeserver.enrich.model import Enriched, IrrData
from lakou.routeserver.plan import make_plan
from lakou.routeserver.policy import Policy
from lakou.routeserver.render.bird2 import render_bird
from lakou.routeserver.render.openbgpd import render_openbgpd
from lakou.routeserver.render.page import render_page

NOW = datetime(2026, 12, 3, tzinfo=UTC)
PREFIXES_4 = ("11.0.0.0/22", "11.0.8.0/24")


def _plan(general: dict, client_overrides: dict | None = None):  # type: ignore[no-untyped-def]
    policy = Policy.model_validate(
        {"rs_asn": 59999, "router_id": "192.0.2.1", "rs_ipv4": "192.0.2.1",
         "peering_lans": ["192.0.2.0/24", "2001:db8::/64"], **general}
    )  # fmt: skip
    clients = [
        RouteServerClient(65500, (ip_address("192.0.2.11"),), "A", ("AS-A",),
                          overrides=client_overrides or {}),
        RouteServerClient(65501, (ip_address("192.0.2.12"),), "B", ("AS-B",)),
    ]  # fmt: skip
    irr = {
        asn: IrrData(asn, (name,), frozenset({asn}), PREFIXES_4 if asn == 65500 else
                     ("12.0.0.0/24",), (), "test", NOW)
        for asn, name in ((65500, "AS-A"), (65501, "AS-B"))
    }  # fmt: skip
    return make_plan(policy, clients, Enriched(irr=irr, roas=None))


def _filter(text: str, asn: int) -> str:
    return text.split(f"filter rs_in_AS{asn}_4_1")[1].split("\n}\n")[0]


def test_default_covers_more_specifics() -> None:
    text = render_bird(_plan({}), (2, 0, 12))
    assert "function AS65500_IRR_COVER_4()" in text
    cover = text.split("function AS65500_IRR_COVER_4()")[1].split("\n}\n")[0]
    assert "if net.len > 32" not in cover  # the default bound is /32: nothing to cut
    assert "net.len >= 22 && net.ip.mask(22) ~ AS65500_PREFIXES_4_22" in cover
    assert "net.len >= 24 && net.ip.mask(24) ~ AS65500_PREFIXES_4_24" in cover
    assert "AS65500_IRR_COVER_4()" in _filter(text, 65500)
    # the blackhole bound cuts coverage
    bounded = render_bird(_plan({"blackholing": {"ipv4_max_length": 30}}), (2, 0, 12))
    assert "  if net.len > 30 then return false;\n" in bounded


def test_off_for_the_exchange_asks_for_registered_blackholes() -> None:
    text = render_bird(_plan({"blackholing": {"irr_more_specifics": False}}), (2, 0, 12))
    for asn in (65500, 65501):
        assert f"function AS{asn}_IRR_COVER_4()" not in text
        assert f"AS{asn}_IRR_EXACT_4()" in _filter(text, asn)
    assert "define AS65500_PREFIXES_4_22 = [\n  11.0.0.0\n];" in text  # the same set
    assert "22: return net.ip ~ AS65500_PREFIXES_4_22;" in text
    assert "A blackhole longer than the usual maximum length" in render_page(
        _plan({"blackholing": {"irr_more_specifics": False}}), "markdown", lang="en"
    )


def test_off_for_one_client_only() -> None:
    text = render_bird(_plan({}, {"blackholing": {"irr_more_specifics": False}}), (2, 0, 12))
    assert "function AS65500_IRR_COVER_4()" not in text
    assert "function AS65501_IRR_COVER_4()" in text
    # the rest of the filter is the same: the client's exact check still fails routes
    assert "rs_reason(9);" in _filter(text, 65500)


def test_openbgpd_or_longer_follows_the_choice() -> None:
    on = render_openbgpd(_plan({}))
    off = render_openbgpd(_plan({}, {"blackholing": {"irr_more_specifics": False}}))
    assert "prefix-set AS65500_prefixes or-longer" in on
    assert "prefix-set AS65500_prefixes or-longer" not in off
    assert "prefix-set AS65501_prefixes or-longer" in off
