"""``lakou exchange``: list and inspect the registry's exchanges."""

from __future__ import annotations

import json
from typing import Any

import click

from lakou.cli.context import Context, pass_context


@click.group()
def cli() -> None:
    """List and inspect exchanges in the registry."""


@cli.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_context
def list_exchanges(ctx: Context, fmt: str) -> None:
    """List the exchanges with their LANs and member counts."""
    ctx.setup_django()
    from django.db.models import Count

    from lakou.registry.models import Exchange

    rows: list[dict[str, Any]] = []
    for ex in Exchange.objects.annotate(n_members=Count("members")).order_by("slug"):
        rows.append(
            {
                "slug": ex.slug,
                "name": ex.name,
                "full_name": ex.full_name,
                "country": ex.country,
                "city": ex.city,
                "members": ex.n_members,
                "lans": [
                    {
                        "name": lan.name,
                        "vlan": lan.vlan_id,
                        "ipv4": lan.ipv4_prefix,
                        "ipv6": lan.ipv6_prefix,
                    }
                    for lan in ex.lans.all()
                ],
                "bridged_to": sorted(b.slug for b in ex.bridged_to.all()),
                "demo": ex.demo,
            }
        )
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.table import Table

    from lakou.i18n import _, language

    with language(ctx.lang):
        table = Table(title=_("Exchanges"))
        for header in (
            _("slug"),
            _("name"),
            _("country"),
            _("members"),
            _("peering LANs"),
            _("bridged to"),
        ):
            table.add_column(header)
        for row in rows:
            table.add_row(
                row["slug"],
                row["name"],
                row["country"],
                str(row["members"]),
                ", ".join(
                    filter(None, (f"{lan['ipv4']} {lan['ipv6']}".strip() for lan in row["lans"]))
                ),
                ", ".join(row["bridged_to"]),
            )
        Console().print(table)
