"""What the flow commands run: the intake, the collector, the store's upkeep.

:func:`open_intake` assembles what the live collector and ``lakou flows replay`` feed:
the flow store, the enricher (members and MACs of the exchanges, the prefix table), the
LAN hygiene sink beside the store with the bilateral-BGP detector around it
(:class:`~lakou.flows.bgp_sessions.BgpSessionSink`, when members have peering-LAN
addresses), and the pipeline. :func:`run_collector` is the whole ``collect``: it gathers
the exporters it hears (lakou.yml, the command line, the registry's switches: refused
when there are none, before the store is opened), opens the intake, binds the
listeners, says where it listens, runs until SIGINT or SIGTERM, stops without losing
what it received and returns its counters. :func:`replay_captures` is the whole
``replay``: the intake, the captures through its pipeline, the store flushed and closed,
the summary. :func:`report_from_store` is ``report``'s figures, read from the store.
:func:`maintain_store` rolls finished minutes up and applies retention, to the LAN
tables beside the store too.

What a command asks is one typed request: :class:`IntakeRequest` (the store, the
prefix table, the clock-skew rule, the LAN sink) and, for the collector,
:class:`CollectRequest` (the listeners and the exporters it allows besides).

The LAN hygiene side is given as functions (``lakou.lan.lan_recorder``,
``lakou.lan.expire_lan_tables``), so this engine does not import the LAN hygiene
component, which imports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakou.i18n import gettext as _

if TYPE_CHECKING:
    from lakou.exchange import Exchange
    from lakou.flows.config import Config, Listener
    from lakou.flows.pipeline import LanSink, Pipeline
    from lakou.flows.store import FlowStore
    from lakou.flows.traffic_report import TrafficReport
    from lakou.flows.trust import ExporterAllowList


class CollectorError(ValueError):
    """A setting or an input the collector cannot apply; the message names it."""


# The LAN hygiene sink writing under a flow store's directory: lakou.lan.lan_recorder.
LanSinkFactory = Callable[[Path], "LanSink"]


@dataclass(frozen=True)
class IntakeRequest:
    """What ``replay`` and ``collect`` ask of the intake, over lakou.yml's ``flows``:
    the store (``store_dir``, ``backend``), the prefix table file, the clock-skew rule
    (``max_clock_skew`` seconds, ``clock_skew_action`` ``redate`` or ``drop``) and the
    LAN hygiene sink made beside the store (None: the LAN tables are not kept)."""

    store_dir: str | None = None
    backend: str | None = None
    prefixes: str | None = None
    max_clock_skew: int | None = None
    clock_skew_action: str | None = None
    lan_sink: LanSinkFactory | None = None


@dataclass(frozen=True)
class CollectRequest:
    """What ``collect`` asks: the intake, the ``listeners`` (none: ``flows.listeners``),
    and the exporters allowed besides lakou.yml's: ``allow`` (``--allow-exporter``) and
    the registry's ``switches``."""

    intake: IntakeRequest = IntakeRequest()
    listeners: tuple[Listener, ...] = ()
    allow: tuple[str, ...] = ()
    switches: tuple[str, ...] = ()


@dataclass
class Intake:
    """The store, the pipeline writing to it, and the LAN sink beside it."""

    store: FlowStore
    pipeline: Pipeline
    lan: LanSink | None
    lan_where: str  # where the LAN tables go, or why they are not kept

    @property
    def lan_frames(self) -> dict[str, int]:
        """The LAN sink's counters (frames per kind), empty without one."""
        return dict(getattr(self.lan, "counters", None) or {})


