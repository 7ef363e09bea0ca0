"""``lakou doctor``: check a running installation and print what to fix."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lakou.cli.context import Context, pass_context
from lakou.config import ConfigError, find_config_file
from lakou.i18n import gettext as _
from lakou.i18n import language

if TYPE_CHECKING:
    from lakou.operations import Check


@click.command()
@click.option("--timeout", default=3.0, show_default=True, help="Seconds for each network check.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_context
def cli(ctx: Context, timeout: float, fmt: str) -> None:
    """Check the installation: configuration and data permissions, database reachable and
    migrated, route-server sockets, IRR and RPKI reachable, disk space, clock, jobs.

    Exits 1 when something is broken, after saying how to fix each thing."""
    with language(ctx.lang):
        try:
            config_file = find_config_file(ctx.config_path, os.environ)
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        ctx.setup_django()
        from lakou.operations import checkup

        found = checkup(ctx.config, Path(config_file) if config_file else None, timeout)
        _print_checks(found.checks, fmt)
        if found.problems:
            raise click.ClickException(found.problems)
        if fmt == "text":
            click.echo(_("healthy"))


def _print_checks(checks: list[Check], fmt: str) -> None:
    from lakou.operations import CHECK_FAIL, CHECK_OK, CHECK_WARN

    if fmt == "json":
        click.echo(json.dumps([c.__dict__ for c in checks], indent=2))
        return
    marks = {CHECK_OK: "ok  ", CHECK_WARN: "warn", CHECK_FAIL: "FAIL"}
    for c in checks:
        click.echo(f"{marks[c.status]}  {c.name:<16} {c.detail}")
        if c.fix:
            click.echo(f"      {_('fix:')} {c.fix}")
