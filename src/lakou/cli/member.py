"""``lakou member``: the members of an exchange, and everything about one network.

``list`` is the operator's roll call (who is connected, with which addresses and ports);
``show`` is what to look at before answering a member's ticket: each membership, its
addresses, MACs, route-server sessions and per-client route-server options. A BGP
password is never printed, only whether one is set.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import _, gettext_noop, language
from lakou.vocabulary import parse_asn

if TYPE_CHECKING:
    from lakou.registry import MemberRow

FORMATS = click.Choice(["table", "json"])
YES_NO = {True: gettext_noop("set"), False: gettext_noop("not set")}


def _asn(text: str) -> int:
    asn = parse_asn(text)  # the one ASN rule: never int() on 5,000 digits
    if asn is None:
        shown = text if len(text) <= 40 else text[:20] + "..."
        raise click.BadParameter(_("%s is not an ASN (64500 or AS64500)") % shown)
    return asn


@click.group()
def cli() -> None:
    """The members of an exchange."""


@cli.command("list")
@click.option("--exchange", "slug", required=True, help="Exchange slug.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_context
def list_members(ctx: Context, slug: str, fmt: str) -> None:
    """List an exchange's members with their addresses and speed."""
    ctx.setup_django()
    from lakou.registry import UnknownExchange, member_roll

    with language(ctx.lang):
        try:
            rows = member_roll(slug)
        except UnknownExchange as exc:
            raise click.ClickException(str(exc)) from None
        if fmt == "json":
            click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        _print_roll(rows, slug)


@cli.command("show")
@click.argument("asn")
@click.option("--exchange", "slug", help="Only the membership of this exchange.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_context
def show_member(ctx: Context, asn: str, slug: str | None, fmt: str) -> None:
    """Everything about one network's memberships (ASN: 64500 or AS64500)."""
    number = _asn(asn)
    ctx.setup_django()
    from lakou.registry import NotAMember, UnknownExchange, member_details

    with language(ctx.lang):
        try:
            rows = member_details(number, slug)
        except (UnknownExchange, NotAMember) as exc:
            raise click.ClickException(str(exc)) from None
        if fmt == "json":
            click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        for row in rows:
            _show_one(row)


def _print_roll(rows: list[MemberRow], slug: str) -> None:
    from rich.table import Table

    table = Table(title=_("Members of %s") % slug)
    for header in (
        _("ASN"),
        _("name"),
        _("status"),
        _("AS-SET"),
        _("max-prefix"),
        _("addresses"),
        _("route servers"),
        _("speed (Mb/s)"),
    ):
        table.add_column(header)
    for row in rows:
        table.add_row(
            f"AS{row['asn']}",
            row["name"],
            _(row["status"]),
            row["as_set"] or "—",
            f"{row['max_prefix_v4'] or '—'} / {row['max_prefix_v6'] or '—'}",
            "\n".join(_address_text(a) for a in row["addresses"]) or "—",
            "\n".join(_families(a) for a in row["addresses"]) or "—",
            str(row["speed_mbps"] or "—"),
        )
    _console().print(table)
    click.echo(_("%(n)d member(s)") % {"n": len(rows)})


def _show_one(row: MemberRow) -> None:
    from rich.table import Table

    table = Table(title=f"AS{row['asn']} {row['name']} — {row['exchange']}", show_header=False)
    table.add_column(_("field"))
    table.add_column(_("value"))
    for label, value in (
        (_("organisation"), row["organisation"]),
        (_("website"), row["website"]),
        (_("member type"), _(row["member_type"])),
        (_("status"), _(row["status"])),
        (_("member since"), row["member_since"]),
        (_("peering policy"), _(row["peering_policy"])),
        (_("AS-SET"), row["as_set"]),
        (_("max-prefix IPv4"), row["max_prefix_v4"]),
        (_("max-prefix IPv6"), row["max_prefix_v6"]),
        (_("never via route servers"), _("yes") if row["never_via_route_servers"] else _("no")),
        (_("BGP password"), _(YES_NO[row["bgp_password_set"]])),
        (
            _("route-server options"),
            json.dumps(row["route_server_options"], indent=2)
            if row["route_server_options"]
            else "",
        ),
    ):
        table.add_row(label, "—" if value in (None, "") else str(value))
    for addr in row["addresses"]:
        table.add_row(
            _("address"),
            f"{_address_text(addr)} [{addr['state']}]\n"
            + _("route servers: %s") % (_families(addr) or "—")
            + "\n"
            + _("MACs: %s") % (", ".join(addr["macs"]) or "—")
            + "\n"
            + _("ports: %s") % (", ".join(addr["ports"]) or "—"),
        )
    _console().print(table)


def _console() -> Any:
    """A terminal's own width; a pipe or a file gets wide lines rather than wrapped cells."""
    from lakou.cli.output import console

    return console()


def _address_text(addr: dict[str, Any]) -> str:
    ips = " ".join(v for v in (addr["ipv4"], addr["ipv6"]) if v)
    return f"{addr['lan']}: {ips}"


def _families(addr: dict[str, Any]) -> str:
    return " ".join(f"IPv{afi}" for afi in addr["route_server"])
