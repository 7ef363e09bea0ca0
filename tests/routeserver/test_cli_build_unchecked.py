"""``rs build`` on a machine without the daemon: written, and said to be unchecked."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from lakou.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_without_the_daemon_the_config_is_written_and_said_unchecked(tmp_path: Path) -> None:
    out = tmp_path / "bgpd.conf"
    args = ["rs", "build", "--clients", str(EXAMPLES / "clients.yml"), "--daemon", "openbgpd"]
    args += ["--rpsl-dir", str(EXAMPLES / "irr"), "--irr-sources", "EXAMPLE", "--out", str(out)]
    env = {"PATH": str(tmp_path / "empty"), "LAKOU_CORE__DATA_DIR": str(tmp_path)}
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 0, result.output
    assert "openbgpd is not installed here, so the configuration was not checked" in result.stderr
    assert "apt-get install openbgpd" in result.stderr
    assert "192.0.2.200" in out.read_text() and "203.0.113.0/25" in out.read_text()
    french = CliRunner().invoke(main, ["-L", "fr", *args], env=env)
    assert french.exit_code == 0 and "n'est pas installé ici" in french.stderr
