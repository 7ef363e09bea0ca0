"""The registry's PeeringDB door as the commands call it: the cache given as a file,
each change labelled by the registry field's own name."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from lakou.peeringdb.cache import PeeringDBCache
from lakou.peeringdb.client import PeeringDBClient
from lakou.peeringdb.testing import FakeClock, PeeringDBData, PeeringDBStandIn
from lakou.registry import PeeringDBRegistryError, compare_with_peeringdb, prefill_member
from lakou.registry import models as m
from lakou.registry.peeringdb import FieldChange

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def cache_file(shared_data: Path, tmp_path: Path) -> tuple[Path, PeeringDBData]:
    """A cache file synced from the stand-in, closed again."""
    data = PeeringDBData.from_public_data(shared_data, networks=10)
    clock = FakeClock()
    path = tmp_path / "peeringdb.sqlite3"
    with (
        PeeringDBStandIn(data, clock=clock) as api,
        PeeringDBClient(api.url, clock=clock, sleep=clock.sleep) as client,
        PeeringDBCache(path) as cache,
    ):
        cache.sync(client)
    return path, data


def test_labels() -> None:
    assert FieldChange("network", "asn", None, 64500).label == str(
        m.Network._meta.get_field("asn").verbose_name
    )
    assert FieldChange("member", "exchange", None, "ocix").label == str(
        m.Member._meta.get_field("exchange").verbose_name
    )
    assert FieldChange("network", "no_such_field", None, 1).label == "no_such_field"
    with translation.override("fr"):
        assert FieldChange("member", "exchange", None, "ocix").label == "point d'échange"


def test_prefill_and_compare_from_a_cache_file(cache_file) -> None:
    path, data = cache_file
    m.Exchange.objects.create(slug="ocix", name="OCIX", country="SX", peeringdb_ix_id=260)
    asn = min(net["asn"] for net in data.objects["net"].values())
    planned = prefill_member(asn, "ocix", path)
    assert not planned.applied and not m.Network.objects.filter(asn=asn).exists()
    assert ("network", "asn") in [(c.target, c.field) for c in planned.changes]
    done = prefill_member(asn, "ocix", path, apply=True)
    assert done.applied and m.Member.objects.filter(network__asn=asn).exists()
    assert isinstance(compare_with_peeringdb("ocix", path), list)
    with pytest.raises(PeeringDBRegistryError, match="nowhere"):
        prefill_member(asn, "nowhere", path)
