"""``lakou serve`` refuses an unsafe start, naming the setting or the command that fixes it.

Debug mode, a weak secret key, unapplied migrations: each is refused with exit status 1
and one line per problem; migrations are never applied behind the operator's back. The
demo keeps working: it migrates explicitly and may run in debug mode.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from lakou.config import LakouConfig
from lakou.portal.server import refusals, unsafe_settings, weak_secret_key


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("LAKOU_CONFIG", "LAKOU_DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(XDG_DATA_HOME=str(home), LAKOU_LANGUAGE="en", **extra)
    return env


def lakou(args: list[str], home: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from lakou.cli import main; main()", *args],
        env=environment(home, **extra),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_weak_keys() -> None:
    assert weak_secret_key("x")
    assert weak_secret_key("a" * 60)  # long but one character
    assert weak_secret_key("django-insecure-" + "k3y" * 20)
    assert not weak_secret_key("Zq3v-8sQ1hKx0pLw7RmT2uYc9bNe4fGj6aDs5oIt_VlXy-Hu0Me")


def test_debug_and_weak_key_are_refused_outside_the_demo() -> None:
    config = LakouConfig.model_validate({"portal": {"debug": True, "secret_key": "s3cret"}})
    problems = unsafe_settings(config)
    assert len(problems) == 2
    assert "portal.debug" in problems[0] and "portal.secret_key" in problems[1]
    assert "6 characters" in problems[1]
    assert unsafe_settings(LakouConfig()) == []


def test_serve_refuses_unapplied_migrations_and_says_which_command(tmp_path: Path) -> None:
    proc = lakou(["serve", "--listen", "127.0.0.1:1"], tmp_path)
    assert proc.returncode == 1
    assert "lakou db migrate" in proc.stderr and "Traceback" not in proc.stderr
    # Nothing was applied behind the operator's back.
    again = lakou(["serve", "--listen", "127.0.0.1:1"], tmp_path)
    assert again.returncode == 1 and "lakou db migrate" in again.stderr
    # An upgrade: the database one migration behind the code is named.
    assert lakou(["db", "migrate"], tmp_path).returncode == 0
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.core.management import call_command; "
            "call_command('migrate', 'registry', '0003', verbosity=0)",
        ],
        env=environment(tmp_path, DJANGO_SETTINGS_MODULE="lakou.portal.settings"),
        check=True,
    )
    behind = lakou(["serve", "--listen", "127.0.0.1:1"], tmp_path)
    assert behind.returncode == 1
    # behind by what came after 0003: the two branches and their merge, and what followed
    later = (
        "0004_ports_snmp",
        "0005_encrypted_bgp_password",
        "0006_merge_ports_and_secrets",
        "0007_encrypted_snmp_secrets",
        "0008_selfservice_settings",
    )
    # (and other apps' migrations that depend on them, e.g. peering.0001_initial, unapplied
    # with them: the count covers both); the first five are named, then "…"
    lacks = re.search(r"lacks (\d+) migration\(s\) \(", behind.stderr)
    assert lacks is not None and int(lacks[1]) >= len(later)
    shown = re.findall(r"\b(\w+)\.(\d{4}_\w+)", behind.stderr)
    assert len(shown) == min(5, int(lacks[1])) and ("…" in behind.stderr) == (int(lacks[1]) > 5)
    registry_shown = {name for app, name in shown if app == "registry"}
    assert registry_shown and registry_shown <= set(later)


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("LAKOU_PORTAL__DEBUG", "true", "portal.debug"),
        ("LAKOU_PORTAL__SECRET_KEY", "x", "portal.secret_key"),
    ],
)
def test_serve_refuses_debug_and_weak_keys(
    tmp_path: Path, variable: str, value: str, named: str
) -> None:
    assert lakou(["db", "migrate"], tmp_path).returncode == 0
    proc = lakou(["serve", "--listen", "127.0.0.1:1"], tmp_path, **{variable: value})
    assert proc.returncode == 1
    assert f"lakou serve: refused: {named}" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.django_db
def test_the_demo_may_run_in_debug_mode() -> None:
    config = LakouConfig.model_validate({"portal": {"debug": True}})
    assert refusals(config, demo=True) == []  # migrated (the test database), debug allowed
    assert ["portal.debug" in p for p in refusals(config)] == [True]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str, headers: dict[str, str]) -> dict[str, str]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return dict(response.headers)


def test_serve_says_when_the_database_cannot_be_reached(tmp_path: Path) -> None:
    port = free_port()  # nobody listens there
    url = f"postgresql://lakou@127.0.0.1:{port}/lakou"
    proc = lakou(["serve", "--listen", "127.0.0.1:1"], tmp_path, LAKOU_DATABASE_URL=url)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "cannot reach the database (core.database_url)" in proc.stderr
