"""``lakou backup``: the registry, configuration, secrets and route-server state in one file.

The work is done by the registry's :func:`~lakou.registry.make_backup`; this parses, calls
it, and prints what went into the archive.
"""

from __future__ import annotations

from pathlib import Path

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import _, language


@click.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Archive to write (created mode 0600: it holds the keys).",
)
@click.option("--with-flows", is_flag=True, help="Also save the DuckDB flow store.")
@pass_context
def cli(ctx: Context, out: Path, with_flows: bool) -> None:
    """Save the registry (online), configuration, secrets and route-server state."""
    ctx.setup_django()
    from lakou.registry import BackupError, make_backup

    with language(ctx.lang):
        try:
            report = make_backup(ctx.config, out, with_flows=with_flows)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(
            _("Backup written to %(file)s (%(size)d bytes, mode 0600):")
            % {"file": report.path, "size": report.size}
        )
        for part in report.parts:
            click.echo(f"  {part}")
