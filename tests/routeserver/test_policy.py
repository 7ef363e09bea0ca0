from __future__ import annotations

from pathlib import Path

import pytest

from lakou.routeserver.policy import Policy, PolicyError, load_policy


def test_defaults_are_best_practice() -> None:
    p = Policy()
    assert p.prefixes.ipv4_max_length == 24 and p.prefixes.ipv6_max_length == 48
    assert p.rpki.reject_invalid and not p.rpki.reject_unknown
    assert 174 in p.as_path.transit_free_asns
    assert p.next_hop.mode == "same_as" and p.as_path.enforce_first_as
    assert p.blackholing.enabled and p.graceful_shutdown and p.announcement_control


def test_client_override_merges_one_section() -> None:
    p = Policy()
    q = p.for_client({"max_prefix": {"ipv4": 10}, "irr": {"tag_only": True}}, "AS1")
    assert q.max_prefix.ipv4 == 10 and q.max_prefix.action == p.max_prefix.action
    assert q.irr.tag_only and q.irr.enforce_origin


def test_client_cannot_override_globals() -> None:
    with pytest.raises(PolicyError, match=r"AS64500: rs_asn"):
        Policy().for_client({"rs_asn": 1}, "AS64500")


def test_bad_override_names_client_and_key() -> None:
    with pytest.raises(PolicyError, match=r"AS7: prefixes\.ipv4_max_length"):
        Policy().for_client({"prefixes": {"ipv4_max_length": 99}}, "AS7")
    with pytest.raises(PolicyError, match=r"unknown key 'irr\.nonsense'"):
        Policy().for_client({"irr": {"nonsense": 1}}, "AS7")


def test_load_policy_errors_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "policy.yml"
    bad.write_text("rs_asn: 1\nprefixes: [\n")
    with pytest.raises(PolicyError, match=r"policy.yml:\d+: not valid YAML"):
        load_policy(bad)
    bad.write_text("rs_asn: nope\n")
    with pytest.raises(PolicyError, match=r"policy\.yml: rs_asn"):
        load_policy(bad)
    bad.write_text("prefixes:\n  ipv4_min_length: 25\n")
    with pytest.raises(PolicyError, match="ipv4_min_length is greater"):
        load_policy(bad)
