"""``lakou flows``: collect, decode, replay and report traffic flows."""

from __future__ import annotations

import ipaddress
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lakou.cli.context import Context, pass_context
from lakou.cli.refusals import one_line, refusals
from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop as N_

if TYPE_CHECKING:
    from lakou.exchange import Exchange
    from lakou.flows import IntakeRequest, TrafficReport
    from lakou.flows.config import Listener


def _parse_time(value: str | None) -> int | None:
    """--since and --until: seconds since 1970, an ISO time, or 24h / 7d ago (None:
    not given, the engine's default)."""
    if not value:
        return None
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

    files = [members or ctx.flows.members_file]
    return load_exchanges(ctx, registry=registry, files=files)


# A store that cannot be reached or written, or an input the intake or the collector
# refuses, ends the command with its message.
_engine_errors = refusals("lakou.flows", FlowStoreError=one_line, CollectorError=one_line)


_INTAKE_OPTIONS = ("store_dir", "backend", "prefixes", "max_clock_skew", "clock_skew_action")


def _intake_request(f: Any) -> Any:
    """The intake's options (--store, --backend, --prefixes, the clock skew, --no-lan)
    handed to the command as one :class:`lakou.flows.IntakeRequest`, ``intake``."""
    import functools

    @functools.wraps(f)
    def wrapper(*args: Any, no_lan: bool, **kwargs: Any) -> Any:
        from lakou.flows import IntakeRequest
        from lakou.lan import lan_recorder

        options = {name: kwargs.pop(name) for name in _INTAKE_OPTIONS}
        lan_sink = None if no_lan else lan_recorder
        return f(*args, intake=IntakeRequest(**options, lan_sink=lan_sink), **kwargs)

    return wrapper


_store_options = [
    click.option(
        "--store", "store_dir", type=click.Path(file_okay=False), help=N_("Flow store directory.")
    ),
    click.option(
        "--backend", type=click.Choice(["duckdb", "clickhouse"]), help=N_("Store backend.")
    ),
]


def _with_store(f: Any) -> Any:
    for opt in reversed(_store_options):
        f = opt(f)
    return f


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


