"""lakou's AS-SET expansion: recursion, loops, missing sets, sources, mbrs-by-ref."""

from __future__ import annotations

import pytest

from lakou.routeserver.enrich.irrdb import IrrDatabase, is_set_name, parse_asn, split_source


@pytest.fixture
def db() -> IrrDatabase:
    db = IrrDatabase()
    db.add_as_set("AS-TOP", ["AS10", "AS-MID", "AS-OTHER"], source="RIPE")
    db.add_as_set("AS-MID", ["AS20", "AS-LEAF", "AS-TOP"], source="RIPE")  # loop to the top
    db.add_as_set("AS-LEAF", ["AS30, AS31", "AS-MISSING"], source="RIPE")
    db.add_as_set("AS-OTHER", ["AS40", "AS-LEAF"], source="RIPE")  # diamond, not a loop
    db.add_as_set("AS-MID", ["AS99"], source="ARIN")  # same name, other source
    db.add_as_set("AS-REF", ["AS50"], source="RIPE", mbrs_by_ref=["MNT-GOOD"])
    db.add_aut_num(60, source="RIPE", member_of=["AS-REF"], mnt_by=["MNT-GOOD"])
    db.add_aut_num(61, source="RIPE", member_of=["AS-REF"], mnt_by=["MNT-EVIL"])
    db.add_as_set("AS-ANYREF", [], source="RIPE", mbrs_by_ref=["ANY"])
    db.add_aut_num(62, source="RIPE", member_of=["AS-ANYREF"], mnt_by=["MNT-X"])
    db.add_as_set("AS65000:AS-HIER", ["AS70", "AS65000:AS-SUB"], source="RIPE")
    db.add_as_set("AS65000:AS-SUB", ["AS71"], source="RIPE")
    return db


def test_recursive_expansion_with_loop_and_missing(db: IrrDatabase) -> None:
    result = db.expand(["AS-TOP"], ["RIPE", "ARIN"])
    assert result.asns == {10, 20, 30, 31, 40}
    assert result.missing == ["AS-MISSING"]
    assert result.loops == [("AS-TOP", "AS-MID", "AS-TOP")]
    problems = result.problems()
    assert "AS-SET AS-MISSING not found" in problems
    assert any("AS-TOP -> AS-MID -> AS-TOP" in p for p in problems)


def test_diamond_is_not_a_loop(db: IrrDatabase) -> None:
    result = db.expand(["AS-OTHER", "AS-LEAF"], ["RIPE"])
    assert result.asns == {40, 30, 31}
    assert result.loops == []


def test_source_order_and_qualified_names(db: IrrDatabase) -> None:
    assert db.expand(["AS-MID"], ["ARIN", "RIPE"]).asns == {99}
    assert db.expand(["AS-MID"], ["RIPE", "ARIN"]).asns >= {20, 30}
    assert db.expand(["ARIN::AS-MID"], ["RIPE"]).asns == {99}
    assert db.expand(["ripe::as-leaf"]).asns == {30, 31}
    qualified_missing = db.expand(["ARIN::AS-LEAF"])
    assert qualified_missing.asns == set()
    assert qualified_missing.missing == ["ARIN::AS-LEAF"]


def test_source_restriction_hides_other_sources(db: IrrDatabase) -> None:
    assert db.expand(["AS-TOP"], ["ARIN"]).missing == ["AS-TOP"]


def test_mbrs_by_ref_requires_a_listed_maintainer(db: IrrDatabase) -> None:
    assert db.expand(["AS-REF"]).asns == {50, 60}  # AS61's maintainer is not listed
    assert db.expand(["AS-ANYREF"]).asns == {62}


def test_member_of_without_mbrs_by_ref_is_ignored() -> None:
    db = IrrDatabase()
    db.add_as_set("AS-CLOSED", ["AS1"])
    db.add_aut_num(2, member_of=["AS-CLOSED"], mnt_by=["MNT-A"])
    assert db.expand(["AS-CLOSED"]).asns == {1}


def test_hierarchical_names(db: IrrDatabase) -> None:
    assert db.expand(["AS65000:AS-HIER"]).asns == {70, 71}
    assert is_set_name("AS65000:AS-HIER") and is_set_name("RIPE::AS-FOO")
    assert not is_set_name("AS65000")


def test_deep_chain_does_not_hit_the_recursion_limit() -> None:
    db = IrrDatabase()
    for k in range(5000):
        db.add_as_set(f"AS-CHAIN{k}", [f"AS{k + 1}", f"AS-CHAIN{k + 1}"])
    result = db.expand(["AS-CHAIN0"])
    assert len(result.asns) == 5000
    assert result.missing == ["AS-CHAIN5000"]


def test_self_loop() -> None:
    db = IrrDatabase()
    db.add_as_set("AS-SELF", ["AS1", "AS-SELF"])
    result = db.expand(["AS-SELF"])
    assert result.asns == {1}
    assert result.loops == [("AS-SELF", "AS-SELF")]


def test_asn_and_source_parsing() -> None:
    assert parse_asn("AS64496") == 64496
    assert parse_asn("as1") == 1
    assert parse_asn("AS4294967296") is None
    assert parse_asn("AS-FOO") is None
    assert parse_asn("64496") is None
    assert split_source("ripe::as-foo") == ("RIPE", "AS-FOO")
    assert split_source("AS-FOO") == (None, "AS-FOO")


def test_prefixes_by_source(db: IrrDatabase) -> None:
    db.add_route("192.0.2.0/24", 10, source="RIPE")
    db.add_route("198.51.100.0/24", 10, source="ARIN")
    db.add_route("2001:db8::/32", 10, source="RIPE")
    assert db.prefixes([10], 4, ["RIPE"]) == {"192.0.2.0/24"}
    assert db.prefixes([10], 4) == {"192.0.2.0/24", "198.51.100.0/24"}
    assert db.prefixes([10], 6, ["ARIN"]) == set()
    assert db.prefixes([10], 6, ["RIPE"]) == {"2001:db8::/32"}


def test_problems_are_translated() -> None:
    from lakou.i18n import language

    db = IrrDatabase()
    db.add_as_set("AS-A", ["AS-A", "AS-NONE"])
    with language("fr"):
        problems = db.expand(["AS-A"]).problems()
    assert problems == ["AS-SET AS-NONE introuvable", "boucle d'AS-SET coupée : AS-A -> AS-A"]
