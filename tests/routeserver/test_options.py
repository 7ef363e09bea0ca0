"""Every per-client option is applied by each daemon's config, or refused by name.

The table below gives, for every leaf of :class:`ClientOptions`, a value that differs
from the general policy and what each daemon must do with it: change the rendered
configuration, or refuse the build (or the schema refuses it for both) with a message
naming the option. A new option without a line here fails the first test, so nothing
can be stored and silently dropped again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from ipaddress import ip_address
from typing import Any

import pytest

from lakou.routeserver.build import BuildError, build_config, irr_requests
from lakou.routeserver.clients import ClientsError, RouteServerClient, read_options
from lakou.routeserver.enrich.model import Enriched, IrrData, PeeringDBNet
from lakou.routeserver.options import (
    CFG_SPEC,
    PEERING_DB_SPEC,
    ClientOptions,
    max_prefix_peering_db,
    walk_fields,
)
from lakou.routeserver.policy import Policy

CHANGES, REFUSED, ENRICH = "changes", "refused", "enrichment"
BOTH = {"bird2": CHANGES, "openbgpd": CHANGES}


def cfg(path: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    node = out
    keys = path.split(".")
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value
    return out


def per_daemon(bird: tuple[Any, str], openbgpd: tuple[Any, str]) -> dict[str, tuple[Any, str]]:
    return {"bird2": bird, "openbgpd": openbgpd}


def same(value: Any, bird: str = CHANGES, openbgpd: str = CHANGES) -> dict[str, tuple[Any, str]]:
    return per_daemon((value, bird), (value, openbgpd))


ENTRY = [{"prefix": "198.51.0.0", "length": 16, "le": 24}]
# option -> per daemon (value, expected). "extra" cfg keys needed beside it are merged in.
TABLE: dict[str, dict[str, tuple[Any, str]]] = {
    "prepend_rs_as": same(True),
    "passive": same(True),
    "gtsm": same(True),
    "multihop": same(3),
    "add_path": same(True),
    "rfc8950": same(True, REFUSED, REFUSED),
    "bfd": same(True, CHANGES, REFUSED),
    "filtering.next_hop.policy": same("strict"),
    "filtering.next_hop.authorized_addresses_list": same(["192.0.2.99"]),
    "filtering.ipv4_pref_len": same({"min": 10, "max": 23}),
    "filtering.ipv6_pref_len": same({"min": 16, "max": 44}),
    "filtering.max_as_path_len": same(20),
    "filtering.reject_invalid_as_in_as_path": same(False),
    # OpenBGPD 7.7 cannot match AS_SET segments: allowing them is what it does anyway,
    # forbidding them (per client) is refused.
    "filtering.allow_as_set": per_daemon((True, CHANGES), (False, REFUSED)),
    "filtering.irrdb.as_sets": same(["AS-EXAMPLE"], ENRICH, ENRICH),
    "filtering.irrdb.enforce_origin_in_as_set": same(False),
    "filtering.irrdb.enforce_prefix_in_as_set": same(False),
    "filtering.irrdb.white_list_pref": same(ENTRY),
    "filtering.irrdb.white_list_asn": same([65510]),
    "filtering.irrdb.white_list_route": same([{**ENTRY[0], "asn": 65511}]),
    "filtering.rpki_bgp_origin_validation.enabled": same(False),
    "filtering.rpki_bgp_origin_validation.reject_invalid": same(False),
    "filtering.rpki_aspa_verification.enabled": same(True, REFUSED, REFUSED),
    "filtering.rpki_aspa_verification.reject_invalid": same(True, REFUSED, REFUSED),
    "filtering.black_list_pref": same(ENTRY),
    "filtering.max_prefix.action": per_daemon(("block", CHANGES), ("block", REFUSED)),
    "filtering.max_prefix.restart_after": same(10),
    # OpenBGPD's max-prefix counts every prefix received: false cannot be written there.
    "filtering.max_prefix.count_rejected_routes": per_daemon((True, CHANGES), (False, REFUSED)),
    "filtering.max_prefix.peering_db.enabled": same(False),
    "filtering.max_prefix.peering_db.increment.absolute": same(7),
    "filtering.max_prefix.peering_db.increment.relative": same(50),
    "filtering.max_prefix.limit_ipv4": same(99),
    "filtering.max_prefix.limit_ipv6": same(99),
    "filtering.roles.enabled": same(False),
    "filtering.roles.strict_mode": same(True),
    "filtering.roles.local_role": same("peer"),
    "filtering.reject_policy.policy": same("reject"),
    "blackhole_filtering.announce_to_client": same(False),
    "graceful_shutdown.enabled": same(False),
    "attach_custom_communities": same(["65501:100", "65501:1:2"]),
    "custom_options": per_daemon(
        ({"bird": {"any": {"protocol": {"config_lines": ["hold time 240;"]}}}}, CHANGES),
        ({"openbgpd": {"any": {"client": {"config_lines": ["announce refresh yes"]}}}}, CHANGES),
    ),
}
# What some options need beside them to mean anything.
EXTRA = {
    "filtering.next_hop.authorized_addresses_list": {
        "filtering": {"next_hop": {"policy": "authorized_addresses"}}
    },
    "filtering.max_prefix.restart_after": {"filtering": {"max_prefix": {"action": "restart"}}},
}
# What the option is compared with, where that is not EXTRA alone: authorized_addresses
# is the strict policy plus the list, so the list alone must make the difference.
BASELINE = {
    "filtering.next_hop.authorized_addresses_list": {
        "filtering": {"next_hop": {"policy": "strict"}}
    }
}

ASN = 10001
POLICY = Policy.model_validate(
    {
        "rs_asn": 59999,
        "router_id": "192.0.2.1",
        "peering_lans": ["192.0.2.0/24", "2001:db8::/64"],
        "rpki": {"enabled": True, "source": "rtr"},
    }
)
ENRICHED = Enriched(
    irr={
        ASN: IrrData(
            asn=ASN,
            as_sets=(),
            origins=frozenset({ASN}),
            prefixes_v4=("198.51.100.0/24",),
            prefixes_v6=("2001:db8:1000::/36",),
            source="test",
            fetched_at=datetime.now(UTC),
        )
    },
    peeringdb={ASN: PeeringDBNet(asn=ASN, info_prefixes4=50, info_prefixes6=20)},
)


def merged(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for key, value in b.items():
        out[key] = merged(out[key], value) if isinstance(out.get(key), dict) else value
    return out


def client(options: dict[str, Any]) -> RouteServerClient:
    typed, overrides = read_options(options, "cfg")
    ips = (ip_address("192.0.2.11"), ip_address("192.0.2.21"), ip_address("2001:db8::11"))
    return RouteServerClient(
        asn=ASN,
        ips=ips,
        description="member",
        as_sets=typed.filtering.irrdb.as_sets,
        overrides=overrides,
        blackhole_to_client=typed.blackhole_filtering.announce_to_client is not False,
        options=typed,
    )


def render(options: dict[str, Any], daemon: str) -> str:
    version = (2, 0, 12) if daemon == "bird2" else (7, 7)
    result = build_config([client(options)], POLICY, ENRICHED, daemon=daemon, version=version)
    return result.text


def test_every_option_of_the_schema_is_typed_and_in_the_table() -> None:
    def leaves(spec: dict[str, Any], prefix: str = "") -> set[str]:
        out: set[str] = set()
        for key, sub in spec.items():
            if sub is max_prefix_peering_db:  # a mapping, or the older boolean
                out |= leaves(PEERING_DB_SPEC, f"{prefix}{key}.")
            elif isinstance(sub, dict):
                out |= leaves(sub, f"{prefix}{key}.")
            else:
                out.add(f"{prefix}{key}")
        return out

    typed = set(walk_fields())
    aliases = {
        "filtering.next_hop_policy",
        "filtering.rpki.enabled",
        "filtering.rpki.reject_invalid",
    }
    assert leaves(CFG_SPEC) - aliases == typed
    assert set(TABLE) == typed, sorted(typed ^ set(TABLE))


@pytest.mark.parametrize("daemon", ["bird2", "openbgpd"])
@pytest.mark.parametrize("option", sorted(TABLE))
def test_option_changes_the_config_or_is_refused(option: str, daemon: str) -> None:
    value, expected = TABLE[option][daemon]
    extra = EXTRA.get(option, {})
    options = merged(extra, cfg(option, value))
    if expected == REFUSED:
        with pytest.raises((BuildError, ClientsError)) as info:
            render(options, daemon)
        assert option.split(".")[-1] in str(info.value) or option.split(".")[-2] in str(
            info.value
        ), info.value
        if isinstance(info.value, BuildError):
            assert f"AS{ASN}" in str(info.value)
            if TABLE[option]["bird2"][1] != REFUSED:  # refused by OpenBGPD alone: named
                assert "OpenBGPD" in str(info.value)
        return
    if expected == ENRICH:
        requests = irr_requests([client(options)])
        assert requests[0].as_sets == tuple(value)
        return
    baseline = BASELINE.get(option, extra)
    assert render(options, daemon) != render(baseline, daemon), f"{option} not in {daemon} config"


def test_old_spellings_are_typed_as_the_new_ones() -> None:
    old = ClientOptions.from_cfg(
        {"filtering": {"next_hop_policy": "strict", "rpki": {"enabled": False}}}
    )
    new = ClientOptions.from_cfg(
        {
            "filtering": {
                "next_hop": {"policy": "strict"},
                "rpki_bgp_origin_validation": {"enabled": False},
            }
        }
    )
    assert old == new
