"""``lakou clients``: import an arouteserver clients.yml into an exchange, export one.

The export holds the members' BGP passwords: it is written readable by its owner only
(mode 0600) and is never served by the web app.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from lakou.cli.context import Context, pass_context
from lakou.cli.ixf import translated
from lakou.i18n import _


@click.group()
def cli() -> None:
    """arouteserver clients.yml: import and export."""


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--exchange", "slug", required=True, help="Exchange slug.")
@click.option("--lan", help="Peering LAN name, when the exchange has several.")
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@pass_context
def import_cmd(ctx: Context, file: str, slug: str, lan: str | None, dry_run: bool) -> None:
    """Import route-server clients (members, addresses, sessions, AS-SETs, limits,
    BGP passwords and per-client options)."""
    ctx.setup_django()
    from lakou.registry import ClientsError, UnknownExchange, get_exchange, import_clients

    with translated(ctx):
        try:
            get_exchange(slug)
        except UnknownExchange as exc:
            raise click.ClickException(str(exc)) from None
        try:
            report = import_clients(Path(file).read_bytes(), slug, lan=lan, dry_run=dry_run)
        except ClientsError as exc:
            raise click.ClickException(
                _("%(file)s: %(path)s: %(problem)s; nothing was changed")
                % {"file": file, "path": exc.path, "problem": exc.problem}
            ) from None
        for line in report.lines():
            click.echo(line)
        if dry_run:
            click.echo(_("dry run: nothing was changed"))


@cli.command("export")
@click.option("--exchange", "slug", required=True, help="Exchange slug.")
@click.option("--lan", help="Only the clients on this peering LAN.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to FILE (default: stdout).")
@pass_context
def export_cmd(ctx: Context, slug: str, lan: str | None, out: str | None) -> None:
    """Write the exchange's route-server clients as an arouteserver clients.yml."""
    ctx.setup_django()
    from lakou.registry import export_clients
    from lakou.registry import models as m

    with translated(ctx):
        try:
            text = export_clients(slug, lan=lan)
        except m.Exchange.DoesNotExist as exc:
            raise click.ClickException(str(exc)) from None
        if out:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(fd, 0o600)  # also when the file was already there, more open
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            click.echo(_("wrote %s") % out, err=True)
        else:
            sys.stdout.write(text)
