"""``lakou config``: print and check the effective configuration."""

from __future__ import annotations

import click

from lakou.cli.context import Context, pass_context
from lakou.config import dump_config
from lakou.i18n import gettext as _


@click.group()
def cli() -> None:
    """Show and check the configuration."""


@cli.command("dump")
@click.option("--no-comments", is_flag=True, help="Plain YAML without option descriptions.")
@pass_context
def dump(ctx: Context, no_comments: bool) -> None:
    """Print the effective configuration: every option with its value or default."""
    click.echo(dump_config(ctx.config, with_comments=not no_comments), nl=False)


@cli.command("check")
@pass_context
def check(ctx: Context) -> None:
    """Validate the configuration file and exit 0 when it is usable."""
    _config = ctx.config  # reading it checks the whole file (a broken one exits 1, named)
    click.echo(_("configuration OK"))