def open_intake(
    config: Config,
    data_dir: Path,
    exchanges: Iterable[Exchange],
    request: IntakeRequest = IntakeRequest(),
) -> Intake:
    """The store ``config`` (the ``flows`` section) and ``request`` name, the pipeline
    writing to it (the request's clock-skew rule over the section's), and the LAN sink
    the request's ``lan_sink`` makes beside it (None: not kept).

    Raises :class:`~lakou.flows.store.FlowStoreError` when the store cannot be opened and
    :class:`CollectorError` when the prefix table cannot be read (the message names it).
    """
    from lakou.flows.bgp_sessions import BgpSessionSink
    from lakou.flows.enrich import Enricher
    from lakou.flows.pipeline import Pipeline
    from lakou.flows.store import open_store, store_location

    store_dir, backend, lan_sink = request.store_dir, request.backend, request.lan_sink
    store = open_store(config, data_dir, store_dir, backend)
    try:
        enricher = Enricher.from_config(config, exchanges, request.prefixes)
    except (ValueError, OSError) as exc:  # the prefix table: PrefixIndexError names it
        store.close()
        raise CollectorError(str(exc)) from None
    # The LAN tables and the bilateral sessions are files beside the flow store; with
    # ClickHouse they need a directory (--store DIR or flows.store_dir).
    directory = store_location(config, data_dir, store_dir, backend).directory
    lan: LanSink | None = None
    if lan_sink is None:
        lan_where = _("not kept (--no-lan)")
    elif directory is None:
        lan_where = _(
            "not kept: with the clickhouse store, give --store DIR (or flows.store_dir) "
            "for the LAN hygiene tables"
        )
    else:
        lan, lan_where = lan_sink(directory), str(directory / "lan")
    routers = enricher.members.by_lan_ip
    if routers and directory is not None:
        lan = BgpSessionSink(directory, routers, lan)
    pipeline = Pipeline.from_config(
        config, enricher, store, lan, request.max_clock_skew, request.clock_skew_action
    )
    return Intake(store, pipeline, lan, lan_where)


def replay_captures(
    config: Config,
    data_dir: Path,
    exchanges: Iterable[Exchange],
    request: IntakeRequest,
    pcaps: Sequence[str | Path],
    *,
    now: bool = False,
    advance: Callable[[int], object] = lambda nbytes: None,
    warn: Callable[[str], object] = lambda message: None,
) -> dict[str, Any]:
    """All of ``lakou flows replay``: the intake ``request`` names (:func:`open_intake`),
    each of ``pcaps`` through its pipeline (``flows.batch_datagrams`` datagrams at a
    time, dated by the capture or, with ``now``, by the clock), the store flushed and
    closed; returns the summary (:func:`~lakou.flows.capture_replay.replay_summary`).
    ``advance`` is told the capture bytes read, ``warn`` each capture that breaks (the
    datagrams read before the break are kept). Raises :class:`CollectorError` and
    :class:`~lakou.flows.store.FlowStoreError` (nothing is replayed)."""
    from lakou.flows.capture_replay import replay, replay_summary

    intake = open_intake(config, data_dir, exchanges, request)
    pipeline = intake.pipeline
    try:
        stats = replay(
            pipeline,
            pcaps,
            now=now,
            batch_size=config.batch_datagrams,
            advance=advance,
            warn=warn,
        )
        pipeline.flush()
    finally:
        intake.store.close()
    return replay_summary(pipeline, stats, intake.lan_where, intake.lan_frames)


def report_from_store(
    config: Config,
    data_dir: Path,
    exchanges: Iterable[Exchange],
    store_dir: str | None = None,
    backend: str | None = None,
    since: int | None = None,
    until: int | None = None,
) -> TrafficReport:
    """``lakou flows report``'s figures: the report of ``[since, until)`` (``since``
    None: the whole store; ``until`` None: now) from the store ``store_dir`` and
    ``backend`` name, members named after ``exchanges``. Raises
    :class:`~lakou.flows.store.FlowStoreError`."""
    import time

    from lakou.flows.enrich import MemberTable
    from lakou.flows.reporting import build_report
    from lakou.flows.store import open_store

    names = MemberTable.from_exchanges(exchanges).names
    store = open_store(config, data_dir, store_dir, backend)
    try:
        end = int(time.time()) if until is None else until
        return build_report(store, config, since or 0, end, names)
    finally:
        store.close()


def allowed_exporters(
    config: Config, given: Sequence[str] = (), switches: Sequence[str] = ()
) -> ExporterAllowList:
    """The exporters the collector takes datagrams from: ``flows.exporters``,
    ``flows.allowed_exporters``, ``given`` (``--allow-exporter``) and the registry's
    ``switches``. Raises :class:`CollectorError` on an entry that is not an address or
    a prefix (named with where it comes from), or when none is allowed."""
    from lakou.flows.trust import ExporterAllowList, ExporterListError

    entries = [(e.address, f"flows.exporters[{i}]") for i, e in enumerate(config.exporters)]
    entries += [
        (a, f"flows.allowed_exporters[{i}]") for i, a in enumerate(config.allowed_exporters)
    ]
    entries += [(a, "--allow-exporter") for a in given]
    entries += [(a, _("registry switch")) for a in switches]
    try:
        allowed = ExporterAllowList.from_entries(entries)
    except ExporterListError as exc:
        raise CollectorError(str(exc)) from None
    if not allowed:
        raise CollectorError(
            _(
                "no exporter is allowed to send flows: name them with --allow-exporter "
                "ADDRESS|PREFIX, in flows.allowed_exporters or flows.exporters of lakou.yml, "
                "or give the switches a management address in the registry (--registry)"
            )
        )
    return allowed


