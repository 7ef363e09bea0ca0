"""What the commands ask of ``lakou.peeringdb``: the types a sync is limited to, the day
of a loaded type's newest change."""

from __future__ import annotations

import pytest

from lakou.peeringdb import OBJECTS, UnknownObjectTypes, object_types
from lakou.peeringdb.cache import TypeReport


def test_object_types() -> None:
    assert object_types("") == OBJECTS
    assert object_types(" net , ix,") == ("net", "ix")
    with pytest.raises(UnknownObjectTypes, match="unknown object types: fac, org"):
        object_types("net,fac,org")


def test_newest_day() -> None:
    assert TypeReport("net", "dump", None).newest_day == ""
    assert TypeReport("net", "dump", None, cursor=1_700_000_000).newest_day == "2023-11-14"


def test_why_a_network_is_missing() -> None:
    from lakou.peeringdb import NetworkPorts

    assert "the cache is empty" in NetworkPorts(64500, None, cache_empty=True).why_missing()
    said = NetworkPorts(64500, None).why_missing()
    assert said.startswith("AS64500 is not in the local PeeringDB cache") and "recently" in said