def _with_members(f: Any) -> Any:
    """--members and --registry alone: a report reads flows already classified, so it
    offers no --prefixes it would not use."""
    for opt in reversed([_common[0], _common[2]]):
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
    the command exits with status 1. A reader that stops early (``| head``) ends the
    output quietly: nothing more is decoded and the status stays 0 unless a capture
    before it failed."""
    from lakou.flows import write_decoded

    problems: list[str] = []
    write_decoded([Path(p) for p in pcaps], fmt == "records", sys.stdout, problems)
    for problem in problems:
        click.echo(_("error: {error}").format(error=problem), err=True)
    if problems:
        raise SystemExit(1)


@cli.command()
@click.argument("pcaps", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@_with_store
@click.option(
    "--now", is_flag=True, help=N_("Stamp flows with the replay time, not the capture's.")
)
@_with_clock
@_with_common
@pass_context
@_engine_errors
@_intake_request
def replay(
    ctx: Context,
    pcaps: tuple[str, ...],
    now: bool,
    intake: IntakeRequest,
    members: str | None,
    registry: bool,
) -> None:
    """Feed captures through the collector's pipeline into the store.

    Besides the flows, sFlow control frames and the MAC census go to DIR/lan for the
    peering-LAN hygiene checks (``lakou lan report``).

    Every exporter in the captures is accepted; records keep the capture's time, and a
    NetFlow/IPFIX record whose own time is beyond the allowed skew of its packet's
    capture time is counted (clock_skew) and re-dated or dropped."""
    from lakou.flows import replay_captures

    exchanges = _exchanges(ctx, members, registry)
    with _progress(pcaps) as advance:
        summary = replay_captures(
            ctx.flows,
            ctx.core.data_dir,
            exchanges,
            intake,
            pcaps,
            now=now,
            advance=advance,
            warn=_warn,
        )
    click.echo(json.dumps(summary, sort_keys=True))


def _warn(error: str) -> None:
    click.echo(_("warning: {error}").format(error=error), err=True)


@contextmanager
def _progress(pcaps: tuple[str, ...]) -> Iterator[Callable[[int], object]]:
    """A progress bar over the captures' bytes, for a person at a terminal only (rich's
    bar costs its import); elsewhere the bytes read are told to nobody."""
    if not sys.stderr.isatty():
        yield lambda nbytes: None
        return
    from rich.progress import Progress

    total = sum(Path(p).stat().st_size for p in pcaps)
    with Progress(transient=True) as progress:
        task = progress.add_task(_("Replaying"), total=total)
        yield lambda nbytes: progress.advance(task, nbytes)


@cli.command()
@_with_store
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
@_with_members
@pass_context
@_engine_errors
def report(
    ctx: Context,
    store_dir: str | None,
    backend: str | None,
    since: str | None,
    until: str | None,
    fmt: str,
    output: str | None,
    members: str | None,
    registry: bool,
) -> None:
    """Local share, member rates and matrix, trombones, networks to invite, savings."""
    from lakou.cli.output import console
    from lakou.flows import report_from_store

    exchanges = _exchanges(ctx, members, registry)
    period = _parse_time(since), _parse_time(until)
    with console(stderr=True).status(_("Computing the report"), spinner="dots"):
        result = report_from_store(
            ctx.flows, ctx.core.data_dir, exchanges, store_dir, backend, *period
        )
    _print_report(ctx, result, fmt, output)


def _print_report(ctx: Context, result: TrafficReport, fmt: str, output: str | None) -> None:
    """The report as JSON, HTML or a terminal table (in the command's language), on
    stdout or in ``output``."""
    from lakou.cli.output import console
    from lakou.flows import print_report, report_to_html, report_to_json
    from lakou.i18n import language

    if fmt == "table":
        out = console(file=open(output, "w", encoding="utf-8") if output else None)  # noqa: SIM115
        with language(ctx.lang):
            print_report(result, out)
        return
    text = report_to_json(result) if fmt == "json" else report_to_html(result)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text)


def _listeners(
    _ctx: click.Context, _param: click.Parameter, items: tuple[str, ...]
) -> tuple[Listener, ...]:
    """--listen, read as the options are parsed."""
    return tuple(_listener(item) for item in items)


def _listener(item: str) -> Listener:
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


def _switches(ctx: Context, registry: bool) -> tuple[str, ...]:
    """The management addresses of the registry's switches (--registry): their sFlow."""
    if not registry:
        return ()
    ctx.setup_django()
    from lakou.registry import switch_addresses

    return tuple(switch_addresses())


@cli.command()
@_with_store
@click.option(
    "--listen",
    multiple=True,
    callback=_listeners,
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
@_engine_errors
@_intake_request
def collect(
    ctx: Context,
    listen: tuple[Listener, ...],
    allow_exporter: tuple[str, ...],
    intake: IntakeRequest,
    members: str | None,
    registry: bool,
) -> None:
    """Listen for sFlow, NetFlow and IPFIX and write per-minute sums to the store.

    Only allowed exporters are heard (--allow-exporter, flows.allowed_exporters,
    flows.exporters, the registry's switches with --registry); others are counted as
    unknown_exporter. Records are dated on receipt, or by the exporter's clock while it
    is within the allowed skew."""
    from lakou.flows import CollectRequest, run_collector

    request = CollectRequest(intake, listen, allow_exporter, _switches(ctx, registry))
    exchanges = _exchanges(ctx, members, registry)
    summary = run_collector(ctx.flows, ctx.core.data_dir, exchanges, request, say=_say)
    click.echo(json.dumps(summary, sort_keys=True), err=True)


def _say(line: str) -> None:
    click.echo(line, err=True)


@cli.command()
@_with_store
@pass_context
@_engine_errors
def maintain(ctx: Context, store_dir: str | None, backend: str | None) -> None:
    """Roll finished minutes up into hours and days, and apply retention."""
    from lakou.flows import maintain_store
    from lakou.lan import expire_lan_tables

    made, removed = maintain_store(
        ctx.flows,
        ctx.core.data_dir,
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
