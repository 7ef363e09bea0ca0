"""The scheduled jobs: what each runs, as ordinary ``lakou`` command lines.

A job is the list of commands a person would type, so a failed job is repeated by hand
with the same lines (the record shows them), and each command keeps its own checks: the
route-server build refuses a configuration with missing IRR data, the staged deploy stops
at the first route server that fails the gate and rolls it back. Steps run as child
processes with the job's configuration, one after the other; the first that fails ends
the job. No Django here: the record is ``record.py``'s business.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lakou.i18n import gettext as _

SUCCEEDED = "succeeded"
FAILED = "failed"
RUNNING = "running"


class JobError(Exception):
    """The job cannot be started as configured (the message says which setting)."""


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    steps: Callable[..., list[list[str]]]  # configuration -> lakou argument lists
    # Only for exchanges with members' changes waiting (``record.waiting_exchanges``): the
    # steps get them as ``only``, and with none waiting the run succeeds doing nothing.
    only_waiting: bool = False


@dataclass
class Outcome:
    ok: bool
    message: str
    steps: list[str] = field(default_factory=list)  # the command lines that ran


def _rs_refresh(config: Any, only: Collection[str] | None = None) -> list[list[str]]:
    """For each exchange in routeserver.deploy_servers (or those of ``only``): build each
    server's config (fresh IRR and RPKI data, the last good data kept where a source
    fails), then one staged deploy over them."""
    servers = config.routeserver.deploy_servers
    if only is not None:
        servers = [s for s in servers if s.exchange in only]
        if not servers:
            raise JobError(
                _(
                    "members' changes wait on {slugs}, but no route server of "
                    "routeserver.deploy_servers belongs to them"
                ).format(slugs=", ".join(sorted(only)))
            )
    if not servers:
        raise JobError(
            _(
                "no route server to refresh: routeserver.deploy_servers is empty "
                "(name each server with its exchange and new_config)"
            )
        )
    steps: list[list[str]] = []
    exchanges: list[str] = []
    for server in servers:
        if not server.exchange or server.new_config is None:
            raise JobError(
                _("routeserver.deploy_servers: {name} needs exchange and new_config").format(
                    name=server.name
                )
            )
        daemon = server.daemon or config.routeserver.daemon
        build = ["rs", "build", "--exchange", server.exchange, "--route-server", server.name]
        steps.append([*build, "--daemon", daemon, "--out", str(server.new_config)])
        if server.exchange not in exchanges:
            exchanges.append(server.exchange)
    steps += [["rs", "deploy", "--exchange", slug] for slug in exchanges]
    return steps


def _peeringdb_sync(config: Any) -> list[list[str]]:
    return [["peeringdb", "sync"]]


def _flows_rollup(config: Any) -> list[list[str]]:
    return [["flows", "maintain"]]


def _territory_refresh(config: Any) -> list[list[str]]:
    prefixes = config.flows.prefixes_file or str(
        Path(config.core.data_dir) / "territory" / "prefixes.csv"
    )
    return [
        ["territory", "update"],
        ["territory", "build", "--registry", "--format", "csv", "--out", prefixes],
    ]


def _key_reminders(config: Any) -> list[list[str]]:
    return [["user", "remind-keys"]]


def backup_dir(config: Any) -> Path:
    return Path(config.jobs.backup_dir or Path(config.core.data_dir) / "backups")


def _backup(config: Any) -> list[list[str]]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return [["backup", "--out", str(backup_dir(config) / f"lakou-{stamp}")]]


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job(
            "rs-refresh",
            "Refresh IRR and RPKI data, rebuild every route server, staged safe deploy.",
            _rs_refresh,
        ),
        Job(
            "rs-changes",
            "Rebuild and deploy the route servers of exchanges where members changed their "
            "routing (self-service); nothing when no change waits.",
            _rs_refresh,
            only_waiting=True,
        ),
        Job("peeringdb-sync", "Incremental sync of the local PeeringDB cache.", _peeringdb_sync),
        Job(
            "flows-rollup",
            "Roll flow minutes up to hours and days; apply retention.",
            _flows_rollup,
        ),
        Job(
            "territory-refresh",
            "Download the territory's public files again and rebuild its prefix table.",
            _territory_refresh,
        ),
        Job("backup", "Back up the registry, configuration and history.", _backup),
        Job(
            "key-reminders",
            "E-mail API-key owners before their keys expire (portal.smtp).",
            _key_reminders,
        ),
    )
}


@contextlib.contextmanager
def exclusive(data_dir: Path, name: str) -> Iterator[bool]:
    """Hold the job's lock (``<data_dir>/jobs/NAME.lock``) inside the block: True when
    this process got it, False when another run of the job holds it. A timer run and a
    hand run of rs-refresh must not deploy at the same time; the kernel frees the lock
    when its holder dies, so a crashed run never blocks the next one."""
    lock_dir = Path(data_dir) / "jobs"
    lock_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_dir / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o640)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def command_line(args: list[str], config_path: str | None) -> list[str]:
    """The child process for one step: this Python, this lakou, this configuration."""
    head = [sys.executable, "-m", "lakou"]
    if config_path:
        head += ["--config", config_path]
    return head + args


def shown(args: list[str]) -> str:
    import shlex

    return "lakou " + shlex.join(args)


def run_steps(
    steps: list[list[str]],
    config_path: str | None,
    timeout: float,
    echo: Callable[[str], None] | None = None,
) -> Outcome:
    """Run the steps in order; stop at the first failure. The message says what happened:
    the last line the last step printed, or the failing step, its exit status and the end
    of what it wrote."""
    ran: list[str] = []
    last = ""
    for args in steps:
        ran.append(shown(args))
        if echo:
            echo(f"$ {shown(args)}")
        started = time.monotonic()
        try:
            done = subprocess.run(
                command_line(args, config_path),
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
                # wide lines: a message is read whole, not wrapped at 80 columns
                env={**os.environ, "COLUMNS": os.environ.get("COLUMNS", "250")},
            )
        except subprocess.TimeoutExpired:
            return Outcome(
                False,
                _("{step}: still running after {seconds:.0f} s, stopped").format(
                    step=shown(args), seconds=timeout
                ),
                ran,
            )
        if echo:
            for line in (done.stdout + done.stderr).splitlines():
                echo(line)
        if done.returncode != 0:
            tail = _tail(done.stderr or done.stdout)
            return Outcome(
                False,
                _("{step}: failed (exit {code}) after {seconds:.1f} s: {tail}").format(
                    step=shown(args),
                    code=done.returncode,
                    seconds=time.monotonic() - started,
                    tail=tail,
                ),
                ran,
            )
        last = _tail(done.stdout or done.stderr, lines=1) or last
    return Outcome(True, last or _("done"), ran)


def _tail(text: str, lines: int = 5, limit: int = 1500) -> str:
    kept = [line.strip() for line in text.splitlines() if line.strip()][-lines:]
    out = " | ".join(kept)
    return out if len(out) <= limit else "…" + out[-limit:]
