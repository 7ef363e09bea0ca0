"""Fixtures of the territory tests: a data directory of public files, the inventory built
from it (shared with the daemon test ``tests/live/territory/test_inventory.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakou.exchange import Exchange, Member
from lakou.territory.config import Config, Declaration
from lakou.territory.inventory import build_inventory, discover


@pytest.fixture(scope="module")
def data_dir(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory of symlinks to a subset of the public files (read in seconds)."""
    root = tmp_path_factory.mktemp("territory-data")
    for name in (
        "geo/geo-whois-asn-country-ipv4.csv",
        "bgp/asn-ipv4.csv",
        "rir/delegated-lacnic-extended-20190910",
        "bgp/mrt/quagga_rib",
    ):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(shared_data / name)
    return root


@pytest.fixture(scope="module")
def inventory(data_dir: Path):  # type: ignore[no-untyped-def]
    smart_ix = Exchange(
        slug="smart-ix", name="Smart-IX", country="MF", members=(Member(asn=27974, name="OCIX"),)
    )
    config = Config(
        declarations=[Declaration(prefix="192.0.2.0/24", territory="GP", asn=64500, note="test")]
    )
    steps: list[str] = []
    result = build_inventory(discover(data_dir), config, [smart_ix], progress=steps.append)
    assert steps  # progress was reported
    return result
