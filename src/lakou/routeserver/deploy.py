"""Deploy a route-server configuration safely: check, swap atomically, reload, verify, roll back.

The order matters. The daemon checks the new file first (``bird -p -c``, ``bgpd -n -f``):
a file it refuses never replaces the running one. Then each session's accepted-prefix
count is read from the running daemon, the running file is kept as the last good one,
the new file takes its place in one ``rename`` (a crash leaves either the old or the new
file, never half of one), and the daemon reloads. Every session that was established
before (and is still configured) must be established again within the timeout, and once
the counts have settled the route gate (``gate.py``) compares them with the first reading:
a configuration that filters the members' routes away fails like one the daemon refuses,
unless forced. Any failure puts the last good file back, reloads it and checks that the
old counts come back, so the route server is never left filtering everything while the
deploy reports green. Every deployed file is kept in the history directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from lakou.i18n import gettext as _
from lakou.routeserver.gate import SessionRoutes, Verdict, judge, settle
from lakou.routeserver.lg.bird_parse import parse_protocols
from lakou.routeserver.lg.birdsock import BirdError, BirdSocket, ReplyLine

# What a failed deploy left running, for the staged deploy's report.
UNCHANGED = "unchanged"  # the daemon refused the file, or it could not be read: no change
RESTORED = "restored"  # rolled back to the last good file, which reloaded
NOT_RESTORED = "not restored"  # rollback failed or there was nothing to restore


class DeployError(Exception):
    """The new configuration was not deployed; the message says why and what was restored."""

    def __init__(self, message: str, state: str = UNCHANGED) -> None:
        super().__init__(message)
        self.state = state


class Daemon(Protocol):
    name: str

    def check(self, path: Path) -> str | None:
        """None when the daemon accepts the file, else its complaint."""

    def reload(self) -> str | None:
        """None when the reload succeeded, else the daemon's complaint."""

    def sessions(self) -> dict[str, bool]:
        """BGP sessions by name: established or not."""

    def routes(self) -> dict[str, SessionRoutes]:
        """BGP sessions by name: established or not, and their accepted prefixes."""

    def refresh(self, sessions: set[str]) -> set[str]:
        """Ask these sessions' members to send their routes again; those that were asked.

        Only where the new filters meet the routes through the members (BIRD's route
        refresh); a daemon that re-filters its own copy on reload returns an empty set.
        """


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
        return {name: s.up for name, s in self.routes().items()}

    def routes(self) -> dict[str, SessionRoutes]:
        # "Routes: N imported" counts what the import filter accepted; routes kept as
        # filtered ("import keep filtered") are counted apart, so N is what members get.
        try:
            with BirdSocket(self.socket, timeout=60) as bird:
                reply = bird.command("show protocols all")
        except BirdError as exc:
            raise DeployError(str(exc)) from None
        updates = _import_updates(reply)
        return {
            p.name: SessionRoutes(
                up=p.info.startswith("Established"),
                accepted=p.imported,
                client=p.description,
                received=p.imported + p.filtered,
                updates=updates.get(p.name, 0),
            )
            for p in parse_protocols(reply)
            if p.proto == "BGP"
        }

    def refresh(self, sessions: set[str]) -> set[str]:
        # BIRD re-filters a member's routes after "configure" by asking the member to send
        # them again (route refresh), and only for the channels whose filter changed; asking
        # every session gives the gate one sign per session that the new filters have run.
        # A member without route refresh is left out (BIRD restarted it if its filter changed).
        asked = set()
        try:
            with BirdSocket(self.socket, timeout=60) as bird:
                for name in sorted(sessions):
                    # "NAME: reload failed" (8006) comes before a final 0000 line.
                    try:
                        reply = bird.command(f"reload in {name}")
                    except BirdError as exc:
                        if exc.code == 0:
                            raise
                        continue
                    if not any(line.code >= 8000 for line in reply):
                        asked.add(name)
        except BirdError as exc:
            raise DeployError(str(exc)) from None
        return asked


_UPDATES = re.compile(r"^\s*Import updates:\s+(\d+)")


def _import_updates(reply: list[ReplyLine]) -> dict[str, int]:
    """``Import updates: received ...`` of each protocol in ``show protocols all``."""
    out: dict[str, int] = {}
    name = ""
    for line in reply:
        if line.code == 1002:
            name = line.text.split(maxsplit=1)[0] if line.text.strip() else ""
        elif line.code == 1006 and name:
            match = _UPDATES.match(line.text)
            if match:
                out[name] = out.get(name, 0) + int(match[1])
    return out


