"""``lakou flows``: collect, decode, replay and report traffic flows."""

from __future__ import annotations

import ipaddress
import json
import sys
import time
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop as N_

if TYPE_CHECKING:
    from lakou.exchange import Exchange
    from lakou.flows import FlowStore


def _parse_time(value: str | None, default: int) -> int:
    if not value:
        return default
    if value.isdigit():
        return int(value)
    units = {"m": 60, "h": 3600, "d": 86400}
    if value[-1] in units and value[:-1].isdigit():
        return int(time.time()) - int(value[:-1]) * units[value[-1]]
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            _("{value!r}: use seconds since 1970, 2026-11-22T10:00 or 24h/7d").format(value=value)
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp())


def _exchanges(ctx: Context, members: str | None, registry: bool) -> list[Exchange]:
    """The exchanges whose members and MACs enrich the flows (--members, --registry)."""
    from lakou.cli.exchanges import load_exchanges

    files = [members or ctx.config.flows.members_file]
    return load_exchanges(ctx, registry=registry, files=files)


def _store_errors(f: Any) -> Any:
    """A store that cannot be reached or written ends the command with its message."""
    import functools

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from lakou.flows import FlowStoreError

        try:
            return f(*args, **kwargs)
        except FlowStoreError as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


def _store(ctx: Context, store_dir: str | None, backend: str | None) -> FlowStore:
    from lakou.flows import open_store

    return open_store(ctx.config.flows, ctx.config.core.data_dir, store_dir, backend)


_common = [
    click.option(
        "--members",
        type=click.Path(exists=True, dir_okay=False),
        help=N_("Members and MACs: IX-F JSON, YAML or CSV."),
    ),
    click.option(
        "--prefixes",
        type=click.Path(exists=True, dir_okay=False),
        help=N_("Prefix table CSV (prefix,asn,territory)."),
    ),
    click.option("--registry", is_flag=True, help=N_("Read members and MACs from the registry.")),
]


_clock = [
    click.option(
        "--max-clock-skew",
        type=click.IntRange(0, 86400),
        help=N_(
            "Seconds a NetFlow/IPFIX record's own time may differ from its receive time "
            "(default: flows.max_clock_skew_seconds, 300)."
        ),
    ),
    click.option(
        "--clock-skew",
        "clock_skew_action",
        type=click.Choice(["redate", "drop"]),
        help=N_("Records beyond the skew: redate to the receive time, or drop."),
    ),
]


def _with_clock(f: Any) -> Any:
    for opt in reversed(_clock):
        f = opt(f)
    return click.option(
        "--no-lan",
        is_flag=True,
        help=N_("Do not keep sFlow control frames and the MAC census (LAN hygiene checks)."),
    )(f)


def _with_common(f: Any) -> Any:
    for opt in reversed(_common):
        f = opt(f)
    return f


@click.group()
def cli() -> None:
    """Collect, decode, store and report traffic flows (sFlow, NetFlow, IPFIX)."""


@cli.command()
@click.argument("pcaps", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "records"]), default="jsonl", show_default=True
)
def decode(pcaps: tuple[str, ...], fmt: str) -> None:
    """Decode captures: one JSON object per sample (sFlow) or flow record (NetFlow/IPFIX).

    A capture that cannot be read to its end (empty, truncated, not a capture) is named
    on stderr with the byte offset where it breaks; the others are still decoded, and
    the command exits with status 1."""
    from lakou.flows import decode_captures

    problems: list[str] = []
    for obj in decode_captures([Path(p) for p in pcaps], fmt == "records", problems):
        sys.stdout.write(json.dumps(obj, sort_keys=False) + "\n")
    for problem in problems:
        click.echo(_("error: {error}").format(error=problem), err=True)
    if problems:
        raise SystemExit(1)


