"""``lakou exchange``: list and inspect the registry's exchanges.

``list`` is the roll of exchanges; ``show`` is one exchange as the engines see it (the
registry's :func:`~lakou.registry.exchange_summary`): its identity, peering LANs, member
count and route servers, in JSON for scripts or as tables for people.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import _, language

if TYPE_CHECKING:
    from lakou.registry import RollRow


@click.group()
def cli() -> None:
    """List and inspect exchanges in the registry."""


@cli.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_context
def list_exchanges(ctx: Context, fmt: str) -> None:
    """List the exchanges with their LANs and member counts."""
    ctx.setup_django()
    from lakou.registry import exchange_roll

    rows = exchange_roll()
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2, ensure_ascii=False))
        return
    with language(ctx.lang):
        _print_roll(rows)


def _print_roll(rows: list[RollRow]) -> None:
    from rich.table import Table

    from lakou.cli.output import console as make_console

    table = Table(title=_("Exchanges"))
    names = (_("slug"), _("name"), _("country"), _("members"), _("peering LANs"), _("bridged to"))
    for header in names:
        table.add_column(header)
    for row in rows:
        table.add_row(
            row.slug,
            row.name,
            row.country,
            str(row.members),
            ", ".join(filter(None, (lan.prefixes for lan in row.lans))),
            ", ".join(row.bridged_to),
        )
    make_console().print(table)


@cli.command("show")
@click.argument("slug")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_context
def show_exchange(ctx: Context, slug: str, fmt: str) -> None:
    """Show one exchange: identity, peering LANs, member count and route servers."""
    ctx.setup_django()
    from lakou.registry import UnknownExchange, exchange_summary

    with language(ctx.lang):
        try:
            row = exchange_summary(slug)
        except UnknownExchange as exc:
            raise click.ClickException(str(exc)) from None
        if fmt == "json":
            click.echo(json.dumps(row, indent=2, ensure_ascii=False))
            return
        _print_exchange(row)


def _print_exchange(row: dict[str, Any]) -> None:
    from rich.table import Table

    from lakou.cli.output import console as make_console

    console = make_console()
    about = Table(title=f"{row['name']} ({row['slug']})", show_header=False)
    about.add_column()
    about.add_column()
    asn = f"AS{row['asn']}" if row["asn"] else "—"
    for label, value in (
        (_("country"), row["country"]),
        (_("city"), row["city"] or "—"),
        (_("exchange ASN"), asn),
        (_("members"), str(row["members"])),
        (_("bridged to"), ", ".join(row["bridged_to"]) or "—"),
        (_("IX-F id"), str(row["ixf_id"] or "—")),
        (_("PeeringDB ix id"), str(row["peeringdb_ix_id"] or "—")),
    ):
        about.add_row(label, value)
    console.print(about)
    lans = Table(title=_("peering LANs"))
    for header in (_("name"), _("VLAN"), _("IPv4 prefix"), _("IPv6 prefix"), _("MTU")):
        lans.add_column(header)
    for lan in row["lans"]:
        lans.add_row(
            lan["name"],
            str(lan["vlan"] or "—"),
            lan["ipv4"] or "—",
            lan["ipv6"] or "—",
            str(lan["mtu"]),
        )
    console.print(lans)
    servers = Table(title=_("route servers"))
    for header in (_("name"), _("ASN"), _("daemon"), _("IPv4 address"), _("IPv6 address")):
        servers.add_column(header)
    for rs in row["route_servers"]:
        servers.add_row(
            rs["name"], f"AS{rs['asn']}", rs["daemon"], rs["ipv4"] or "—", rs["ipv6"] or "—"
        )
    console.print(servers)
