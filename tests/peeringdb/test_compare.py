"""The comparison engine on plain objects (no database)."""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import ip_address

import pytest

from lakou import exchange as x
from lakou.peeringdb.cache import PeeringDBCache
from lakou.peeringdb.client import PeeringDBClient
from lakou.peeringdb.compare import CompareError, compare
from lakou.peeringdb.prefill import parse_irr_as_set


def _member_from_peeringdb(cache: PeeringDBCache, asn: int) -> x.Member:
    """A registry member exactly as PeeringDB sees it (so it compares equal)."""
    net = cache.net_by_asn(asn)
    assert net is not None
    ports = [p for p in cache.netixlans_of(260) if p["asn"] == asn]
    return x.Member(
        asn=asn,
        name=net["name"],
        as_sets=parse_irr_as_set(net["irr_as_set"])[0],
        max_prefix_v4=net["info_prefixes4"] or None,
        max_prefix_v6=net["info_prefixes6"] or None,
        never_via_route_servers=net["info_never_via_route_servers"],
        addresses=tuple(
            x.PeeringLanAddress(
                lan="peering",
                ipv4=ip_address(p["ipaddr4"]) if p["ipaddr4"] else None,
                ipv6=ip_address(p["ipaddr6"]) if p["ipaddr6"] else None,
                rs_ipv4=p["is_rs_peer"],
                rs_ipv6=p["is_rs_peer"],
            )
            for p in ports
        ),
    )


@pytest.fixture
def synced(cache: PeeringDBCache, make_client: Callable[..., PeeringDBClient]) -> PeeringDBCache:
    cache.sync(make_client())
    return cache


def test_identical_exchange_has_no_rows(synced: PeeringDBCache) -> None:
    asns = sorted({p["asn"] for p in synced.netixlans_of(260)})
    members = tuple(_member_from_peeringdb(synced, asn) for asn in asns)
    ocix = x.Exchange(slug="ocix", name="OCIX", peeringdb_ix_id=260, members=members)
    assert compare(ocix, synced) == []


def test_every_kind_of_difference(synced: PeeringDBCache) -> None:
    asns = sorted({p["asn"] for p in synced.netixlans_of(260)})
    first, second, third, *rest = (_member_from_peeringdb(synced, a) for a in asns)
    changed = first.model_copy(
        update={
            "as_sets": ("AS-SOMETHING-ELSE",),
            "max_prefix_v4": 99999,
            "never_via_route_servers": not first.never_via_route_servers,
            "addresses": (
                first.addresses[0].model_copy(
                    update={
                        "ipv4": ip_address("200.0.23.250"),
                        "rs_ipv4": not first.addresses[0].rs_ipv4,
                        "rs_ipv6": not first.addresses[0].rs_ipv4,
                    }
                ),
            ),
        }
    )
    stranger = x.Member(asn=64999, name="Only in the registry")
    ocix = x.Exchange(
        slug="ocix",
        name="OCIX",
        peeringdb_ix_id=260,
        members=(changed, third, *rest, stranger),  # `second` left out
    )
    rows = compare(ocix, synced)
    kinds = {(r.asn, r.kind) for r in rows}
    assert (first.asn, "as_set") in kinds
    assert (first.asn, "max_prefix_v4") in kinds
    assert (first.asn, "never_via_route_servers") in kinds
    assert (first.asn, "ipv4") in kinds
    assert (first.asn, "rs_peer") in kinds
    assert (second.asn, "missing_in_registry") in kinds
    assert (64999, "missing_in_peeringdb") in kinds
    assert len(rows) == 7
    ipv4 = next(r for r in rows if r.kind == "ipv4")
    assert ipv4.registry == "200.0.23.250"
    assert ipv4.peeringdb == str(first.addresses[0].ipv4)
    missing = next(r for r in rows if r.kind == "missing_in_registry")
    assert missing.name == synced.net_by_asn(second.asn)["name"]  # type: ignore[index]
    assert missing.as_dict()["kind"] == "missing_in_registry"
    assert [r.asn for r in rows] == sorted(r.asn for r in rows)


def test_exchange_without_ix_id_or_not_cached(synced: PeeringDBCache) -> None:
    with pytest.raises(CompareError, match="no PeeringDB ix id"):
        compare(x.Exchange(slug="sbh-ix", name="SBH-IX"), synced)
    with pytest.raises(CompareError, match="not in the local cache"):
        compare(x.Exchange(slug="new", name="New", peeringdb_ix_id=999999), synced)
