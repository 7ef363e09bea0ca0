"""``lakou db``: create or upgrade the registry database."""

from __future__ import annotations

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import _, language


@click.group()
def cli() -> None:
    """Create or upgrade the registry database."""


@cli.command("migrate")
@pass_context
def migrate(ctx: Context) -> None:
    """Apply the registry's migrations (safe to run on every upgrade)."""
    ctx.setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@cli.command("createsuperuser")
@click.option("--username", required=True)
@click.option("--email", default="")
@pass_context
def createsuperuser(ctx: Context, username: str, email: str) -> None:
    """Create a staff account for the admin (asks for the password)."""
    ctx.setup_django()
    from django.core.management import call_command

    call_command("createsuperuser", username=username, email=email)


@cli.command("unlock")
@click.option("--username", help="Unlock this user name only (default: every lock-out).")
@pass_context
def unlock(ctx: Context, username: str | None) -> None:
    """End login lock-outs now (after too many wrong passwords), instead of waiting."""
    ctx.setup_django()
    from axes.utils import reset

    with language(ctx.lang):
        count = reset(username=username) if username else reset()
        click.echo(_("%(count)d locked-out login attempt(s) cleared.") % {"count": count})
