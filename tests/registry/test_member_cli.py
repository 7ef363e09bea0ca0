"""``lakou member list`` and ``lakou member show`` through click's CliRunner."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.registry import models as m

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "Md5-Dauphin-s3cret"


def _sample() -> Any:
    path = FIXTURES / "ixf" / "sample_registry.py"
    spec = importlib.util.spec_from_file_location("sample_registry", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def registry() -> None:
    _sample().build()
    m.Member.objects.filter(network__asn=64500).update(
        bgp_password=SECRET, route_server_options={"passive": True, "gtsm": True}
    )


def run(*args: str) -> Any:
    return CliRunner().invoke(main, ["--language", "en", *args])


def test_list_json(registry) -> None:
    result = run("member", "list", "--exchange", "smart-ix", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    expected = list(
        m.Member.objects.filter(exchange__slug="smart-ix")
        .order_by("network__asn")
        .values_list("network__asn", flat=True)
    )
    assert [r["asn"] for r in rows] == expected and len(rows) >= 3
    dauphin = next(r for r in rows if r["asn"] == 64500)
    assert dauphin["exchange"] == "smart-ix" and dauphin["as_set"] == "AS-DAUPHIN"
    assert dauphin["speed_mbps"] == 20000  # a LAG of two 10G ports
    assert dauphin["addresses"][0]["ipv4"] == "198.51.100.11"
    assert dauphin["addresses"][0]["route_server"] == [4, 6]
    assert dauphin["bgp_password_set"] is True
    assert SECRET not in result.output


def test_list_table_and_errors(registry) -> None:
    result = run("member", "list", "--exchange", "smart-ix")
    assert result.exit_code == 0, result.output
    assert "AS64500" in result.output and "198.51.100.11" in result.output
    assert "member(s)" in result.output and SECRET not in result.output
    result = run("member", "list", "--exchange", "nowhere")
    assert result.exit_code == 1
    assert "no exchange with slug 'nowhere'; the registry has: " in result.output
    result = run("member", "list")
    assert result.exit_code == 2  # --exchange is required


def test_show(registry) -> None:
    result = run("member", "show", "AS64500", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["exchange"] for r in rows} == set(
        m.Member.objects.filter(network__asn=64500).values_list("exchange__slug", flat=True)
    )
    sxm = next(r for r in rows if r["exchange"] == "smart-ix")
    assert sxm["route_server_options"] == {"passive": True, "gtsm": True}
    assert sxm["addresses"][0]["macs"] == ["00:1b:21:3a:4f:5c"]
    assert SECRET not in result.output and 'bgp_password"' not in result.output
    result = run("member", "show", "64500", "--exchange", "smart-ix")
    assert result.exit_code == 0, result.output
    assert "AS64500" in result.output and "00:1b:21:3a:4f:5c" in result.output
    assert "BGP password" in result.output and "set" in result.output
    assert "passive" in result.output and SECRET not in result.output


def test_show_in_french(registry) -> None:
    result = CliRunner().invoke(main, ["--language", "fr", "member", "show", "64500"])
    assert result.exit_code == 0, result.output
    assert "Mot de passe BGP" in result.output


def test_show_errors(registry) -> None:
    result = run("member", "show", "AS64999")
    assert result.exit_code == 1 and "AS64999 is not a member of any exchange" in result.output
    result = run("member", "show", "AS64500", "--exchange", "nowhere")
    assert result.exit_code == 1
    assert "no exchange with slug 'nowhere'; the registry has: " in result.output
    result = run("member", "show", "Dauphin")
    assert result.exit_code == 2 and "not an ASN" in result.output
