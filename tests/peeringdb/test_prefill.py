"""Pre-fill values from a PeeringDB network (no database: the engine side)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.peeringdb.prefill import AS_SET_RE, parse_irr_as_set, prefill_from_net
from lakou.peeringdb.schema import check_object

HERE = Path(__file__).parent


def test_messy_network_is_cleaned_and_says_what_it_left_out() -> None:
    net = check_object("net", json.loads((HERE / "net-messy.json").read_text()), "net-messy")
    data = prefill_from_net(net)
    assert data.asn == 64500 and data.peeringdb_net_id == 4242
    assert data.name == "Caribbean Example Telecom"
    assert data.website == ""  # not an http(s) URL
    assert data.as_set == "AS-CET RIPE::AS-CET-V6 RADB::AS-CET AS64500"
    assert data.max_prefix_v4 == 120  # the raw hint, no headroom
    assert data.max_prefix_v6 is None  # 0 means "not given"
    assert data.never_via_route_servers is True
    assert data.peering_policy == "case-by-case"
    assert any("{AS-BROKEN}" in note for note in data.notes)
    assert any("javascript:alert(1)" in note for note in data.notes)


def test_plain_network() -> None:
    data = prefill_from_net(
        {
            "id": 1,
            "asn": 64496,
            "name": "Net",
            "website": "https://net.example",
            "irr_as_set": "AS-NET",
            "info_prefixes4": 10,
            "info_prefixes6": 5,
            "policy_general": "Open",
        }
    )
    assert data.registry_values() == {
        "name": "Net",
        "website": "https://net.example",
        "as_set": "AS-NET",
        "max_prefix_v4": 10,
        "max_prefix_v6": 5,
        "never_via_route_servers": False,
        "peering_policy": "open",
        "peeringdb_net_id": 1,
    }
    assert data.notes == ()


def test_unknown_policy_and_overlong_as_sets_are_noted() -> None:
    long_sets = " ".join(f"AS-SET-NUMBER-{i:03d}" for i in range(30))
    data = prefill_from_net(
        {"id": 1, "asn": 1, "name": "N", "irr_as_set": long_sets, "policy_general": "Maybe"}
    )
    assert data.peering_policy is None
    assert len(data.as_set) <= 255
    assert any("Maybe" in n for n in data.notes)
    assert any("the field is full" in n for n in data.notes)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_irr_as_set_parse_never_crashes_and_keeps_only_valid(text: str) -> None:
    good, bad = parse_irr_as_set(text)
    assert all(AS_SET_RE.match(item) for item in good)
    assert len({g.upper() for g in good}) == len(good)
    for item in bad:
        assert item in text


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "name",
                "website",
                "irr_as_set",
                "info_prefixes4",
                "info_prefixes6",
                "info_never_via_route_servers",
                "policy_general",
            ]
        ),
        st.one_of(st.none(), st.text(max_size=50), st.integers(-5, 10**9), st.booleans()),
    )
)
def test_prefill_never_crashes_on_odd_values(extra: dict[str, object]) -> None:
    data = prefill_from_net({"id": 3, "asn": 64511, **extra})
    assert data.max_prefix_v4 is None or data.max_prefix_v4 > 0
    assert data.website == "" or data.website.startswith(("http://", "https://"))
    assert data.peering_policy in (None, "open", "selective", "case-by-case", "closed")
