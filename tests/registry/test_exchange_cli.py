"""``lakou exchange show``: one exchange from the typed view, in JSON and as tables."""

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


def _sample() -> Any:
    path = Path(__file__).parent / "fixtures" / "ixf" / "sample_registry.py"
    spec = importlib.util.spec_from_file_location("sample_registry", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def registry() -> None:
    _sample().build()


def test_show_json(registry) -> None:
    result = CliRunner().invoke(main, ["exchange", "show", "smart-ix", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == {
        "slug": "smart-ix",
        "name": "Smart-IX",
        "country": "MF",
        "city": "Marigot",
        "asn": 64496,
        "ixf_id": 900,
        "peeringdb_ix_id": 9001,
        "bridged_to": ["ocix"],
        "members": m.Member.objects.filter(exchange__slug="smart-ix").count(),
        "lans": [
            {
                "name": "peering",
                "vlan": 100,
                "ipv4": "198.51.100.0/24",
                "ipv6": "2001:db8:100::/64",
                "mtu": 1500,
            },
            {"name": "voice", "vlan": None, "ipv4": "203.0.113.0/25", "ipv6": None, "mtu": 1500},
        ],
        "route_servers": [
            {
                "name": "rs1",
                "asn": 64496,
                "daemon": "bird2",
                "ipv4": "198.51.100.1",
                "ipv6": "2001:db8:100::1",
            },
            {
                "name": "rs2",
                "asn": 64496,
                "daemon": "openbgpd",
                "ipv4": "198.51.100.2",
                "ipv6": "2001:db8:100::2",
            },
        ],
    }
    assert data["members"] >= 2
    assert "Dauphin" not in result.output  # a summary: no member list, no contacts


def test_show_table(registry) -> None:
    result = CliRunner().invoke(main, ["exchange", "show", "smart-ix"])
    assert result.exit_code == 0, result.output
    for text in ("Smart-IX (smart-ix)", "AS64496", "198.51.100.0/24", "rs2", "openbgpd"):
        assert text in result.output, text
    french = CliRunner().invoke(main, ["-L", "fr", "exchange", "show", "ocix"])
    assert french.exit_code == 0, french.output
    assert "serveurs de route" in french.output and "192.0.2.0/24" in french.output


def test_unknown_slug_lists_the_valid_ones(registry) -> None:
    result = CliRunner().invoke(main, ["exchange", "show", "nowhere", "--format", "json"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: no exchange with slug 'nowhere'; the registry has: ocix, smart-ix"
    ]
    french = CliRunner().invoke(main, ["-L", "fr", "exchange", "show", "nowhere"])
    assert french.exit_code == 1
    assert "le registre a : ocix, smart-ix" in french.output


def test_unknown_slug_in_an_empty_registry() -> None:
    result = CliRunner().invoke(main, ["exchange", "show", "nowhere"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: no exchange with slug 'nowhere'; the registry has none yet"
    ]
