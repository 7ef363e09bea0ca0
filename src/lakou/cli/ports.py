"""``lakou ports``: port traffic from SNMP (and sFlow counter samples): poll a switch once,
collect every switch at an interval into the port store, report rates and percentiles."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lakou.cli.context import Context, pass_context
from lakou.cli.refusals import one_line, refusals
from lakou.i18n import gettext as _

if TYPE_CHECKING:
    from lakou.ports import MacFinding, SwitchPoll


@click.group()
@pass_context
def cli(ctx: Context) -> None:
    """Port traffic from SNMP and sFlow counters."""
    from lakou.i18n import language

    click.get_current_context().with_resource(language(ctx.lang))


def _switch_from_options(target: str, **opts: Any) -> Any:
    from pydantic import ValidationError

    from lakou.ports.config import Switch, parse_target

    try:
        host, port = parse_target(target)
    except ValueError:
        raise click.BadParameter(_("expected HOST or HOST:PORT"), param_hint="HOST") from None
    settings = {k: v for k, v in opts.items() if v not in (None, "")}
    try:
        return Switch(host=host, port=port, **settings)
    except ValidationError as exc:
        err = exc.errors()[0]
        place = ".".join(str(p) for p in err["loc"]) or target
        raise click.ClickException(f"{place}: {err['msg']}") from None


@cli.command()
@click.argument("targets", nargs=-1, required=True, metavar="HOST[:PORT]...")
@click.option("--community", "-c", help="SNMP v2c community.")
@click.option("--version", "-v", "version", type=click.Choice(["2c", "3"]), help="SNMP version.")
@click.option("--user", "-u", help="SNMP v3 user (authPriv).")
@click.option("--auth-protocol", type=click.Choice(["MD5", "SHA", "SHA-256", "SHA-512"]))
@click.option("--auth-password", help="SNMP v3 authentication pass phrase.")
@click.option("--priv-protocol", type=click.Choice(["DES", "AES", "AES-256"]))
@click.option("--priv-password", help="SNMP v3 privacy pass phrase.")
@click.option("--timeout", type=float, help="Seconds per request before a retry.")
@click.option("--retries", type=int, help="Retries per request.")
@click.option(
    "--what",
    type=click.Choice(["counters", "all"]),
    default="counters",
    show_default=True,
    help="counters: one object per interface; all: also LAGs, LLDP and forwarding tables.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True
)
def poll(targets: tuple[str, ...], what: str, fmt: str, **opts: Any) -> None:
    """Poll switches once (in parallel) and print their interfaces' counters."""
    from lakou.ports import poll_switches

    if opts.get("user") and not opts.get("version"):
        opts["version"] = "3"
    switches = [_switch_from_options(t, **opts) for t in targets]
    full = what == "all"
    results = poll_switches(switches, lags=full, lldp=full, forwarding=full)
    _print_poll(results, fmt, full)
    if any(not r.ok for r in results):
        sys.exit(1)


def _print_poll(results: list[SwitchPoll], fmt: str, full: bool) -> None:
    """The switches that did not answer on stderr, then the counters (with LAGs, LLDP
    and forwarding tables when ``full``) as JSON or a table."""
    for r in results:
        if not r.ok:
            click.echo(r.error, err=True)
    if fmt != "json":
        _table(results)
        return
    if full:
        data: Any = [r.as_dict() for r in results]
    else:
        data = [p.as_dict() for r in results for p in r.ports]
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    click.echo()


def _table(results: list[Any]) -> None:
    click.echo(
        f"{_('switch'):<18} {'ifIndex':>10} {_('name'):<24} {_('status'):<8} {'Mb/s':>7} "
        f"{_('in octets'):>20} {_('out octets'):>20}  {_('alias')}"
    )
    for r in results:
        for p in r.ports:
            click.echo(
                f"{p.switch[:18]:<18} {p.ifindex:>10} {p.name[:24]:<24} {p.oper_status:<8} "
                f"{p.speed_mbps if p.speed_mbps is not None else '':>7} "
                f"{p.in_octets if p.in_octets is not None else '':>20} "
                f"{p.out_octets if p.out_octets is not None else '':>20}  {p.alias}"
            )
        for lag, members in r.lags.items():
            click.echo(f"{r.switch}: LAG {lag} <- {', '.join(map(str, members))}")
        for n in r.lldp:
            click.echo(
                f"{r.switch}: LLDP {n.local_port} -> {n.system_name} {n.port_id} ({n.chassis_id})"
            )
        if r.forwarding:
            click.echo(
                _("{switch}: {count} MAC addresses learned").format(
                    switch=r.switch, count=len(r.forwarding)
                )
            )


