"""Network classes (local, regional, global, elsewhere): the exact address-space join on
hand-written tables, every rule and threshold edge, and a brute-force check."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.territory.classify import (
    ELSEWHERE,
    GLOBAL,
    LOCAL,
    REGIONAL,
    AsnRegistration,
    FamilySpace,
    NetworkEvidence,
    SpaceMeter,
    classify,
    family_space,
    gather_evidence,
    registration_of,
    split_families,
)
from lakou.territory.config import Config
from lakou.territory.index import PrefixIndex

TERRITORY = {"GP", "MF", "BL", "SX"}


def _index(rows: list[tuple[str, int | None, str | None]]) -> PrefixIndex:
    return PrefixIndex.from_rows(rows, source="test")


# ------------------------------------------------------------------ the join
def test_space_is_the_longest_match_and_the_first_layer_wins() -> None:
    routing = _index(
        [
            ("10.0.0.0/16", 64500, None),
            ("10.0.1.0/24", 64501, None),  # a customer's more-specific is the customer's
            ("2001:db8::/32", 64500, None),
            ("2001:db8:ffff::/48", 64501, None),
        ]
    )
    geo = _index(
        [
            ("10.0.0.0/17", None, "GP"),
            ("10.0.128.0/17", None, "US"),
            ("2001:db8::/33", None, "SX"),
            ("2001:db8:8000::/33", None, "ZZ"),  # IANA's "no country": unknown
        ]
    )
    declared = _index([("10.0.128.0/24", None, "MF")])
    space = split_families(SpaceMeter([declared, geo]).measure(routing, [64500, 64501]))
    v4, v6 = space[64500]
    assert v4 == {"GP": 32768 - 256, "MF": 256, "US": 32768 - 256}
    assert v6 == {"SX": 1 << 31, "": (1 << 31) - (1 << 16)}
    assert space[64501] == ({"GP": 256}, {"": 1 << 16})
    # an AS not asked about is not measured; an AS with no space has no entry
    assert 64502 not in split_families(SpaceMeter([geo]).measure(routing, [64500, 64502]))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 255), st.integers(24, 30), st.integers(1, 3)),
        min_size=1,
        max_size=12,
    ),
    st.lists(
        st.tuples(st.integers(0, 255), st.integers(23, 30), st.sampled_from(["GP", "US", "FR"])),
        max_size=12,
    ),
)
def test_space_matches_a_brute_force_count(
    announced: list[tuple[int, int, int]], located: list[tuple[int, int, str]]
) -> None:
    """Every address of 10.0.0.0/22 is counted once, for its longest-match origin and the
    country of its longest-match location."""

    def prefix(offset: int, length: int) -> str:
        network = ipaddress.ip_network(f"10.0.{offset % 4}.{(offset * 4) % 256}/{length}", False)
        return str(network)

    routing_rows = {prefix(o, n): a for o, n, a in announced}
    geo_rows = {prefix(o, n): cc for o, n, cc in located}
    routing = _index([(p, a, None) for p, a in routing_rows.items()])
    geo = _index([(p, None, cc) for p, cc in geo_rows.items()])
    expected: dict[tuple[int, str], int] = {}
    addresses = [
        str(ipaddress.ip_address(int(ipaddress.ip_address("10.0.0.0")) + i)) for i in range(1024)
    ]
    for (_p, origin, _t), (_q, _a, country) in zip(
        routing.lookup(addresses), geo.lookup(addresses), strict=True
    ):
        if origin is not None:
            key = (origin, country or "")
            expected[key] = expected.get(key, 0) + 1
    assert SpaceMeter([geo]).measure(routing, [1, 2, 3]) == expected


# ------------------------------------------------------------------ the rules
def _evidence(
    by_country: dict[str, int],
    *,
    v6: dict[str, int] | None = None,
    asn_country: str | None = None,
    blocks: dict[str, int] | None = None,
    inventory_only: bool = False,
) -> NetworkEvidence:
    return NetworkEvidence(
        v4=family_space(by_country, TERRITORY),
        v6=family_space(v6 or {}, TERRITORY),
        origin_source="asn-ipv4.csv",
        location_sources=["geo.csv"],
        asn_registration=AsnRegistration(1, 1, asn_country, "rir") if asn_country else None,
        prefix_registration=blocks or {},
        prefix_registration_sources=["rir"] if blocks else [],
        inventory_only=inventory_only,
    )


def _spread(inside: int, countries: list[str], each: int) -> dict[str, int]:
    return {"GP": inside} | {c: each for c in countries}


FAR = ["US", "DE", "JP", "BR", "ZA", "AU", "IN"]


def test_global_needs_a_small_share_and_many_countries_outside_the_region() -> None:
    config = Config()
    # 1% in GP, the rest over 5 far countries: global
    assert classify(_evidence(_spread(5, FAR[:5], 99)), TERRITORY, config)[0] == GLOBAL
    # the same over 4 far countries: an outsider with a presence
    assert classify(_evidence(_spread(4, FAR[:4], 99)), TERRITORY, config)[0] == REGIONAL
    # Caribbean neighbours do not count towards "global" (a regional carrier)
    caribbean = ["JM", "TT", "BB", "CW", "AW", "PR", "DO"]
    assert classify(_evidence(_spread(7, caribbean, 99)), TERRITORY, config)[0] == REGIONAL
    # the territory's own four countries do not count either
    # (4.8% here, over 1%: a real presence, not a sliver)
    islands = {"GP": 50, "MF": 50, "BL": 50, "SX": 50} | dict.fromkeys(FAR[:4], 1000)
    assert classify(_evidence(islands), TERRITORY, config)[0] == REGIONAL


def test_a_sliver_from_far_away_is_not_a_network_to_invite() -> None:
    config = Config()
    # a Bulgarian ISP with one /24 of its 37,376 addresses geolocated in BL
    kind, reason = classify(_evidence({"BL": 256, "BG": 37120}), TERRITORY, config)
    assert kind == ELSEWHERE and "sliver" in reason.render() and "BG" in reason.render()
    # an Argentine cooperative's /48 of a /32 (IPv6 only)
    coop = _evidence({}, v6={"SX": 65536, "AR": 4294967296})
    assert classify(coop, TERRITORY, config)[0] == ELSEWHERE
    # the same sliver with a presence elsewhere in the region: a regional operator
    assert classify(_evidence({"GP": 4, "MQ": 100, "FR": 900}), TERRITORY, config)[0] == REGIONAL
    # ... or registered in the region
    registered = _evidence({"GP": 4, "US": 900}, asn_country="KN")
    assert classify(registered, TERRITORY, config)[0] == REGIONAL
    # at or above regional_min_share: a presence
    assert classify(_evidence({"GP": 10, "BG": 990}), TERRITORY, config)[0] == REGIONAL
    strict = Config(regional_min_share=0.05)
    assert classify(_evidence({"GP": 10, "BG": 990}), TERRITORY, strict)[0] == ELSEWHERE


def test_no_space_of_the_deciding_family_here_is_elsewhere() -> None:
    # lots of IPv4 abroad, only an IPv6 /48 here: nothing of what decides is here
    v6_here = _evidence({"US": 4096}, v6={"SX": 65536, "US": 65536})
    kind, reason = classify(v6_here, TERRITORY, Config())
    assert kind == ELSEWHERE and "IPv4" in reason.render()


def test_global_share_threshold_is_strict() -> None:
    config = Config(global_max_share=0.05, global_min_countries=5)
    at_edge = _spread(5, FAR[:5], 19)  # 5 / 100 = exactly 5%: not under 5%
    assert classify(_evidence(at_edge), TERRITORY, config)[0] == REGIONAL
    below = _spread(4, FAR[:5], 19)  # 4 / 99
    assert classify(_evidence(below), TERRITORY, config)[0] == GLOBAL


def test_local_needs_most_space_here_and_no_registration_elsewhere() -> None:
    config = Config(local_min_share=0.5)
    assert classify(_evidence({"GP": 50, "FR": 50}), TERRITORY, config)[0] == LOCAL  # edge: 50%
    assert classify(_evidence({"GP": 49, "FR": 51}), TERRITORY, config)[0] == REGIONAL
    registered_here = _evidence({"SX": 90, "US": 10}, asn_country="SX")
    kind, why = classify(registered_here, TERRITORY, config)
    assert (kind, why.render()) == (
        LOCAL,
        "90.0% of its IPv4 space is in the territory; registered in SX",
    )
    # Orange Caraïbe style: all its space here, registered in France
    kind, reason = classify(_evidence({"GP": 100}, asn_country="FR"), TERRITORY, config)
    assert kind == REGIONAL and "registered in FR" in reason.render()


def test_registration_from_blocks_needs_most_of_the_space() -> None:
    config = Config()
    most = _evidence({"GP": 100}, blocks={"FR": 60})
    assert most.registered_in() == ("FR", "rir")
    assert classify(most, TERRITORY, config)[0] == REGIONAL
    sliver = _evidence({"GP": 100}, blocks={"FR": 50})  # half is not most
    assert sliver.registered_in() == (None, "")
    assert classify(sliver, TERRITORY, config)[0] == LOCAL
    # the ASN's own record beats its blocks
    both = _evidence({"GP": 100}, asn_country="GP", blocks={"FR": 100})
    assert both.registered_in() == ("GP", "rir")


def test_ipv6_decides_without_ipv4_and_nothing_here_is_elsewhere() -> None:
    config = Config()
    v6_only = _evidence({}, v6={"BL": 3, "FR": 1})
    assert v6_only.basis == "ipv6" and classify(v6_only, TERRITORY, config)[0] == LOCAL
    assert classify(_evidence({"US": 100}), TERRITORY, config)[0] == ELSEWHERE
    # the tables do not know it at all: its inventory prefixes are all there is
    unknown = _evidence({}, inventory_only=True)
    assert classify(unknown, TERRITORY, config)[0] == LOCAL
    unknown_foreign = _evidence({}, inventory_only=True, asn_country="FR")
    assert classify(unknown_foreign, TERRITORY, config)[0] == REGIONAL


def test_the_operators_word_overrides_the_evidence() -> None:
    config = Config(network_classes={13335: "global", 64500: "local"})
    assert classify(_evidence({"GP": 100}), TERRITORY, config, 13335)[0] == GLOBAL
    assert classify(_evidence({"US": 100}), TERRITORY, config, 64500)[0] == LOCAL
    with pytest.raises(ValueError):
        Config.model_validate({"network_classes": {1: "nearby"}})


def test_family_space_and_registration_lookup() -> None:
    space = FamilySpace(0, 0, {})
    assert space.share == 0.0
    records = [AsnRegistration(64496, 16, "SX", "delegated-lacnic"), AsnRegistration(1, 1, "", "x")]
    assert registration_of(64511, records) == records[0]
    assert registration_of(64512, records) is None
    assert registration_of(1, records) is None  # no country: no registration


def test_gather_evidence_uses_tables_first_and_mrt_only_as_a_fallback() -> None:
    table = _index([("10.0.0.0/24", 64500, None)])
    old_rib = _index([("10.0.0.0/16", 64500, None), ("10.1.0.0/24", 64501, None)])
    geo = _index([("10.0.0.0/8", None, "GP")])
    rir = _index([("10.0.0.0/8", None, "FR")])
    found = gather_evidence(
        [64500, 64501, 64502],
        TERRITORY,
        [("asn.csv", table, False), ("bview.gz", old_rib, True)],
        [("geo.csv", geo)],
        [("delegated", rir)],
        [AsnRegistration(64501, 1, "SX", "delegated")],
    )
    assert found[64500].v4.total == 256 and found[64500].origin_source == "asn.csv"
    assert found[64501].v4.total == 256 and found[64501].origin_source == "bview.gz"
    assert found[64501].registered_in() == ("SX", "delegated")
    assert found[64500].registered_in() == ("FR", "delegated")
    assert found[64502].inventory_only and found[64502].v4.total == 0
    shown = found[64500].as_dict()
    assert shown["ipv4"] == {
        "addresses": 256,
        "in_territory": 256,
        "share": 1.0,
        "top_countries": {"GP": 1.0},
    }
    assert shown["sources"] == {"origins": "asn.csv", "locations": ["geo.csv"]}
