"""Deploy a route-server configuration safely: check, swap atomically, reload, verify, roll back.

The order matters. The daemon checks the new file first (``bird -p -c``, ``bgpd -n -f``):
a file it refuses never replaces the running one. Then the running file is kept as the
last good one, the new file takes its place in one ``rename`` (a crash leaves either the
old or the new file, never half of one), the daemon reloads, and every session that was
established before must be established again within the timeout. Any failure puts the
last good file back and reloads it, so the route server is never left without a working
configuration. Every deployed file is kept in the history directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from lakou.i18n import gettext as _
from lakou.routeserver.lg.bird_parse import parse_protocols
from lakou.routeserver.lg.birdsock import BirdError, BirdSocket


class DeployError(Exception):
    """The new configuration was not deployed; the message says why and what was restored."""


class Daemon(Protocol):
    name: str

    def check(self, path: Path) -> str | None:
        """None when the daemon accepts the file, else its complaint."""

    def reload(self) -> str | None:
        """None when the reload succeeded, else the daemon's complaint."""

    def sessions(self) -> dict[str, bool]:
        """BGP sessions by name: established or not."""


@dataclass
class Bird:
    socket: Path
    binary: str = "bird"
    name: str = "bird2"

    def check(self, path: Path) -> str | None:
        proc = subprocess.run(
            [self.binary, "-p", "-c", str(path.resolve())],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode != 0:
            return (proc.stderr or proc.stdout).strip() or f"bird -p exited {proc.returncode}"
        return None

    def reload(self) -> str | None:
        try:
            with BirdSocket(self.socket, timeout=300) as bird:
                reply = bird.command("configure")
        except BirdError as exc:
            return str(exc)
        text = " ".join(r.text for r in reply)
        if any(r.code in (3, 4, 18, 19, 20) for r in reply):  # reconfigured / in progress
            return None
        return text or "unexpected reply to configure"

    def sessions(self) -> dict[str, bool]:
        with BirdSocket(self.socket, timeout=30) as bird:
            protocols = parse_protocols(bird.command("show protocols"))
        return {p.name: p.info.startswith("Established") for p in protocols if p.proto == "BGP"}


@dataclass
class OpenBgpd:
    socket: Path
    config: Path
    name: str = "openbgpd"

    def check(self, path: Path) -> str | None:
        proc = subprocess.run(
            ["bgpd", "-n", "-f", str(path.resolve())], capture_output=True, text=True, timeout=300
        )
        if proc.returncode != 0:
            return (proc.stderr or proc.stdout).strip() or f"bgpd -n exited {proc.returncode}"
        return None

    def reload(self) -> str | None:
        proc = subprocess.run(
            ["bgpctl", "-s", str(self.socket), "reload"], capture_output=True, text=True, timeout=60
        )
        if proc.returncode != 0 or "failed" in proc.stdout.lower():
            return (proc.stdout + proc.stderr).strip() or "bgpctl reload failed"
        return None

    def sessions(self) -> dict[str, bool]:
        proc = subprocess.run(
            ["bgpctl", "-j", "-s", str(self.socket), "show", "neighbor"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if proc.returncode != 0:
            raise DeployError(f"bgpctl show neighbor: {proc.stderr.strip()}")
        data = json.loads(proc.stdout or "{}")
        out = {}
        for n in data.get("neighbors", []):
            name = n.get("description") or n.get("remote_addr", "")
            out[name] = n.get("state", "").lower() == "established"
        return out


@dataclass
class DeployResult:
    deployed: Path  # the history copy of the new config
    previous: Path | None
    sessions_up: int
    log: list[str] = field(default_factory=list)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _keep(history: Path, source: Path, label: str) -> Path:
    history.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    copy = history / f"{stamp}-{label}-{_digest(source)}.conf"
    shutil.copy2(source, copy)
    return copy


def _swap(source: Path, target: Path) -> None:
    """Put ``source``'s bytes at ``target`` in one rename (same directory, fsync'd)."""
    tmp = target.with_name(f".{target.name}.lakou-new")
    with source.open("rb") as src, tmp.open("wb") as dst:
        shutil.copyfileobj(src, dst)
        dst.flush()
        os.fsync(dst.fileno())
    if target.exists():
        shutil.copymode(target, tmp)
    os.replace(tmp, target)


def _prune(history: Path, keep: int) -> None:
    files = sorted(history.glob("*.conf"))
    good = (history / "last-good").read_text().strip() if (history / "last-good").exists() else ""
    for old in files[:-keep]:
        if old.name != good:
            old.unlink()


def deploy(
    new_config: Path,
    target: Path,
    daemon: Daemon,
    history: Path,
    *,
    timeout: float = 120.0,
    keep: int = 30,
    require_sessions: bool = True,
) -> DeployResult:
    """Deploy ``new_config`` to ``target`` for a running ``daemon``; roll back on failure."""
    log: list[str] = []
    complaint = daemon.check(new_config)
    if complaint:
        raise DeployError(
            _("the daemon refuses the new configuration; nothing changed:\n{error}").format(
                error=complaint
            )
        )
    log.append(f"{daemon.name} accepts {new_config}")
    before = {name for name, up in daemon.sessions().items() if up}
    previous = _keep(history, target, "previous") if target.exists() else None
    _swap(new_config, target)
    log.append(f"swapped {target}")

    def rollback(why: str) -> DeployError:
        if previous is None:
            return DeployError(_("{why}; no previous configuration to restore").format(why=why))
        _swap(previous, target)
        again = daemon.reload()
        state = (
            _("restored the last good configuration")
            if again is None
            else _("restoring the last good configuration failed too: {error}").format(error=again)
        )
        return DeployError(f"{why}; {state} ({previous.name})")

    complaint = daemon.reload()
    if complaint:
        raise rollback(_("reload failed: {error}").format(error=complaint))
    log.append("reloaded")
    up: set[str] = set()
    if require_sessions and before:
        deadline = time.monotonic() + timeout
        delay = 0.1
        while True:
            up = {name for name, ok in daemon.sessions().items() if ok}
            if before <= up:
                break
            if time.monotonic() > deadline:
                missing = ", ".join(sorted(before - up))
                raise rollback(
                    _("sessions did not come back within {seconds:.0f} s: {names}").format(
                        seconds=timeout, names=missing
                    )
                )
            time.sleep(delay)
            delay = min(delay * 1.5, 2.0)
        log.append(f"{len(before)} sessions back up")
    deployed = _keep(history, target, "deployed")
    (history / "last-good").write_text(deployed.name + "\n")
    _prune(history, keep)
    return DeployResult(deployed=deployed, previous=previous, sessions_up=len(up), log=log)
