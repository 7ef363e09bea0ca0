"""``lakou ixf``: export, import and validate IX-F Member Export documents.

The official schema is Euro-IX's public data and is not shipped: ``--schema DIR``, else
``registry.ixf_schema_dir`` in lakou.yml, else ``$LAKOU_IXF_SCHEMA_DIR`` points at a
checkout of github.com/euro-ix/json-schemas. Without one, ``import`` still runs lakou's
own checks, and ``export`` is valid by construction (the test suite validates it against
the official schema); with one, ``export`` checks what it writes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import _, language

if TYPE_CHECKING:
    from lakou.ixf import ImportReport

SCHEMA_OPTION = click.option(
    "--schema",
    "schema",
    type=click.Path(file_okay=False, exists=True),
    help=(
        "Folder of the official IX-F JSON schemas (euro-ix/json-schemas); default: "
        "registry.ixf_schema_dir, then $LAKOU_IXF_SCHEMA_DIR."
    ),
)


def schema_folder(ctx: Context, given: str | None) -> Path | None:
    """--schema, else the configuration's ``registry.ixf_schema_dir``, else the environment
    (``$LAKOU_IXF_SCHEMA_DIR``)."""
    from lakou.ixf import schema_dir

    folder = schema_dir(given or ctx.config.registry.ixf_schema_dir)
    if folder is not None and not folder.is_dir():
        raise click.ClickException(_("the IX-F schema folder %s does not exist") % folder)
    return folder


def required_schema_folder(ctx: Context, given: str | None) -> Path:
    """:func:`schema_folder`, refused when none is given (``validate`` needs one)."""
    folder = schema_folder(ctx, given)
    if folder is None:
        raise click.ClickException(
            _(
                "give --schema DIR (or registry.ixf_schema_dir in lakou.yml, or "
                "$LAKOU_IXF_SCHEMA_DIR): the official IX-F schemas"
            )
        )
    return folder


@contextmanager
def translated(ctx: Context) -> Iterator[None]:
    """The CLI's language for lakou's messages and for the registry's (Django) ones."""
    from django.utils import translation

    with language(ctx.lang), translation.override(ctx.lang):
        yield


@click.group()
def cli() -> None:
    """IX-F Member Export: export and import."""


@cli.command("export")
@click.option("--exchange", "slug", help="Exchange slug (default: every exchange).")
@click.option(
    "--out", "out", type=click.Path(dir_okay=False), help="Write to FILE (default: stdout)."
)
@click.option(
    "--schema-version",
    "version",
    type=click.Choice(["1.0", "0.7", "0.6"]),
    default="1.0",
    show_default=True,
)
@click.option("--with-contacts", is_flag=True, help="Include members' e-mails and phones.")
@SCHEMA_OPTION
@pass_context
def export_cmd(
    ctx: Context,
    slug: str | None,
    out: str | None,
    version: str,
    with_contacts: bool,
    schema: str | None,
) -> None:
    """Write the IX-F Member Export of an exchange (or all of them)."""
    ctx.setup_django()
    from lakou.registry import ExportInvalid, UnknownExchange, export_exchange

    with translated(ctx):
        try:
            document = export_exchange(
                slug,
                version=version,
                include_contacts=with_contacts,
                schema_dir=schema_folder(ctx, schema),
            )
        except (UnknownExchange, ExportInvalid) as exc:
            raise click.ClickException(str(exc)) from None
        _write_export(document, out)


def _write_export(document: dict[str, Any], out: str | None) -> None:
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(
            _("wrote %(file)s (%(members)d members)")
            % {"file": out, "members": len(document["member_list"])},
            err=True,
        )
    else:
        sys.stdout.write(text)


def phase_label(phase: str, dry_run: bool) -> str:
    """What a phase of ``ixf import`` is doing, truthfully on a dry run too."""
    if phase == "read":
        return _("members read and checked")
    if phase == "members":
        return _("members compared with the registry")
    if dry_run:
        return _("members tried (dry run: rolled back)")
    return _("members written")


@contextmanager
def _progress_bar(quiet: bool, dry_run: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A progress bar on a terminal's stderr: members read, compared, written."""
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase_label(phase, dry_run), total=total)
            bar.update(tasks[phase], completed=done)

        yield update


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--dry-run", is_flag=True, help="Show what would change; change nothing.")
@click.option("--quiet", "-q", is_flag=True, help="Only the totals, no line per change.")
@click.option(
    "--merge-duplicates",
    is_flag=True,
    help="Merge entries naming one ASN at one exchange (first value wins); default: stop.",
)
@SCHEMA_OPTION
@pass_context
def import_cmd(
    ctx: Context, file: str, dry_run: bool, quiet: bool, merge_duplicates: bool, schema: str | None
) -> None:
    """Create or update exchanges and members from an IX-F JSON file (0.3 to 1.0)."""
    ctx.setup_django()
    from lakou.ixf import IxfError
    from lakou.registry import ImportBusy, import_document

    with translated(ctx), _progress_bar(quiet, dry_run) as progress:
        try:
            report = import_document(
                Path(file).read_bytes(),
                dry_run=dry_run,
                schema_dir=schema_folder(ctx, schema),
                merge_duplicates=merge_duplicates,
                progress=progress,
                reading=progress,
            )
        except (IxfError, ImportBusy) as exc:
            raise click.ClickException(_import_refused(file, exc)) from None
        _print_import(report, quiet=quiet, dry_run=dry_run)


def _import_refused(file: str, exc: Exception) -> str:
    """One line naming the file: where the document is wrong, or why the import waited."""
    from lakou.ixf import IxfError

    if isinstance(exc, IxfError):
        return _("%(file)s: %(path)s: %(problem)s; nothing was changed") % {
            "file": file,
            "path": exc.path,
            "problem": exc.problem,
        }
    return f"{file}: {exc}"


def _print_import(report: ImportReport, *, quiet: bool, dry_run: bool) -> None:
    for line in report.lines():
        if not quiet or not line.startswith(("+", "~", "-")):
            click.echo(line)
    if dry_run:
        click.echo(_("dry run: nothing was changed"))
    elif not report.changed and not sum(report.deleted.values()):
        click.echo(_("no changes"))


@cli.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@SCHEMA_OPTION
@pass_context
def validate_cmd(ctx: Context, file: str, schema: str | None) -> None:
    """Check an IX-F JSON file against the official schema and lakou's rules."""
    from lakou.ixf import validate_file

    with language(ctx.lang):
        found = validate_file(Path(file).read_bytes(), required_schema_folder(ctx, schema))
        for warning in found.warnings:
            click.echo(_("warning: %s") % warning)
        for problem in found.problems:
            click.echo(f"{file}: {problem}")
        if found.problems:
            raise click.ClickException(_("%(n)d problem(s) found") % {"n": len(found.problems)})
        click.echo(_("%(file)s: valid IX-F %(version)s") % {"file": file, "version": found.version})
