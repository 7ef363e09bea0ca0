"""Shared IRR data for the enrichment tests: a small database with the tricky cases."""

from __future__ import annotations

import shutil

import pytest

from lakou.routeserver.enrich.irrdb import IrrDatabase


@pytest.fixture
def irr_db() -> IrrDatabase:
    """Two sources; nested, looping, missing, source-qualified and by-reference members.

    ASNs stay out of the ranges bgpq4 refuses (64496-65551, private 32-bit).
    """
    db = IrrDatabase()
    db.add_as_set("AS-FOO", ["AS10", "AS-BAR"], source="RIPE")
    db.add_as_set("AS-BAR", ["AS20", "AS-FOO", "AS30", "AS-NOWHERE"], source="RIPE")
    db.add_as_set("AS-BAR", ["AS21"], source="ARIN")
    db.add_as_set("AS-REF", ["AS40"], source="RIPE", mbrs_by_ref=["MNT-OK"])
    db.add_aut_num(41, source="RIPE", member_of=["AS-REF"], mnt_by=["MNT-OK"])
    db.add_aut_num(42, source="RIPE", member_of=["AS-REF"], mnt_by=["MNT-NOT"])
    db.add_as_set("AS-EMPTY", [], source="RIPE")
    for prefix, origin, source in [
        ("11.0.0.0/24", 10, "RIPE"),
        ("11.0.1.0/24", 10, "RIPE"),
        ("11.0.0.0/23", 10, "RIPE"),  # covering route object: kept, not aggregated
        ("12.0.0.0/16", 20, "RIPE"),
        ("21.0.0.0/16", 21, "ARIN"),
        ("2001:db8::/32", 30, "RIPE"),
        ("2001:db8:1::/48", 30, "RIPE"),
        ("40.0.0.0/24", 40, "RIPE"),
        ("41.0.0.0/24", 41, "RIPE"),
        ("42.0.0.0/24", 42, "RIPE"),
        ("2a00:40::/32", 40, "RIPE"),
        ("13.0.0.0/24", 13, "ARIN"),
    ]:
        db.add_route(prefix, origin, source=source)
    return db


@pytest.fixture(scope="session")
def bgpq4() -> str:
    exe = shutil.which("bgpq4")
    if exe is None:
        pytest.skip("bgpq4 not installed (Debian package bgpq4)")
    return exe