@cli.command()
@click.argument("pcaps", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--store", "store_dir", type=click.Path(file_okay=False), help=N_("Flow store directory.")
)
@click.option("--backend", type=click.Choice(["duckdb", "clickhouse"]), help=N_("Store backend."))
@click.option(
    "--now", is_flag=True, help=N_("Stamp flows with the replay time, not the capture's.")
)
@_with_clock
@_with_common
@pass_context
@_store_errors
def replay(
    ctx: Context,
    pcaps: tuple[str, ...],
    store_dir: str | None,
    backend: str | None,
    now: bool,
    max_clock_skew: int | None,
    clock_skew_action: str | None,
    no_lan: bool,
    members: str | None,
    prefixes: str | None,
    registry: bool,
) -> None:
    """Feed captures through the collector's pipeline into the store.

    Besides the flows, sFlow control frames and the MAC census go to DIR/lan for the
    peering-LAN hygiene checks (``lakou lan report``).

    Every exporter in the captures is accepted; records keep the capture's time, and a
    NetFlow/IPFIX record whose own time is beyond the allowed skew of its packet's
    capture time is counted (clock_skew) and re-dated or dropped."""
    from lakou.flows import CollectorError, open_intake, replay_summary
    from lakou.flows import replay as replay_captures
    from lakou.lan import lan_recorder

    exchanges = _exchanges(ctx, members, registry)
    try:
        intake = open_intake(
            ctx.config.flows,
            ctx.config.core.data_dir,
            exchanges,
            prefixes=prefixes,
            store_dir=store_dir,
            backend=backend,
            max_clock_skew=max_clock_skew,
            clock_skew_action=clock_skew_action,
            lan_sink=None if no_lan else lan_recorder,
        )
    except CollectorError as exc:
        raise click.ClickException(str(exc)) from None
    pipeline = intake.pipeline

    def warn(error: str) -> None:
        click.echo(_("warning: {error}").format(error=error), err=True)

    batch = ctx.config.flows.batch_datagrams
    if sys.stderr.isatty():  # rich's progress bar costs its import: only for a person
        from rich.progress import Progress

        total = sum(Path(p).stat().st_size for p in pcaps)
        with Progress(transient=True) as progress:
            task = progress.add_task(_("Replaying"), total=total)
            stats = replay_captures(
                pipeline,
                pcaps,
                now=now,
                batch_size=batch,
                advance=lambda nbytes: progress.advance(task, nbytes),
                warn=warn,
            )
    else:
        stats = replay_captures(pipeline, pcaps, now=now, batch_size=batch, warn=warn)
    try:
        pipeline.flush()
    finally:
        intake.store.close()
    summary = replay_summary(pipeline, stats, intake.lan_where, intake.lan_frames)
    click.echo(json.dumps(summary, sort_keys=True))


@cli.command()
@click.option(
    "--store", "store_dir", type=click.Path(file_okay=False), help=N_("Flow store directory.")
)
@click.option("--backend", type=click.Choice(["duckdb", "clickhouse"]), help=N_("Store backend."))
@click.option("--since", help=N_("Start: epoch seconds, ISO time, or 24h / 7d ago (default: all)."))
@click.option("--until", help=N_("End (default: now)."))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "html"]),
    default="table",
    show_default=True,
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=N_("Write to this file."))
@_with_common
@pass_context
@_store_errors
def report(
    ctx: Context,
    store_dir: str | None,
    backend: str | None,
    since: str | None,
    until: str | None,
    fmt: str,
    output: str | None,
    members: str | None,
    prefixes: str | None,
    registry: bool,
) -> None:
    """Local share, member rates and matrix, trombones, networks to invite, savings."""
    from lakou.cli.output import console as make_console
    from lakou.flows import MemberTable, build_report, print_report, report_to_html, report_to_json

    names = MemberTable.from_exchanges(_exchanges(ctx, members, registry)).names
    store = _store(ctx, store_dir, backend)
    try:
        with make_console(stderr=True).status(_("Computing the report"), spinner="dots"):
            result = build_report(
                store,
                ctx.config.flows,
                _parse_time(since, 0),
                _parse_time(until, int(time.time())),
                names,
            )
    finally:
        store.close()
    if fmt == "json":
        text = report_to_json(result)
    elif fmt == "html":
        text = report_to_html(result)
    else:
        console = make_console(file=open(output, "w", encoding="utf-8") if output else None)  # noqa: SIM115
        with ctx_language(ctx):
            print_report(result, console)
        return
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text)


def ctx_language(ctx: Context) -> AbstractContextManager[str]:
    from lakou.i18n import language

    return language(ctx.lang)


