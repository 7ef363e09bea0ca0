"""``lakou.territory``'s command calls: the data directory, build refusals, lookups."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakou.exchange import Exchange
from lakou.territory import (
    TerritoryInputError,
    build_territory,
    lookup_addresses,
    territory_data_dir,
)
from lakou.territory.config import Config


def test_data_dir_given_then_configured_then_core(tmp_path: Path) -> None:
    assert territory_data_dir("x", Config(data_dir="y"), tmp_path) == Path("x")
    assert territory_data_dir(None, Config(data_dir="y"), tmp_path) == Path("y")
    assert territory_data_dir(None, Config(), tmp_path) == tmp_path / "territory"


def test_missing_directory_refused_before_the_exchanges_are_read(tmp_path: Path) -> None:
    asked: list[bool] = []

    def exchanges() -> list[Exchange]:
        asked.append(True)
        return []

    with pytest.raises(TerritoryInputError, match=r"data directory not found: .*nowhere"):
        build_territory(tmp_path / "nowhere", Config(), exchanges)
    assert asked == []
    with pytest.raises(TerritoryInputError, match="no source file found in"):
        build_territory(tmp_path, Config(), exchanges)
    assert asked == [True]


def test_lookup_from_a_prefix_table(tmp_path: Path) -> None:
    table = tmp_path / "prefixes.csv"
    table.write_text("prefix,asn,territory\n192.0.2.0/24,64500,MF\n2001:db8::/32,64501,GP\n")
    found = lookup_addresses(
        ["192.0.2.7", "2001:db8::1", "198.51.100.1"], tmp_path, index_file=table
    )
    assert found.source == str(table)
    assert found.as_dicts() == [
        {
            "ip": "192.0.2.7",
            "prefix": "192.0.2.0/24",
            "asn": 64500,
            "territory": "MF",
            "source": str(table),
        },
        {
            "ip": "2001:db8::1",
            "prefix": "2001:db8::/32",
            "asn": 64501,
            "territory": "GP",
            "source": str(table),
        },
        {
            "ip": "198.51.100.1",
            "prefix": None,
            "asn": None,
            "territory": None,
            "source": str(table),
        },
    ]
    with pytest.raises(TerritoryInputError, match="not-an-ip"):
        lookup_addresses(["not-an-ip"], tmp_path, index_file=table)
    with pytest.raises(TerritoryInputError, match="no IP→ASN or IP→country file"):
        lookup_addresses(["192.0.2.7"], tmp_path)