def _load(path: str) -> Any:
    from lakou.ports.config import ConfigError, load

    try:
        return load(Path(path))
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def _store_dir(ctx: Context, config: Any, store: str | None, exchange: str | None = None) -> str:
    """--store, else the file's ``store``, else <data_dir>/ports/<exchange> (what the
    portal's statistics page reads). A directory, or clickhouse://host:port/database."""
    if store:
        return store
    if config is not None and config.store:
        return str(config.store)
    if exchange:
        from lakou.ports import exchange_store_directory

        return str(exchange_store_directory(ctx.config.core.data_dir, exchange))
    raise click.UsageError(_("give --store DIR (or store: in the switches file)"))


def _from_registry(ctx: Context, exchange: str) -> Any:
    """The switches and members' ports of an exchange in the registry."""
    ctx.setup_django()
    from django.core.exceptions import ObjectDoesNotExist
    from pydantic import ValidationError

    from lakou.registry import ports_config

    try:
        return ports_config(exchange)
    except ObjectDoesNotExist:
        raise click.ClickException(
            _("no exchange {slug} in the registry").format(slug=exchange)
        ) from None
    except ValidationError as exc:
        err = exc.errors()[0]
        place = ".".join(str(p) for p in err["loc"])
        raise click.ClickException(f"{exchange}: {place}: {err['msg']}") from None


@cli.command()
@click.option(
    "--switches",
    "switches_file",
    type=click.Path(exists=True, dir_okay=False),
    help="YAML file of the switches to poll (see docs/55-ports.md).",
)
@click.option("--exchange", help="Take switches and members' ports from the registry instead.")
@click.option("--store", help="Port store: a directory, or clickhouse://HOST:PORT/DATABASE.")
@click.option("--interval", type=int, help="Seconds between polls (overrides the file).")
@click.option("--rounds", type=int, help="Stop after this many rounds (default: run on).")
@click.option("--sflow-port", type=int, help="Also read sFlow counter samples on this UDP port.")
@pass_context
def collect(
    ctx: Context,
    switches_file: str | None,
    exchange: str | None,
    store: str | None,
    interval: int | None,
    rounds: int | None,
    sflow_port: int | None,
) -> None:
    """Poll every switch at an interval and store per-port rates (long-running)."""
    from lakou.ports import run_collector

    if bool(switches_file) == bool(exchange):
        raise click.UsageError(_("give either --switches FILE or --exchange SLUG"))
    config = _load(switches_file) if switches_file else _from_registry(ctx, exchange or "")
    counts = run_collector(
        config,
        _store_dir(ctx, config, store, exchange),
        interval=interval,
        rounds=rounds,
        sflow_port=sflow_port,
        on_round=_print_round,
    )
    if counts:
        click.echo(_("intervals by outcome: {counts}").format(counts=counts))


def _print_round(r: Any) -> None:
    click.echo(
        _(
            "round: {switches} switches, {ports} ports, {rows} rates stored in {seconds:.2f} s"
        ).format(switches=r.switches, ports=r.ports, rows=r.rows, seconds=r.seconds)
    )
    for failure in r.failed:
        click.echo(f"  {failure}", err=True)


@cli.command()
@click.option("--store", help="Port store: a directory, or clickhouse://HOST:PORT/DATABASE.")
@click.option("--switches", "switches_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--exchange", help="The store of this exchange (<data_dir>/ports/SLUG).")
@click.option(
    "--period",
    type=click.Choice(["day", "week", "month", "year"]),
    default="day",
    show_default=True,
)
@click.option("--member", help="One member's ports instead of the whole exchange.")
@click.option("--json", "as_json", is_flag=True)
@pass_context
@refusals("lakou.ports", PortStoreError=one_line)
def report(
    ctx: Context,
    store: str | None,
    switches_file: str | None,
    exchange: str | None,
    period: str,
    member: str | None,
    as_json: bool,
) -> None:
    """Exchange (or member) traffic: mean, peak, 95th percentile, utilisation."""
    from lakou.ports import port_report

    config = _load(switches_file) if switches_file else None
    found = port_report(_store_dir(ctx, config, store, exchange), period, member)
    if as_json:
        json.dump(found, sys.stdout, indent=2)
        click.echo()
    else:
        _print_port_report(found, period, member)