def _listener(item: str) -> Any:
    """ADDRESS:PORT[:PROTOCOL], the address in brackets when it is IPv6 ([::1]:6343)."""
    from pydantic import ValidationError

    from lakou.flows.config import Listener

    rest = item
    if rest.startswith("["):
        host, sep, rest = rest[1:].partition("]:")
        if not sep:
            host = ""
    else:
        host, _sep, rest = rest.partition(":")
    port, _sep, protocol = rest.partition(":")
    try:
        ipaddress.ip_address(host)
        return Listener(address=host, port=int(port), protocol=protocol or "auto")  # type: ignore[arg-type]
    except (ValueError, ValidationError):
        raise click.BadParameter(
            _(
                "{item!r}: use ADDRESS:PORT or ADDRESS:PORT:PROTOCOL (sflow, netflow or auto), "
                "an IPv6 address in brackets: [::1]:6343:sflow"
            ).format(item=item),
            param_hint="'--listen'",
        ) from None


def _switches(ctx: Context, registry: bool) -> list[str]:
    """The management addresses of the registry's switches (--registry): their sFlow."""
    if not registry:
        return []
    ctx.setup_django()
    from lakou.registry import switch_addresses

    return switch_addresses()


@cli.command()
@click.option(
    "--store", "store_dir", type=click.Path(file_okay=False), help=N_("Flow store directory.")
)
@click.option("--backend", type=click.Choice(["duckdb", "clickhouse"]), help=N_("Store backend."))
@click.option(
    "--listen",
    multiple=True,
    help=N_(
        "ADDRESS:PORT[:sflow|netflow|auto], repeatable; [::1]:6343 for IPv6 "
        "(default: flows.listeners)."
    ),
)
@click.option(
    "--allow-exporter",
    "allow_exporter",
    multiple=True,
    help=N_("Address or prefix allowed to send flows, repeatable (besides lakou.yml's)."),
)
@_with_clock
@_with_common
@pass_context
@_store_errors
def collect(
    ctx: Context,
    store_dir: str | None,
    backend: str | None,
    listen: tuple[str, ...],
    allow_exporter: tuple[str, ...],
    max_clock_skew: int | None,
    clock_skew_action: str | None,
    no_lan: bool,
    members: str | None,
    prefixes: str | None,
    registry: bool,
) -> None:
    """Listen for sFlow, NetFlow and IPFIX and write per-minute sums to the store.

    Only allowed exporters are heard (--allow-exporter, flows.allowed_exporters,
    flows.exporters, the registry's switches with --registry); others are counted as
    unknown_exporter. Records are dated on receipt, or by the exporter's clock while it
    is within the allowed skew."""
    from lakou.flows import CollectorError, run_collector
    from lakou.lan import lan_recorder

    listeners = [_listener(item) for item in listen]
    switches = _switches(ctx, registry)
    exchanges = _exchanges(ctx, members, registry)
    try:
        summary = run_collector(
            ctx.config.flows,
            ctx.config.core.data_dir,
            exchanges,
            listeners=listeners,
            allow=allow_exporter,
            switches=switches,
            prefixes=prefixes,
            store_dir=store_dir,
            backend=backend,
            max_clock_skew=max_clock_skew,
            clock_skew_action=clock_skew_action,
            lan_sink=None if no_lan else lan_recorder,
            say=lambda line: click.echo(line, err=True),
        )
    except CollectorError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(summary, sort_keys=True), err=True)


@cli.command()
@click.option(
    "--store", "store_dir", type=click.Path(file_okay=False), help=N_("Flow store directory.")
)
@click.option("--backend", type=click.Choice(["duckdb", "clickhouse"]), help=N_("Store backend."))
@pass_context
@_store_errors
def maintain(ctx: Context, store_dir: str | None, backend: str | None) -> None:
    """Roll finished minutes up into hours and days, and apply retention."""
    from lakou.flows import maintain_store
    from lakou.lan import expire_lan_tables

    made, removed = maintain_store(
        ctx.config.flows,
        ctx.config.core.data_dir,
        int(time.time()),
        store_dir=store_dir,
        backend=backend,
        expire_beside=expire_lan_tables,
    )
    click.echo(
        _("{made} roll-ups written, {removed} partitions expired").format(
            made=made, removed=removed
        )
    )
