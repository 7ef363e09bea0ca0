"""``lakou rs build`` from the registry and from files, checked by the real ``bird -p``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lakou.cli import main

pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="needs bird (bird2)")


@pytest.mark.django_db
def test_build_from_registry_exchange(tmp_path: Path) -> None:
    from lakou.demo import load_demo

    load_demo()
    out = tmp_path / "bird.conf"
    result = CliRunner().invoke(
        main, ["rs", "build", "--exchange", "demo-saint-martin", "--no-irr", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "rs client;" in text and "protocol bgp AS" in text


def test_build_from_clients_yml_offline(tmp_path: Path) -> None:
    clients = tmp_path / "clients.yml"
    clients.write_text(
        "clients:\n"
        "  - asn: 3333\n    ip: [192.0.2.11, '2001:db8::11']\n    description: RIPE NCC\n"
        "  - asn: 10745\n    ip: 192.0.2.22\n"
    )
    out = tmp_path / "openbgpd.conf"
    runner = CliRunner()
    result = runner.invoke(
        main,
        ["rs", "build", "--clients", str(clients), "--no-irr", "--daemon", "openbgpd",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "neighbor 192.0.2.11" in out.read_text()


def test_bad_clients_file_names_the_entry(tmp_path: Path) -> None:
    clients = tmp_path / "clients.yml"
    clients.write_text("clients:\n  - asn: 1\n    ip: 192.0.2.1\n  - asn: 2\n    ip: 192.0.2.1\n")
    result = CliRunner().invoke(
        main, ["rs", "build", "--clients", str(clients), "--no-irr", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code != 0
    assert "clients[1] (AS2).ip[0]: 192.0.2.1 is already used by clients[0] (AS1)" in result.output
    assert not (tmp_path / "x").exists()