def _print_port_report(found: dict[str, Any], period: str, member: str | None) -> None:
    stats, series, checks = found["statistics"], found["series"], found["cross_check"]
    click.echo(
        _("{period}: {ports} ports, {members} members, {points} points").format(
            period=period, ports=stats["ports"], members=stats["members"], points=stats["points"]
        )
    )
    for label, key in ((_("mean"), "mean_bps"), (_("peak"), "peak_bps"), (_("95th"), "p95_bps")):
        click.echo(f"  {label:<8} {_bits(stats[key])}")
    if stats["utilisation"] is not None:
        click.echo(f"  {_('utilisation')} {stats['utilisation']:.1%}")
    if member:
        values = [i for _b, i, _o in series]
        click.echo(f"  {member}: {_('peak')} {_bits(max(values) if values else 0)}")
    for row in checks:
        difference = row["difference"]
        click.echo(
            _("  cross-check {switch}:{port}: {chosen} {chosen_bps}, {other} {other_bps}").format(
                switch=row["switch"],
                port=row["port"],
                chosen=row["chosen"],
                chosen_bps=_bits(row["chosen_bps"]),
                other=row["other"],
                other_bps=_bits(row["other_bps"]),
            )
            + (f" ({difference:+.1%})" if difference is not None else "")
        )


def _bits(bps: float) -> str:
    for unit, scale in (("Tb/s", 1e12), ("Gb/s", 1e9), ("Mb/s", 1e6), ("kb/s", 1e3)):
        if bps >= scale:
            return f"{bps / scale:.2f} {unit}"
    return f"{bps:.0f} b/s"


@cli.command()
@click.option("--exchange", required=True, help="Exchange (slug) in the registry.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--all", "show_all", is_flag=True, help="Also list the MACs that match.")
@pass_context
def macs(ctx: Context, exchange: str, as_json: bool, show_all: bool) -> None:
    """MACs the switches learned behind members' ports beside the registered ones."""
    from lakou.ports import mac_findings
    from lakou.registry import port_members, registered_macs

    config = _from_registry(ctx, exchange)
    findings, errors = mac_findings(
        config.switches, registered_macs(exchange), port_members(exchange)
    )
    _print_macs(findings, errors, as_json, show_all)


def _print_macs(
    findings: list[MacFinding], errors: list[str], as_json: bool, show_all: bool
) -> None:
    """The switches that could not be read on stderr, then the MACs that do not match
    (all of them with ``show_all``) as JSON or one line each."""
    from dataclasses import asdict

    for error in errors:
        click.echo(error, err=True)
    shown = [f for f in findings if show_all or f.kind != "ok"]
    if as_json:
        json.dump([asdict(f) for f in shown], sys.stdout, indent=2)
        click.echo()
        return
    labels = {
        "ok": _("registered, seen on the member's port"),
        "unregistered": _("not registered"),
        "other_member": _("registered for another member"),
        "not_seen": _("registered, not seen"),
    }
    for f in shown:
        where = f" {f.seen_at} ({f.port_member})" if f.seen_at else ""
        owner = f" [{f.registered_for}]" if f.registered_for else ""
        click.echo(f"{f.mac}{where}{owner}: {labels[f.kind]}")


@cli.command()
@click.option("--exchange", help="Fill <data_dir>/ports/SLUG, the store its page reads.")
@click.option("--store", type=click.Path(file_okay=False), help="Or this store directory.")
@click.option("--days", type=click.IntRange(1, 400), default=7, show_default=True)
@click.option("--members", type=click.IntRange(1, 200), default=8, show_default=True)
@pass_context
def demo(ctx: Context, exchange: str | None, store: str | None, days: int, members: int) -> None:
    """Fill a store with demo port traffic through sFlow counter samples."""
    from lakou.ports import NotADemoStore, make_demo

    directory = Path(_store_dir(ctx, None, store, exchange))
    try:
        stats = make_demo(directory, members=members, days=days)
    except NotADemoStore:
        raise click.ClickException(
            _("{directory} holds a store that is not a demo: not overwritten").format(
                directory=directory
            )
        ) from None
    click.echo(
        _("{directory}: {ports} ports, {days} days, peak {peak}").format(
            directory=directory, ports=stats["ports"], days=days, peak=_bits(stats["peak_bps"])
        )
    )
