"""``lakou doctor``: is this installation healthy, and if not, what to do about it.

Each check gives ``ok``, ``warn`` (works, but look) or ``fail`` (something lakou needs is
broken), a line of detail and, unless ok, the command or setting that fixes it. Checked:
the configuration file's permissions (it may hold the secret key), the data directory and
the database files, the database reachable and migrated, the route servers' control
sockets, the IRR server and the RPKI source reachable (short timeouts), free disk space,
the clock synchronised, and the scheduled jobs' last outcomes. Network checks only open
a TCP connection: they say "reachable", not "answers well" (the jobs say that).
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lakou.i18n import gettext as _

OK, WARN, FAIL = "ok", "warn", "fail"
MIN_FREE_BYTES = 1 << 30  # below 1 GiB or 5 % free: fail; below 10 %: warn


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class Checkup:
    """Every check of :func:`checkup`, and the verdict: ``problems`` is "" when healthy,
    else the line naming the failed checks (the command then exits 1)."""

    checks: list[Check]

    @property
    def problems(self) -> str:
        failed = [c for c in self.checks if c.status == FAIL]
        if not failed:
            return ""
        return _("{n} problem(s) to fix: {names}").format(
            n=len(failed), names=", ".join(dict.fromkeys(c.name for c in failed))
        )


def checkup(config: Any, config_file: Path | None, timeout: float = 3.0) -> Checkup:
    """All of ``lakou doctor``: :func:`run_checks` and its verdict."""
    return Checkup(run_checks(config, config_file, timeout))


def run_checks(config: Any, config_file: Path | None, timeout: float = 3.0) -> list[Check]:
    """Every check, in the order a person would fix things (Django set up by the caller)."""
    checks: list[Check] = []
    checks += check_config_file(config_file, config)
    checks += check_data_dir(Path(config.core.data_dir))
    database = check_database()
    checks += database
    if all(c.status == OK for c in database):
        checks += check_migrations()
        checks += check_jobs()
    checks += check_sockets(config)
    checks += check_irr(config, timeout)
    checks += check_rpki(config, timeout)
    checks += check_disk(Path(config.core.data_dir))
    checks += check_clock()
    return checks


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def check_config_file(path: Path | None, config: Any = None) -> list[Check]:
    if path is None:
        return [
            Check(
                "config",
                WARN,
                _("no lakou.yml: running on the defaults"),
                _("scripts/install-production writes /etc/lakou/lakou.yml"),
            )
        ]
    mode = _mode(path)
    if mode & 0o007:
        secret = config is not None and bool(
            config.portal.secret_key
            or "@" in (config.core.database_url or "")
            or config.flows.clickhouse.password
            or config.registry.peeringdb.api_key
        )
        text = (
            _("{path} is readable by every user (mode {mode:04o}) and holds secrets")
            if secret
            else _("{path} is readable by every user (mode {mode:04o})")
        )
        return [
            Check(
                "config",
                FAIL if secret else WARN,
                text.format(path=path, mode=mode),
                f"chmod 0640 {path} && chown root:lakou {path}",
            )
        ]
    return [Check("config", OK, _("{path} (mode {mode:04o})").format(path=path, mode=mode))]


def check_data_dir(data_dir: Path) -> list[Check]:
    if not data_dir.is_dir():
        return [
            Check(
                "data_dir",
                FAIL,
                _("{path} does not exist").format(path=data_dir),
                f"install -d -m 0750 -o lakou -g lakou {data_dir}",
            )
        ]
    out: list[Check] = []
    if not os.access(data_dir, os.W_OK | os.X_OK):
        out.append(
            Check(
                "data_dir",
                FAIL,
                _("{path} is not writable by this user").format(path=data_dir),
                f"chown -R lakou:lakou {data_dir}",
            )
        )
    mode = _mode(data_dir)
    if mode & 0o007:
        out.append(
            Check(
                "data_dir",
                FAIL,
                _("{path} is open to every user (mode {mode:04o})").format(
                    path=data_dir, mode=mode
                ),
                f"chmod 0750 {data_dir}",
            )
        )
    for name in ("lakou.sqlite3", "secret_key", "peeringdb.sqlite3"):
        path = data_dir / name
        if path.is_file() and _mode(path) & 0o007:
            out.append(
                Check(
                    "data_dir",
                    FAIL,
                    _("{path} is readable by every user (mode {mode:04o})").format(
                        path=path, mode=_mode(path)
                    ),
                    f"chmod 0600 {path}",
                )
            )
    return out or [
        Check("data_dir", OK, _("{path} (mode {mode:04o})").format(path=data_dir, mode=mode))
    ]


def check_database() -> list[Check]:
    from django.db import DatabaseError, connection

    where = connection.settings_dict.get("NAME")
    try:
        connection.ensure_connection()
    except DatabaseError as exc:
        return [
            Check(
                "database",
                FAIL,
                _("cannot connect to {engine} {name}: {error}").format(
                    engine=connection.vendor, name=where, error=str(exc).strip().splitlines()[0]
                ),
                _("check core.database_url (or $LAKOU_DATABASE_URL) and that the server runs"),
            )
        ]
    return [
        Check(
            "database",
            OK,
            _("{engine} {name} reachable").format(engine=connection.vendor, name=where),
        )
    ]


def check_migrations() -> list[Check]:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _backwards in plan[:5])
        more = f" (+{len(plan) - 5})" if len(plan) > 5 else ""
        return [
            Check(
                "migrations",
                FAIL,
                _("{n} migration(s) not applied: {names}").format(n=len(plan), names=names + more),
                "lakou db migrate",
            )
        ]
    return [Check("migrations", OK, _("every migration applied"))]


def check_jobs() -> list[Check]:
    from lakou.operations.jobs import FAILED, JOBS
    from lakou.operations.models import JobRun

    out = []
    for name in JOBS:
        last = JobRun.objects.filter(job=name).first()
        if last is not None and last.outcome == FAILED:
            out.append(
                Check(
                    f"job {name}",
                    WARN,
                    _("last run failed at {when:%Y-%m-%d %H:%M} UTC: {message}").format(
                        when=last.started_at, message=last.message[:300]
                    ),
                    f"lakou jobs last {name}; lakou jobs run {name}",
                )
            )
    return out or [Check("jobs", OK, _("no job failed on its last run"))]


def _unix_socket(path: Path, timeout: float) -> str:
    """'' when a connection opens, else why not."""
    if not path.exists():
        return _("{path} does not exist").format(path=path)
    if not stat.S_ISSOCK(path.stat().st_mode):
        return _("{path} is not a socket").format(path=path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(str(path))
    except OSError as exc:
        return f"{path}: {exc.strerror or exc}"
    finally:
        sock.close()
    return ""


def check_sockets(config: Any, timeout: float = 2.0) -> list[Check]:
    rs = config.routeserver
    sockets: dict[Path, str] = {}
    for endpoint in rs.route_servers:
        sockets.setdefault(Path(endpoint.socket), endpoint.name)
    for server in rs.deploy_servers:
        sockets.setdefault(Path(server.control_socket), server.name)
    if not sockets:
        return [
            Check(
                "route servers",
                WARN,
                _("no route server configured (routeserver.route_servers, deploy_servers)"),
                _("name each route server and its control socket in lakou.yml"),
            )
        ]
    out = []
    for path, name in sockets.items():
        problem = _unix_socket(path, timeout)
        if problem:
            out.append(
                Check(
                    f"socket {name}",
                    FAIL,
                    problem,
                    _(
                        "start the daemon (systemctl start bird), check the path, and that "
                        "lakou may use it (group bird: run install-production again)"
                    ),
                )
            )
        else:
            out.append(Check(f"socket {name}", OK, _("{path} answers").format(path=path)))
    return out


def _tcp(host: str, port: int, timeout: float) -> str:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return ""
    except OSError as exc:
        return f"{host}:{port}: {exc.strerror or exc}"


def check_irr(config: Any, timeout: float) -> list[Check]:
    rs = config.routeserver
    if rs.rpsl_dir is not None:
        if Path(rs.rpsl_dir).is_dir():
            return [Check("IRR", OK, _("local RPSL files in {path}").format(path=rs.rpsl_dir))]
        return [
            Check(
                "IRR",
                FAIL,
                _("{path} does not exist").format(path=rs.rpsl_dir),
                _("fix routeserver.rpsl_dir"),
            )
        ]
    host, _sep, port = rs.irr_server.rpartition(":")
    problem = _tcp(host.strip("[]"), int(port), timeout) if port.isdigit() else rs.irr_server
    if problem:
        return [
            Check(
                "IRR",
                FAIL,
                _("IRR server not reachable: {error}").format(error=problem),
                _("check routeserver.irr_server and the firewall (TCP {port} out)").format(
                    port=port
                ),
            )
        ]
    return [Check("IRR", OK, _("{server} reachable").format(server=rs.irr_server))]


def check_rpki(config: Any, timeout: float) -> list[Check]:
    from lakou.routeserver import Policy, PolicyError, load_policy

    rs = config.routeserver
    try:
        policy = load_policy(Path(rs.policy_file)) if rs.policy_file else Policy()
    except PolicyError as exc:
        return [Check("RPKI", FAIL, str(exc), _("fix routeserver.policy_file"))]
    rpki = policy.rpki
    if not rpki.enabled:
        return [
            Check("RPKI", WARN, _("RPKI validation is off in the policy"), "rpki.enabled: true")
        ]
    if rs.rpki_json is not None or rpki.source == "file":
        path = Path(rs.rpki_json) if rs.rpki_json else None
        if path is None or not path.is_file():
            return [
                Check(
                    "RPKI",
                    FAIL,
                    _("ROA file missing: {path}").format(path=path or "routeserver.rpki_json"),
                    _("run rpki-client or Routinator to write it, or set routeserver.rpki_json"),
                )
            ]
        return [Check("RPKI", OK, _("ROA file {path}").format(path=path))]
    problem = _tcp(rpki.rtr_host, rpki.rtr_port, timeout)
    if problem:
        return [
            Check(
                "RPKI",
                FAIL,
                _("RTR server not reachable: {error}").format(error=problem),
                _("start the RTR server (systemctl start stayrtr) or fix rpki.rtr_host/rtr_port"),
            )
        ]
    return [
        Check(
            "RPKI",
            OK,
            _("RTR server {host}:{port} reachable").format(host=rpki.rtr_host, port=rpki.rtr_port),
        )
    ]


def check_disk(data_dir: Path) -> list[Check]:
    where = data_dir if data_dir.exists() else data_dir.parent
    if not where.exists():
        return []
    usage = shutil.disk_usage(where)
    share = usage.free / usage.total if usage.total else 0.0
    detail = _("{free:.1f} GiB free on {path} ({share:.0%})").format(
        free=usage.free / (1 << 30), path=where, share=share
    )
    if usage.free < MIN_FREE_BYTES or share < 0.05:
        fix = _("free space: old backups in /var/backups/lakou, flows.retention_days_*")
        return [Check("disk", FAIL, detail, fix)]
    if share < 0.10:
        return [Check("disk", WARN, detail, _("less than 10% free: plan for more space"))]
    return [Check("disk", OK, detail)]


def check_clock() -> list[Check]:
    """BGP sessions, RPKI validity, TLS and flow dating all need the right time."""
    if shutil.which("timedatectl") is None:
        return [Check("clock", WARN, _("cannot tell: no timedatectl"))]
    try:
        done = subprocess.run(
            ["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Check("clock", WARN, _("cannot tell: {error}").format(error=exc))]
    answer = done.stdout.strip()
    if done.returncode != 0 or answer not in ("yes", "no"):
        why = (done.stderr.strip().splitlines() or [answer or "?"])[0]
        return [Check("clock", WARN, _("cannot tell: {error}").format(error=why))]
    if answer == "no":
        return [
            Check(
                "clock",
                FAIL,
                _("the clock is not synchronised"),
                "apt-get install systemd-timesyncd && timedatectl set-ntp true",
            )
        ]
    return [Check("clock", OK, _("synchronised (NTP)"))]
