"""``lakou exchange list``: the roll of exchanges (``lakou.registry.exchange_roll``)."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.utils import translation

from lakou.cli import main
from lakou.registry import models as m

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def registry() -> None:
    path = Path(__file__).parent / "fixtures" / "ixf" / "sample_registry.py"
    spec = importlib.util.spec_from_file_location("sample_registry", path)
    assert spec and spec.loader
    module: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build()


def test_list_json(registry) -> None:
    result = CliRunner().invoke(main, ["exchange", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["slug"] for r in rows] == ["ocix", "smart-ix"]
    smart = rows[1]
    # the LANs in the registry's order (NULL VLANs first or last: the database's choice)
    smart["lans"].sort(key=lambda lan: lan["name"])
    assert smart == {
        "slug": "smart-ix",
        "name": "Smart-IX",
        "full_name": "Saint-Martin Internet Exchange",
        "country": "MF",
        "city": "Marigot",
        "members": m.Member.objects.filter(exchange__slug="smart-ix").count(),
        "lans": [
            {
                "name": "peering",
                "vlan": 100,
                "ipv4": "198.51.100.0/24",
                "ipv6": "2001:db8:100::/64",
            },
            {"name": "voice", "vlan": None, "ipv4": "203.0.113.0/25", "ipv6": ""},
        ],
        "bridged_to": ["ocix"],
        "demo": False,
    }
    assert smart["members"] >= 2


def test_list_table(registry) -> None:
    result = CliRunner().invoke(main, ["exchange", "list"])
    assert result.exit_code == 0, result.output
    for text in ("Exchanges", "smart-ix", "Smart-IX", "198.51.100.0/24", "203.0.113.0/25"):
        assert text in result.output, text
    french = CliRunner().invoke(main, ["-L", "fr", "exchange", "list"])
    assert french.exit_code == 0, french.output
    assert "Points d'échange" in french.output


def test_roll_rows(registry) -> None:
    from lakou.registry import exchange_roll

    rows = {r.slug: r for r in exchange_roll()}
    assert rows["smart-ix"].bridged_to == ("ocix",)
    assert sorted(lan.prefixes for lan in rows["smart-ix"].lans) == [
        "198.51.100.0/24 2001:db8:100::/64",
        "203.0.113.0/25",
    ]
    assert rows["ocix"].members == m.Member.objects.filter(exchange__slug="ocix").count()


def test_empty_registry() -> None:
    result = CliRunner().invoke(main, ["exchange", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == []
