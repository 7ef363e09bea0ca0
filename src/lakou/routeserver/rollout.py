"""Deploy route-server configurations: all of ``lakou rs deploy`` in one call.

The command line puts its options in a :class:`DeployRequest` as given (None when not
given); :func:`run_deploy` takes each missing one from lakou.yml's ``routeserver``
section: the route gate (``max_drop_share``, ``settle_seconds``), the history directory
(default ``<data_dir>/routeserver/history``), the session timeout, and for a staged
deploy the servers (``--to NAME=NEW[,TARGET,SOCKET]`` or every server of ``--exchange
SLUG`` in ``deploy_servers``). It then deploys one configuration (:func:`deploy`) or each
server in turn (:func:`deploy_staged`), and leaves the figures of each successful deploy
for ``/metrics`` (never fatal: a :class:`DeployRun` names what could not be written).

Two errors, each for the caller to say: :class:`DeployRefused` (the request as given
cannot be carried out; the message names the option; nothing was touched) and
:class:`DeployError` (one configuration not deployed; what was restored is in the
message). A staged deploy does not raise on a server's failure: its outcomes say it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from lakou.i18n import gettext as _
from lakou.routeserver.config import Config
from lakou.routeserver.deploy import Bird, Daemon, DeployResult, OpenBgpd, RouteGate, deploy
from lakou.routeserver.exposition import record_deploy
from lakou.routeserver.staged import Stage, StageOutcome, deploy_staged

__all__ = ["DeployRefused", "DeployRequest", "DeployRun", "run_deploy"]


class DeployRefused(ValueError):
    """The deploy asked for cannot be carried out as given; nothing was touched."""


@dataclass(frozen=True)
class DeployRequest:
    """What ``rs deploy`` is asked: each option as given, None where lakou.yml decides.

    One configuration (``config_file`` to ``target`` through ``socket``), or a staged
    deploy: ``stages`` (``NAME=NEW[,TARGET,SOCKET]``, in order) or every server of
    ``exchange`` in ``deploy_servers``.
    """

    config_file: Path | None = None
    daemon: str | None = None
    target: Path | None = None
    socket: Path | None = None
    history: Path | None = None
    stages: tuple[str, ...] = ()
    exchange: str | None = None
    timeout: float | None = None
    require_sessions: bool = True
    max_drop_share: float | None = None
    settle: float | None = None
    check_routes: bool = True
    force: bool = False


@dataclass(frozen=True)
class DeployRun:
    """What a deploy did: one ``result``, or the ``outcomes`` of a staged deploy."""

    result: DeployResult | None = None  # one configuration deployed
    outcomes: list[StageOutcome] = field(default_factory=list)  # staged, one per server
    # /metrics figures that could not be written, by server name (the deploy stands)
    metrics_errors: dict[str, OSError] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """A staged deploy stopped at a failure."""
        return any(o.error for o in self.outcomes)


def run_deploy(settings: Config, data_dir: Path, request: DeployRequest) -> DeployRun:
    """Deploy what ``request`` asks: one configuration, or each server of a staged deploy.

    ``settings`` is the ``routeserver`` section, which fills every option left None;
    ``data_dir`` is ``core.data_dir`` (the default history, the metrics).
    """
    r = request
    gate = RouteGate(
        max_drop_share=settings.max_drop_share if r.max_drop_share is None else r.max_drop_share,
        settle=r.settle or settings.settle_seconds,
        force=r.force,
        enabled=r.check_routes,
    )
    hist = r.history or settings.history_dir or data_dir / "routeserver" / "history"
    wait = r.timeout or settings.session_timeout
    if r.stages or r.exchange:
        if r.config_file or r.target or r.socket:
            raise DeployRefused(
                _("with --to or --exchange, give no CONFIG_FILE, --target or --socket")
            )
        plan = _staged_plan(settings, r.stages, r.exchange, r.daemon, r.history, hist)
        outcomes = deploy_staged(
            plan,
            timeout=wait,
            keep=settings.history_keep,
            require_sessions=r.require_sessions,
            gate=gate,
        )
        errors = {}
        for outcome in outcomes:
            if outcome.result is not None:
                error = _record(data_dir, outcome.name, outcome.seconds, outcome.result)
                if error is not None:
                    errors[outcome.name] = error
        return DeployRun(outcomes=outcomes, metrics_errors=errors)
    if r.config_file is None:
        raise DeployRefused(_("give CONFIG_FILE, or --to NAME=FILE, or --exchange SLUG"))
    target = r.target or settings.config_path
    sock = r.socket or settings.control_socket
    started = time.monotonic()
    result = deploy(
        r.config_file,
        target,
        _daemon(r.daemon or settings.daemon, sock, target),
        hist,
        timeout=wait,
        keep=settings.history_keep,
        require_sessions=r.require_sessions,
        gate=gate,
    )
    error = _record(data_dir, target.stem, time.monotonic() - started, result)
    return DeployRun(result=result, metrics_errors={target.stem: error} if error else {})


def _record(data_dir: Path, name: str, seconds: float, result: DeployResult) -> OSError | None:
    """Leave the figures of a successful deploy for /metrics (never fatal)."""
    try:
        record_deploy(data_dir, name, seconds, result)
    except OSError as exc:
        return exc
    return None


def _daemon(kind: str, socket: Path, target: Path) -> Daemon:
    if kind not in ("bird2", "openbgpd"):
        raise DeployRefused(
            _("unknown daemon {name!r} (routeserver.daemon): bird2 or openbgpd").format(name=kind)
        )
    return Bird(socket=socket) if kind == "bird2" else OpenBgpd(socket, target)


def _staged_plan(
    settings: Config,
    specs: tuple[str, ...],
    exchange: str | None,
    daemon: str | None,
    explicit_history: Path | None,
    hist: Path,
) -> list[Stage]:
    """The servers of a staged deploy, in order, from --to specs or the exchange's list."""
    known = {s.name: s for s in settings.deploy_servers}
    out: list[Stage] = []
    if exchange:
        if specs:
            raise DeployRefused(_("give either --exchange or --to, not both"))
        servers = [s for s in settings.deploy_servers if s.exchange == exchange]
        if not servers:
            raise DeployRefused(
                _("no route server of exchange {slug!r} in routeserver.deploy_servers").format(
                    slug=exchange
                )
            )
        for server in servers:
            if server.new_config is None:
                raise DeployRefused(
                    _("routeserver.deploy_servers: {name} has no new_config to deploy").format(
                        name=server.name
                    )
                )
            specs += (f"{server.name}={server.new_config}",)
    seen: set[str] = set()
    for spec in specs:
        name, sep, rest = spec.partition("=")
        parts = rest.split(",")
        if not sep or not name or len(parts) not in (1, 3) or not all(parts):
            raise DeployRefused(
                _("--to {spec!r}: expected NAME=NEW or NAME=NEW,TARGET,SOCKET").format(spec=spec)
            )
        if name in seen:
            raise DeployRefused(_("--to: {name} given twice").format(name=name))
        seen.add(name)
        new = Path(parts[0])
        if not new.is_file():
            raise DeployRefused(_("--to {name}: no such file: {path}").format(name=name, path=new))
        if len(parts) == 3:
            kind = daemon or settings.daemon
            tgt, sock, history = Path(parts[1]), Path(parts[2]), hist / name
        elif name in known:
            server = known[name]
            kind = daemon or server.daemon or settings.daemon  # the command line first
            tgt, sock = server.config_path, server.control_socket
            history = hist / name if explicit_history else server.history_dir or hist / name
        else:
            raise DeployRefused(
                _(
                    "--to {name}: not in routeserver.deploy_servers; give NAME=NEW,TARGET,SOCKET"
                ).format(name=name)
            )
        out.append(Stage(name, new, tgt, _daemon(kind, sock, tgt), history))
    return out
