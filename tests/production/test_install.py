"""scripts/install-production, upgrade-production, uninstall-production into a temp root;
the wheel and sdist checked with twine."""

from __future__ import annotations

import shutil
import stat
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
import yaml
from tests.production.installs import CHECKOUT, Dist, Install, install_into, run_script

pytestmark = pytest.mark.slow


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


SCRIPTS = [
    "scripts/install-production",
    "scripts/upgrade-production",
    "scripts/uninstall-production",
    "scripts/production-common.sh",
]


def test_the_scripts_pass_shellcheck() -> None:
    if shutil.which("shellcheck") is None:
        pytest.fail("shellcheck is missing: scripts/install-test-deps installs it")
    out = subprocess.run(
        ["shellcheck", "-x", *SCRIPTS], capture_output=True, text=True, cwd=CHECKOUT
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_wheel_and_sdist_pass_twine_check(dist: Dist) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", str(dist.wheel), str(dist.sdist)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.count("PASSED") == 2, out.stdout


def test_the_release_archive_is_an_installer(dist: Dist) -> None:
    with tarfile.open(dist.sdist) as tar:
        names = {Path(*Path(n).parts[1:]).as_posix() for n in tar.getnames()}
    for needed in (
        "pyproject.toml",
        "scripts/install-production",
        "scripts/upgrade-production",
        "scripts/uninstall-production",
        "scripts/production-common.sh",
        "deploy/systemd/lakou-portal.service",
        "deploy/systemd/lakou-job@.service",
        "docs/12-production.md",
    ):
        assert needed in names, needed


def test_install_lays_out_config_data_and_units(installed: Install) -> None:
    root = installed.root
    assert installed.lakou.is_file()
    assert _mode(installed.config) == 0o640
    assert _mode(root / "etc/lakou") == 0o750
    assert _mode(installed.data) == 0o750
    assert _mode(root / "var/backups/lakou") == 0o700
    config = yaml.safe_load(installed.config.read_text())
    assert len(config["portal"]["secret_key"]) >= 50
    assert config["portal"]["debug"] is False
    assert Path(config["core"]["data_dir"]) == installed.data
    assert Path(config["jobs"]["backup_dir"]) == root / "var/backups/lakou"
    # the configuration is valid for the installed lakou, and the database is migrated
    installed.run("config", "check")
    assert (installed.data / "lakou.sqlite3").is_file()
    plan = installed.run("db", "migrate").stdout
    assert "No migrations to apply" in plan
    units = {p.name for p in installed.units.iterdir() if p.is_file()}
    assert {
        "lakou-portal.service",
        "lakou-collector.service",
        "lakou-ports.service",
        "lakou-job@.service",
        "lakou-job-rs-refresh.timer",
        "lakou-job-rs-changes.timer",
        "lakou-job-peeringdb-sync.timer",
        "lakou-job-flows-rollup.timer",
        "lakou-job-territory-refresh.timer",
        "lakou-job-backup.timer",
    } <= units
    # the units run the installed program, not one elsewhere on the machine
    portal = (installed.units / "lakou-portal.service").read_text()
    assert f"ExecStart={installed.lakou} --config {installed.config} serve" in portal


def test_install_records_the_host_changes_it_did_not_make(installed: Install) -> None:
    commands = installed.host_commands()
    useradd = [c for c in commands if c.startswith("useradd ")]
    assert useradd and "--system" in useradd[0] and useradd[0].endswith(" lakou")
    assert "/usr/sbin/nologin" in useradd[0]
    assert f"chown root:lakou {installed.config}" in commands
    assert any(c.startswith("chown lakou:lakou ") and str(installed.data) in c for c in commands)
    enable = [c for c in commands if c.startswith("systemctl enable --now")]
    assert enable and "lakou-portal.service" in enable[0]
    assert "lakou-job-backup.timer" in enable[0]
    assert "systemctl daemon-reload" in commands


def test_a_second_install_keeps_the_secret(dist: Dist, tmp_path: Path) -> None:
    first = install_into(tmp_path / "root", dist.wheel, "--no-start")
    secret = yaml.safe_load(first.config.read_text())["portal"]["secret_key"]
    first.config.write_text(first.config.read_text() + "territory:\n  countries: [GP]\n")
    again = install_into(tmp_path / "root", dist.wheel, "--no-start")
    config = yaml.safe_load(again.config.read_text())
    assert config["portal"]["secret_key"] == secret
    assert config["territory"]["countries"] == ["GP"]
    assert not any(c.startswith("systemctl") for c in again.host_commands())


def test_install_refuses_what_it_cannot_install(tmp_path: Path) -> None:
    out = run_script(
        "install-production", "--root", str(tmp_path), "--from", str(tmp_path / "x.whl"),
        check=False,
    )  # fmt: skip
    assert out.returncode != 0
    assert "x.whl: no such file or directory" in out.stderr
    assert not (tmp_path / "etc").exists()  # refused before writing anything
    out = run_script(
        "install-production", "--root", str(tmp_path), "--host", 'x"; rm -rf /', check=False
    )
    assert out.returncode != 0 and "not a host name" in out.stderr
    assert not (tmp_path / "etc").exists()  # refused before writing anything
    out = run_script("install-production", "--root", str(tmp_path), "--bogus", check=False)
    assert out.returncode != 0 and "unknown option --bogus" in out.stderr


def test_upgrade_backs_up_before_migrating(dist: Dist, tmp_path: Path) -> None:
    inst = install_into(tmp_path / "root", dist.wheel, "--no-start")
    out = run_script(
        "upgrade-production", "--root", str(inst.root), "--from", str(dist.wheel),
        "--system-site-packages", check=False,
    )  # fmt: skip
    backups = inst.root / "var/backups/lakou"
    has_backup = inst.run("backup", "--help", check=False).returncode == 0
    if has_backup:
        assert out.returncode == 0, out.stdout + out.stderr
        made = list(backups.glob("pre-upgrade-*"))
        assert len(made) == 1, made
        assert "systemctl try-restart lakou-portal.service" in "\n".join(inst.host_commands())
        assert out.stdout.index("backing up") < out.stdout.index("migrating the database")
    else:
        # without a working backup command the upgrade stops before the migration
        assert out.returncode != 0
        assert f"{inst.lakou} --config {inst.config} backup --out {backups}/pre-upgrade-" in (
            out.stderr
        )
        assert "not migrating" in out.stderr
        assert "migrating the database" not in out.stdout
        assert not any("try-restart" in c for c in inst.host_commands())


def test_uninstall_keeps_data_unless_purged(dist: Dist, tmp_path: Path) -> None:
    inst = install_into(tmp_path / "root", dist.wheel)
    run_script("uninstall-production", "--root", str(inst.root))
    assert not (inst.root / "opt/lakou").exists()
    assert not list(inst.units.glob("lakou*"))
    assert inst.config.is_file() and (inst.data / "lakou.sqlite3").is_file()
    disable = [c for c in inst.host_commands() if c.startswith("systemctl disable --now")]
    assert disable and "lakou-portal.service" in disable[0] and "@" not in disable[0]
    run_script("uninstall-production", "--root", str(inst.root), "--purge")
    assert not inst.config.exists() and not inst.data.exists()
    assert "userdel lakou" in inst.host_commands()
