"""``lakou ports``: port traffic from SNMP (and sFlow counter samples): poll a switch once,
collect every switch at an interval into the port store, report rates and percentiles."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from lakou.i18n import gettext as _


@click.group()
def cli() -> None:
    """Port traffic from SNMP and sFlow counters."""


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
    from lakou.ports.snmp import poll_switches

    if opts.get("user") and not opts.get("version"):
        opts["version"] = "3"
    switches = [_switch_from_options(t, **opts) for t in targets]
    full = what == "all"
    results = poll_switches(switches, lags=full, lldp=full, forwarding=full)
    failed = [r for r in results if not r.ok]
    for r in failed:
        click.echo(r.error, err=True)
    if fmt == "json":
        if full:
            data: Any = [r.as_dict() for r in results]
        else:
            data = [p.as_dict() for r in results for p in r.ports]
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        click.echo()
    else:
        _table(results)
    if failed:
        sys.exit(1)


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
