"""A prefix table from the inventory JSON or the CSV export, errors naming the place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lakou.territory.index import PrefixIndexError
from lakou.territory.table import read_prefix_table

INVENTORY = {
    "countries": ["SX"],
    "prefixes": [
        {"prefix": "200.0.22.0/23", "asn": 27974, "territory": "SX", "confidence": 1.0},
        {"prefix": "2001:13c7:6002::/48", "asn": None, "territory": "SX"},
    ],
}


def test_inventory_json_and_csv_give_the_same_answers(tmp_path: Path) -> None:
    inventory = tmp_path / "territory.json"
    inventory.write_text(json.dumps(INVENTORY))
    table = tmp_path / "territory.csv"
    table.write_text("prefix,asn,territory\n200.0.22.0/23,27974,SX\n2001:13c7:6002::/48,,SX\n")
    ips = ["200.0.22.1", "2001:13c7:6002::1", "8.8.8.8"]
    expected = [("200.0.22.0/23", 27974, "SX"), ("2001:13c7:6002::/48", None, "SX")]
    expected.append((None, None, None))
    assert read_prefix_table(inventory).lookup(ips) == expected
    assert read_prefix_table(table).lookup(ips) == expected


@pytest.mark.parametrize(
    "doc,where",
    [
        ({"prefixes": {}}, "no 'prefixes' list"),
        ({"prefixes": [{"asn": 1}]}, r"prefixes\[0\]: expected an object with a 'prefix'"),
        ({"prefixes": [{"prefix": "10.0.0.0/8", "asn": "AS1"}]}, r"prefixes\[0\]\.asn"),
        ({"prefixes": [{"prefix": "10.0.0.1/8"}]}, "10.0.0.1/8"),
    ],
)
def test_bad_inventory_names_the_place(tmp_path: Path, doc: object, where: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(PrefixIndexError, match=where):
        read_prefix_table(path)


def test_broken_json(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"prefixes": [')
    with pytest.raises(PrefixIndexError, match="not a territory inventory"):
        read_prefix_table(path)