def run_collector(
    config: Config,
    data_dir: Path,
    exchanges: Iterable[Exchange],
    request: CollectRequest = CollectRequest(),
    say: Callable[[str], object] = print,
) -> dict[str, Any]:
    """Collect until SIGINT or SIGTERM; returns the collector's counters.

    The request's ``listeners`` (default ``flows.listeners``) are bound once the
    exporters are known (:func:`allowed_exporters` of its ``allow`` and ``switches``) and
    the intake is open (:func:`open_intake`). ``say`` is told each listening address,
    a socket buffer smaller than asked, the exporters allowed and where the LAN tables
    go. Raises :class:`CollectorError` (nothing is listened to) and
    :class:`~lakou.flows.store.FlowStoreError`.
    """
    import asyncio  # the collector's alone: replay and report start without it (20 ms)

    allowed = allowed_exporters(config, request.allow, request.switches)
    intake = open_intake(config, data_dir, exchanges, request.intake)
    listeners = list(request.listeners or config.listeners)
    try:
        return asyncio.run(_collect(config, data_dir, intake, listeners, allowed, say))
    finally:
        intake.store.close()


async def _collect(
    config: Config,
    data_dir: Path,
    intake: Intake,
    listeners: list[Listener],
    allowed: ExporterAllowList,
    say: Callable[[str], object],
) -> dict[str, Any]:
    import asyncio
    import signal

    from lakou.flows.inlet import Collector
    from lakou.metrics import metrics_dir

    collector = Collector(
        intake.pipeline,
        listeners,
        exporters=allowed,
        queue_limit=config.queue_datagrams,
        batch=config.batch_datagrams,
        batch_seconds=config.batch_seconds,
        flush_seconds=config.flush_seconds,
        socket_buffer=config.socket_buffer_bytes,
        metrics_file=metrics_dir(data_dir) / "collector.prom",
    )
    try:
        await collector.start()
    except OSError as exc:
        await collector.stop()
        raise CollectorError(
            _("cannot listen on {listeners}: {error}").format(
                listeners=", ".join(f"{x.address}:{x.port}" for x in listeners),
                error=exc.strerror or exc,
            )
        ) from None
    collector.write_metrics()
    for (host, port), granted in zip(collector.bound, collector.socket_buffers, strict=True):
        say(_("listening on {host} port {port}").format(host=host, port=port))
        if granted < config.socket_buffer_bytes:
            say(
                _(
                    "socket buffer: {asked} bytes asked (flows.socket_buffer_bytes), "
                    "{granted} granted; raise net.core.rmem_max, or a burst is lost "
                    "(counted as kernel_drops)"
                ).format(asked=config.socket_buffer_bytes, granted=granted)
            )
    say(_("exporters allowed: {exporters}").format(exporters=", ".join(allowed.describe())))
    say(_("LAN hygiene tables: {where}").format(where=intake.lan_where))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await collector.stop()
    summary = collector.summary()
    summary["lan_frames"] = intake.lan_frames
    return summary


def maintain_store(
    config: Config,
    data_dir: Path,
    now: int,
    *,
    store_dir: str | None = None,
    backend: str | None = None,
    expire_beside: Callable[[Path, int, int], int] | None = None,
) -> tuple[int, int]:
    """Roll finished minutes up into hours and days and remove partitions past
    ``flows.retention_days_*``; ``expire_beside(directory, now, days)`` (the LAN hygiene
    tables, kept as long as hour sums) is applied beside a store that has a directory.
    Returns the roll-ups written and the partitions removed."""
    from lakou.flows.store import open_store, store_location

    store = open_store(config, data_dir, store_dir, backend)
    try:
        made = store.rollup(now)
        removed = store.expire(
            now,
            {
                "minute": config.retention_days_minute,
                "hour": config.retention_days_hour,
                "day": config.retention_days_day,
            },
        )
    finally:
        store.close()
    directory = store_location(config, data_dir, store_dir, backend).directory
    if expire_beside is not None and directory is not None:
        removed += expire_beside(directory, now, config.retention_days_hour)
    return made, removed
