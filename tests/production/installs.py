"""A production install made by the real scripts into a temporary root: the helpers.

The wheel and the sdist are built once per session (``python -m build``, as a release
would be), and ``scripts/install-production --root DIR`` installs the wheel there: a
virtual environment that sees the test machine's packages (so nothing is downloaded),
the configuration, the data directory, the units with their paths under DIR. What the
script would do to the host itself (user, ownership, systemctl) is listed in
``DIR/install-production.host-commands``.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
SCRIPTS = CHECKOUT / "scripts"


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the test run's lakou overrides (the install has its own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LAKOU_", "DJANGO_"))}
    env.pop("PYTHONPATH", None)
    env.update(extra)
    return env


def run_script(name: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        ["bash", str(SCRIPTS / name), *args],
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=600,
    )
    if check and out.returncode != 0:
        raise AssertionError(f"{name} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return out


@dataclass(frozen=True)
class Dist:
    wheel: Path
    sdist: Path


@dataclass(frozen=True)
class Install:
    root: Path
    wheel: Path

    @property
    def lakou(self) -> Path:
        return self.root / "opt/lakou/venv/bin/lakou"

    @property
    def config(self) -> Path:
        return self.root / "etc/lakou/lakou.yml"

    @property
    def data(self) -> Path:
        return self.root / "var/lib/lakou"

    @property
    def units(self) -> Path:
        return self.root / "etc/systemd/system"

    def host_commands(self) -> list[str]:
        path = self.root / "install-production.host-commands"
        return path.read_text().splitlines() if path.exists() else []

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """The installed ``lakou`` with the installed configuration."""
        out = subprocess.run(
            [str(self.lakou), "--config", str(self.config), *args],
            capture_output=True,
            text=True,
            env=clean_env(),
            timeout=300,
        )
        if check and out.returncode != 0:
            raise AssertionError(f"lakou {args} failed:\n{out.stdout}\n{out.stderr}")
        return out


def install_into(root: Path, wheel: Path, *extra: str) -> Install:
    run_script(
        "install-production",
        "--root",
        str(root),
        "--from",
        str(wheel),
        "--system-site-packages",
        *extra,
    )
    return Install(root, wheel)