_BGPD_AS = re.compile(r"^\s*AS\s+(\d+)\b", re.MULTILINE)


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

    def _json(self, *args: str) -> dict[str, Any]:
        proc = subprocess.run(
            ["bgpctl", "-j", "-s", str(self.socket), *args],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if proc.returncode != 0:
            raise DeployError(f"bgpctl {' '.join(args)}: {(proc.stderr or proc.stdout).strip()}")
        try:
            data = json.loads(proc.stdout or "{}")
        except json.JSONDecodeError as exc:
            raise DeployError(f"bgpctl {' '.join(args)}: not JSON at byte {exc.pos}") from None
        return data if isinstance(data, dict) else {}

    def sessions(self) -> dict[str, bool]:
        return {name: s.up for name, s in self.routes().items()}

    def refresh(self, sessions: set[str]) -> set[str]:
        return set()  # bgpd re-filters the routes it keeps (Adj-RIB-In) on reload

    def _rs_asn(self) -> str | None:
        try:
            match = _BGPD_AS.search(self.config.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return None
        return match[1] if match else None

    def routes(self) -> dict[str, SessionRoutes]:
        # bgpd keeps filtered routes in its RIB, tagged RS:1101:x (lakou's rules never send
        # them on), so a neighbour's prefix counter counts them too: accepted is that
        # counter less the neighbour's tagged routes, which one RIB query by large
        # community lists (usually few, unlike a dump of the whole RIB).
        out: dict[str, SessionRoutes] = {}
        for n in self._json("show", "neighbor").get("neighbors", []):
            name = str(n.get("description") or n.get("remote_addr", ""))
            received = ((n.get("stats") or {}).get("prefixes") or {}).get("received", 0)
            updates = ((n.get("stats") or {}).get("update") or {}).get("received") or {}
            out[name] = SessionRoutes(
                up=str(n.get("state", "")).lower() == "established",
                accepted=int(received or 0),
                received=int(received or 0),
                updates=int(updates.get("updates", 0) or 0),
            )
        asn = self._rs_asn()
        if asn is None:
            return out
        filtered: dict[str, int] = {}
        for entry in self._json("show", "rib", "large-community", f"{asn}:1101:*").get("rib", []):
            neighbor = entry.get("neighbor") or {}
            name = str(neighbor.get("description") or neighbor.get("remote_addr", ""))
            filtered[name] = filtered.get(name, 0) + 1
        for name, n in filtered.items():
            if name in out:
                s = out[name]
                out[name] = replace(s, accepted=max(0, s.accepted - n))
        return out


@dataclass
class DeployResult:
    deployed: Path  # the history copy of the new config
    previous: Path | None
    sessions_up: int
    verdict: Verdict | None = None  # the route gate's reading (None: not checked)
    forced: bool = False  # the gate failed and --force deployed it anyway
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


@dataclass(frozen=True)
class RouteGate:
    """How the route gate judges a deploy (``routeserver.max_drop_share``, ``settle_seconds``)."""

    max_drop_share: float = 0.10
    settle: float = 5.0
    force: bool = False
    enabled: bool = True


def deploy(
    new_config: Path,
    target: Path,
    daemon: Daemon,
    history: Path,
    *,
    timeout: float = 120.0,
    keep: int = 30,
    require_sessions: bool = True,
    gate: RouteGate | None = None,
) -> DeployResult:
    """Deploy ``new_config`` to ``target`` for a running ``daemon``; roll back on failure."""
    gate = gate or RouteGate()
    log: list[str] = []
    complaint = daemon.check(new_config)
    if complaint:
        raise DeployError(
            _("the daemon refuses the new configuration; nothing changed:\n{error}").format(
                error=complaint
            )
        )
    log.append(_("{daemon} accepts {file}").format(daemon=daemon.name, file=new_config))
    before_routes = daemon.routes()
    before = {name for name, s in before_routes.items() if s.up}
    if gate.enabled:
        log.append(
            _("before: {routes} accepted routes on {sessions} sessions").format(
                routes=sum(s.accepted for s in before_routes.values()), sessions=len(before)
            )
        )
    previous = _keep(history, target, "previous") if target.exists() else None
    _swap(new_config, target)
    log.append(_("swapped {file}").format(file=target))

    def rollback(why: str, details: list[str] | None = None) -> DeployError:
        lines = [why, *(details or [])]
        if previous is None:
            lines.append(_("no previous configuration to restore"))
            return DeployError("\n".join(lines), NOT_RESTORED)
        _swap(previous, target)
        again = daemon.reload()
        if again is not None:
            lines.append(
                _("restoring the last good configuration failed too: {error}").format(error=again)
            )
            return DeployError("\n".join(lines), NOT_RESTORED)
        lines.append(_("restored the last good configuration ({name})").format(name=previous.name))
        restored = _restored_routes(daemon, before_routes, before, timeout, gate)
        if restored:
            lines.append(restored)
        return DeployError("\n".join(lines), RESTORED)

    complaint = daemon.reload()
    if complaint:
        raise rollback(_("reload failed: {error}").format(error=complaint))
    log.append(_("reloaded"))
    try:
        up, verdict, forced = _verify(daemon, before_routes, timeout, require_sessions, gate, log)
    except _Failed as exc:
        raise rollback(exc.why, exc.details) from None
    except DeployError as exc:  # the daemon could not be read after the swap
        raise rollback(str(exc)) from None
    deployed = _keep(history, target, "deployed")
    (history / "last-good").write_text(deployed.name + "\n")
    _prune(history, keep)
    return DeployResult(
        deployed=deployed,
        previous=previous,
        sessions_up=len(up),
        verdict=verdict,
        forced=forced,
        log=log,
    )


class _Failed(Exception):
    def __init__(self, why: str, details: list[str] | None = None) -> None:
        super().__init__(why)
        self.why = why
        self.details = details or []


def _verify(
    daemon: Daemon,
    before_routes: dict[str, SessionRoutes],
    timeout: float,
    require_sessions: bool,
    gate: RouteGate,
    log: list[str],
) -> tuple[set[str], Verdict | None, bool]:
    """After the reload: sessions back, then the route gate. ``_Failed`` says why not."""
    before = {name for name, s in before_routes.items() if s.up}
    up: set[str] = set()
    deadline = time.monotonic() + timeout
    if require_sessions and before:
        delay = 0.1
        while True:
            now = daemon.sessions()
            up = {name for name, ok in now.items() if ok}
            # A session the new configuration removes cannot come back; the gate names it.
            expected = {name for name in before if name in now}
            if expected <= up:
                break
            if time.monotonic() > deadline:
                missing = ", ".join(sorted(expected - up))
                raise _Failed(
                    _("sessions did not come back within {seconds:.0f} s: {names}").format(
                        seconds=timeout, names=missing
                    )
                )
            time.sleep(delay)
            delay = min(delay * 1.5, 2.0)
        log.append(_("{n} sessions back up").format(n=len(expected)))
    verdict = None
    forced = False
    if gate.enabled:
        expected_up = before if require_sessions else set()
        held = {n for n, s in before_routes.items() if s.up and s.received}
        asked = daemon.refresh(held & set(daemon.sessions()))
        after, settled = settle(
            daemon.routes,
            {n for n in expected_up if n in daemon.sessions()},
            max(deadline - time.monotonic(), gate.settle),
            gate.settle,
            refreshed={n: before_routes[n] for n in asked},
            before=before_routes,
        )
        if not settled:
            log.append(
                _("routes still changing after {seconds:.0f} s; judged on the last reading").format(
                    seconds=timeout
                )
            )
        verdict = judge(before_routes, after, gate.max_drop_share)
        log.append(verdict.summary())
        if not verdict.ok:
            why = _("the new configuration drops routes: {summary}").format(
                summary=verdict.summary()
            )
            if not gate.force:
                raise _Failed(why, verdict.details())
            forced = True
            log.append(_("--force: deployed although {why}").format(why=why))
        log.extend(verdict.details())
    return up, verdict, forced


def _restored_routes(
    daemon: Daemon,
    before_routes: dict[str, SessionRoutes],
    before_up: set[str],
    timeout: float,
    gate: RouteGate,
) -> str:
    """After a rollback: do the old counts come back? One line saying how many did."""
    if not gate.enabled:
        return ""
    try:
        # As after the deploy's reload: each member resends its routes once more (counted
        # from now), so a count still at zero is not mistaken for the restored state.
        now = daemon.routes()
        held = {n for n in before_up if before_routes[n].received and n in now}
        asked = daemon.refresh(held)
        waits = {n: replace(before_routes[n], updates=now[n].updates) for n in asked}
        again, _settled = settle(daemon.routes, before_up, timeout, gate.settle, refreshed=waits)
    except DeployError as exc:
        return _("could not read the routes after restoring: {error}").format(error=exc)
    verdict = judge(before_routes, again, gate.max_drop_share)
    if verdict.ok:
        return _("accepted routes back: {after} (before the deploy: {before})").format(
            after=verdict.after_total, before=verdict.before_total
        )
    return _(
        "after restoring, only {after} accepted routes came back (before the deploy: {before})"
    ).format(after=verdict.after_total, before=verdict.before_total)
