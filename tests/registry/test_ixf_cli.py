"""``lakou ixf`` and ``lakou clients`` through click's CliRunner."""

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
    """The wording checked below is English, whatever the environment's language."""
    with translation.override("en"):
        yield


FIXTURES = Path(__file__).parent / "fixtures"


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


def test_export_validate_import(registry, shared_data, tmp_path) -> None:
    runner = CliRunner()
    schema = str(shared_data / "ixf-schema")
    out = tmp_path / "smart-ix.json"
    result = runner.invoke(
        main, ["ixf", "export", "--exchange", "smart-ix", "--out", str(out), "--schema", schema]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["ixp_list"][0]["shortname"] == "Smart-IX"
    assert "contact_email" not in out.read_text()
    result = runner.invoke(main, ["ixf", "export", "--exchange", "smart-ix", "--with-contacts"])
    assert "noc@dauphin.example.net" in result.output
    result = runner.invoke(main, ["ixf", "validate", str(out), "--schema", schema])
    assert result.exit_code == 0 and "valid IX-F 1.0" in result.output
    result = runner.invoke(main, ["ixf", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert "no changes" in result.output
    result = runner.invoke(main, ["ixf", "export", "--exchange", "nowhere"])
    assert result.exit_code != 0 and "nowhere" in result.output


def test_import_dry_run_and_errors(tmp_path) -> None:
    runner = CliRunner()
    source = FIXTURES / "ixf" / "two-exchanges-0.7.json"
    result = runner.invoke(main, ["ixf", "import", str(source), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "+ exchange NORTH-IX" in result.output and "dry run" in result.output
    assert not m.Exchange.objects.exists()
    result = runner.invoke(main, ["-L", "fr", "ixf", "import", str(source), "--dry-run", "-q"])
    assert "essai à blanc : rien n'a été modifié" in result.output
    result = runner.invoke(main, ["ixf", "import", str(source)])
    assert result.exit_code == 0 and m.Exchange.objects.count() == 2
    bad = json.loads(source.read_text())
    bad["member_list"][0]["connection_list"][0]["vlan_list"][0]["ipv4"]["address"] = "10.0.0.1"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    result = runner.invoke(main, ["ixf", "import", str(path)])
    assert result.exit_code == 1
    assert "member_list[0].connection_list[0].vlan_list[0].ipv4.address" in result.output
    assert "nothing was changed" in result.output


def test_validate_reports_schema_problems(shared_data, tmp_path) -> None:
    path = tmp_path / "doc.json"
    doc = json.loads((FIXTURES / "ixf" / "ixpmanager-like-0.6.json").read_text())
    path.write_text(json.dumps(doc))
    result = CliRunner().invoke(
        main, ["ixf", "validate", str(path), "--schema", str(shared_data / "ixf-schema")]
    )
    # as published, asnum "64520" is a string: the official schema says no
    assert result.exit_code == 1
    assert "member_list[0].asnum" in result.output


def test_clients_import_export(tmp_path) -> None:
    ex = m.Exchange.objects.create(slug="smart-ix", name="Smart-IX", country="MF")
    lan = m.PeeringLan.objects.create(
        exchange=ex,
        name="peering",
        ipv4_prefix="198.51.100.0/24",
        ipv6_prefix="2001:db8:100::/64",
    )
    m.PeeringLan.objects.create(exchange=ex, name="voice", ipv4_prefix="203.0.113.0/25")
    m.RouteServer.objects.create(
        exchange=ex, lan=lan, name="rs1", asn=64496, router_id="198.51.100.1", ipv4="198.51.100.1"
    )
    m.RouteServer.objects.create(
        exchange=ex,
        lan=ex.lans.get(name="voice"),
        name="rs2",
        asn=64496,
        router_id="203.0.113.1",
        ipv4="203.0.113.1",
    )
    runner = CliRunner()
    source = FIXTURES / "clients" / "exact.yml"
    result = runner.invoke(main, ["clients", "import", str(source), "--exchange", "smart-ix"])
    assert result.exit_code == 0, result.output
    assert "network: 3 created" in result.output
    out = tmp_path / "clients.yml"
    result = runner.invoke(main, ["clients", "export", "--exchange", "smart-ix", "--out", str(out)])
    assert result.exit_code == 0
    assert out.read_text() == source.read_text()
    bad = tmp_path / "bad.yml"
    bad.write_text("clients:\n- asn: 64500\n  ip: [198.51.100.77, 192.0.2.1]\n")
    result = runner.invoke(main, ["clients", "import", str(bad), "--exchange", "smart-ix"])
    assert result.exit_code == 1 and "clients[0].ip[1]" in result.output


def test_clients_export_is_private(tmp_path) -> None:
    ex = m.Exchange.objects.create(slug="smart-ix", name="Smart-IX", country="MF")
    lan = m.PeeringLan.objects.create(exchange=ex, name="peering", ipv4_prefix="198.51.100.0/24")
    m.RouteServer.objects.create(
        exchange=ex, lan=lan, name="rs1", asn=64496, router_id="198.51.100.1", ipv4="198.51.100.1"
    )
    source = tmp_path / "in.yml"
    source.write_text("clients:\n- asn: 64500\n  ip: 198.51.100.11\n  password: Md5-s3cret\n")
    runner = CliRunner()
    assert (
        runner.invoke(main, ["clients", "import", str(source), "--exchange", "smart-ix"]).exit_code
        == 0
    )
    out = tmp_path / "clients.yml"
    out.write_text("old")
    out.chmod(0o644)
    result = runner.invoke(main, ["clients", "export", "--exchange", "smart-ix", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "password: Md5-s3cret" in out.read_text()
    assert out.stat().st_mode & 0o777 == 0o600


def test_schema_folder_from_the_configuration(registry, shared_data, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("LAKOU_IXF_SCHEMA_DIR", raising=False)
    config = tmp_path / "lakou.yml"
    config.write_text(f"registry:\n  ixf_schema_dir: {shared_data / 'ixf-schema'}\n")
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps({"version": "1.0", "timestamp": "yesterday", "ixp_list": [], "member_list": []})
    )
    runner = CliRunner()
    result = runner.invoke(main, ["ixf", "validate", str(bad)])
    assert result.exit_code != 0 and "--schema" in result.output  # no folder known
    result = runner.invoke(main, ["--config", str(config), "ixf", "validate", str(bad)])
    assert result.exit_code == 1 and "timestamp" in result.output, result.output
    out = tmp_path / "smart-ix.json"
    args = ["--config", str(config), "ixf", "export", "--exchange", "smart-ix", "--out", str(out)]
    assert runner.invoke(main, args).exit_code == 0
    result = runner.invoke(main, ["--config", str(config), "ixf", "validate", str(out)])
    assert result.exit_code == 0 and "valid IX-F 1.0" in result.output
    missing = tmp_path / "nowhere.yml"
    missing.write_text(f"registry:\n  ixf_schema_dir: {tmp_path / 'none'}\n")
    result = runner.invoke(main, ["--config", str(missing), "ixf", "validate", str(out)])
    assert result.exit_code == 1 and "does not exist" in result.output
    # the environment variable documented before the configuration option still works
    monkeypatch.setenv("LAKOU_IXF_SCHEMA_DIR", str(shared_data / "ixf-schema"))
    assert runner.invoke(main, ["ixf", "validate", str(out)]).exit_code == 0
