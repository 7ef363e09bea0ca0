"""Bad input gives a clear error and no configuration, never one that accepts everything."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lakou.cli import main

pytestmark = pytest.mark.skipif(shutil.which("bird") is None, reason="needs bird (bird2)")

CLIENTS = "clients:\n  - asn: 3333\n    ip: 192.0.2.11\n"


def test_truncated_rpki_file_is_refused(tmp_path: Path) -> None:
    clients = tmp_path / "clients.yml"
    clients.write_text(CLIENTS)
    roas = tmp_path / "roas.json"
    roas.write_text('{"roas": [{"prefix": "11.0.0.0/24", "maxLength": 24, "asn": "AS1"')
    out = tmp_path / "bird.conf"
    result = CliRunner().invoke(
        main,
        ["rs", "build", "--clients", str(clients), "--no-irr", "--rpki-json", str(roas),
         "--out", str(out)],
        # its own data directory: no last-good ROA set from another test to fall back on
        env={"LAKOU_CORE__DATA_DIR": str(tmp_path / "data")},
    )  # fmt: skip
    assert result.exit_code != 0
    assert "roas.json" in result.output
    assert not out.exists()


def test_unknown_as_set_only_flags_the_client(tmp_path: Path) -> None:
    from lakou.routeserver.enrich.testing import database_from_dicts, write_rpsl

    rpsl = tmp_path / "rpsl"
    rpsl.mkdir()
    write_rpsl(database_from_dicts({"AS-KNOWN": ["AS3333"]}, {3333: ["11.0.0.0/24"]}), rpsl)
    clients = tmp_path / "clients.yml"
    clients.write_text(CLIENTS + "    cfg: {filtering: {irrdb: {as_sets: [AS-DOES-NOT-EXIST]}}}\n")
    out = tmp_path / "bird.conf"
    result = CliRunner().invoke(
        main, ["rs", "build", "--clients", str(clients), "--rpsl-dir", str(rpsl), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "AS-DOES-NOT-EXIST" in result.output  # the operator is told
    # The client keeps only its own ASN's route objects: nothing else is accepted.
    assert "define AS3333_ORIGINS = [\n  3333\n];" in text
