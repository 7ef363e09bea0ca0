"""``lakou restore``: put a ``lakou backup`` archive back onto a fresh install.

The work is done by the registry's :func:`~lakou.registry.restore_backup`; this parses,
calls it, and prints what was restored and what the operator still has to do.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import _, language

if TYPE_CHECKING:
    from lakou.registry import RestoreReport


@click.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds registry data.")
@pass_context
def cli(ctx: Context, archive: Path, force: bool) -> None:
    """Restore the registry, secrets and route-server state from ARCHIVE."""
    ctx.setup_django()
    from lakou.registry import BackupError, restore_backup

    with language(ctx.lang):
        try:
            report = restore_backup(ctx.config, archive, force=force)
        except BackupError as exc:
            raise click.ClickException(str(exc)) from None
        _print_restored(report, archive)


def _print_restored(report: RestoreReport, archive: Path) -> None:
    click.echo(_("Restored from %(file)s:") % {"file": archive})
    for part in report.restored:
        click.echo(f"  {part}")
    if report.config_copy is not None:
        click.echo(
            _(
                "The saved configuration is in %(file)s: compare it with this "
                "install's before using it."
            )
            % {"file": report.config_copy}
        )
    click.echo(_("If the backup comes from an older lakou, apply its migrations: lakou db migrate"))
