"""``lakou member``: the members of an exchange, and everything about one network.

``list`` is the operator's roll call (who is connected, with which addresses and ports);
``show`` is what to look at before answering a member's ticket: each membership, its
addresses, MACs, route-server sessions and per-client route-server options. A BGP
password is never printed, only whether one is set.
"""

from __future__ import annotations

import json
from typing import Any

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import _, gettext_noop, language
from lakou.vocabulary import parse_asn

FORMATS = click.Choice(["table", "json"])
YES_NO = {True: gettext_noop("set"), False: gettext_noop("not set")}


def _asn(text: str) -> int:
    asn = parse_asn(text)  # the one ASN rule: never int() on 5,000 digits
    if asn is None:
        shown = text if len(text) <= 40 else text[:20] + "..."
        raise click.BadParameter(_("%s is not an ASN (64500 or AS64500)") % shown)
    return asn


def member_row(member: Any, *, details: bool = False) -> dict[str, Any]:
    """A membership as plain data (the JSON output); never the BGP password itself."""
    net = member.network
    addresses = []
    speed = 0
    for conn in member.connections.all():
        ports = list(conn.ports.all())
        speed += sum(p.speed_mbps for p in ports)
        for addr in conn.addresses.all():
            item: dict[str, Any] = {
                "lan": addr.lan.name,
                "ipv4": addr.ipv4,
                "ipv6": addr.ipv6,
                "route_server": sorted({s.afi for s in addr.rs_sessions.all() if s.enabled}),
            }
            if details:
                item["macs"] = sorted(mac.mac for mac in addr.macs.all())
                item["connection"] = conn.name or str(conn.pk)
                item["state"] = conn.state
                item["ports"] = [f"{p.switch.name}:{p.name} {p.speed_mbps}" for p in ports]
            addresses.append(item)
    row: dict[str, Any] = {
        "exchange": member.exchange.slug,
        "asn": net.asn,
        "name": net.name,
        "organisation": net.organisation,
        "member_type": member.member_type,
        "status": member.status,
        "member_since": member.member_since.isoformat() if member.member_since else None,
        "peering_policy": net.peering_policy,
        "as_set": net.as_set,
        "max_prefix_v4": net.max_prefix_v4,
        "max_prefix_v6": net.max_prefix_v6,
        "speed_mbps": speed,
        "addresses": addresses,
        "bgp_password_set": bool(member.bgp_password),
    }
    if details:
        row["website"] = net.website
        row["never_via_route_servers"] = net.never_via_route_servers
        row["route_server_options"] = member.route_server_options or {}
    return row


def _members(**filters: Any) -> Any:
    from lakou.registry import models as m

    return (
        m.Member.objects.filter(**filters)
        .select_related("network", "exchange")
        .prefetch_related(
            "connections__ports__switch",
            "connections__addresses__lan",
            "connections__addresses__macs",
            "connections__addresses__rs_sessions",
        )
        .order_by("exchange__slug", "network__asn")
    )


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
    from lakou.registry import models as m

    with language(ctx.lang):
        if not m.Exchange.objects.filter(slug=slug).exists():
            from lakou.registry import unknown_exchange

            raise click.ClickException(str(unknown_exchange(slug)))
        rows = [member_row(member) for member in _members(exchange__slug=slug)]
        if fmt == "json":
            click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
            return
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


@cli.command("show")
@click.argument("asn")
@click.option("--exchange", "slug", help="Only the membership of this exchange.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@pass_context
def show_member(ctx: Context, asn: str, slug: str | None, fmt: str) -> None:
    """Everything about one network's memberships (ASN: 64500 or AS64500)."""
    number = _asn(asn)
    ctx.setup_django()
    with language(ctx.lang):
        filters: dict[str, Any] = {"network__asn": number}
        if slug:
            from lakou.registry import models as m
            from lakou.registry import unknown_exchange

            if not m.Exchange.objects.filter(slug=slug).exists():
                raise click.ClickException(str(unknown_exchange(slug)))
            filters["exchange__slug"] = slug
        rows = [member_row(member, details=True) for member in _members(**filters)]
        if not rows:
            raise click.ClickException(
                _("AS%(asn)d is not a member of %(where)s")
                % {"asn": number, "where": slug or _("any exchange")}
            )
        if fmt == "json":
            click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        for row in rows:
            _show_one(row)


def _show_one(row: dict[str, Any]) -> None:
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
