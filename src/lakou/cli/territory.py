"""``lakou territory``: build the inventory, look addresses up, fetch the public files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lakou.cli.context import Context, pass_context
from lakou.cli.refusals import one_line, refusals
from lakou.i18n import gettext as _

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from lakou.territory import AddressLookup, BuiltTerritory


@click.group()
def cli() -> None:
    """The territory's networks, prefixes and lookups."""


@cli.command()
@click.option("--countries", help="ISO codes, comma-separated (default: territory.countries).")
@click.option("--data-dir", type=click.Path(file_okay=False, exists=True), help="Public files.")
@click.option(
    "--out", "out", type=click.Path(dir_okay=False), help="Output file (default: stdout)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv", "pmacct", "bird", "invite"]),
    default="json",
    show_default=True,
)
@click.option("--registry", is_flag=True, help="Mark members of the registry's exchanges.")
@click.option(
    "--ixf", multiple=True, type=click.Path(dir_okay=False, exists=True), help="IX-F JSON."
)
@click.option(
    "--include-global/--exclude-global",
    default=None,
    help="List global/anycast networks among the networks to invite "
    "(default: territory.invite_global, off).",
)
@pass_context
@refusals("lakou.territory", TerritoryInputError=one_line)
def build(
    ctx: Context,
    countries: str | None,
    data_dir: str | None,
    out: str | None,
    fmt: str,
    registry: bool,
    ixf: tuple[str, ...],
    include_global: bool | None,
) -> None:
    """List the territory's prefixes and networks, and the networks to invite."""
    from lakou.cli.exchanges import load_exchanges
    from lakou.cli.output import console
    from lakou.territory import build_territory, read_ixf

    err = console(stderr=True)
    with _Spinner(err) as spinner:
        built = build_territory(
            _data_dir(ctx, data_dir),
            ctx.config.territory,
            lambda: load_exchanges(ctx, registry=registry, files=ixf, read=read_ixf),
            fmt=fmt,
            countries=countries.split(",") if countries else None,
            include_global=include_global,
            progress=spinner.show,
        )
    _deliver(built, out, err)


def _deliver(built: BuiltTerritory, out: str | None, err: Console) -> None:
    """The built text into ``out`` (its counts said on stderr), else on stdout."""
    if not out:
        click.echo(built.text, nl=False)
        return
    Path(out).write_text(built.text, encoding="utf-8")
    counts = built.counts()
    err.print(
        _(
            "{prefixes} prefixes, {networks} networks ({local} local, {regional} regional, "
            "{glob} global, {elsewhere} elsewhere; {invite} to invite) -> {out}"
        ).format(**counts, glob=counts["global"], out=out)
    )


class _Spinner:
    """A spinner on stderr showing the engine's last step, started at its first step."""

    def __init__(self, err: Console) -> None:
        self.err = err
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def show(self, message: str) -> None:
        if self.bar is None:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self.err,
            )
            self.bar.start()
            self.task = self.bar.add_task(message, total=None)
        elif self.task is not None:
            self.bar.update(self.task, description=message)

    def __enter__(self) -> _Spinner:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _data_dir(ctx: Context, given: str | None) -> Path:
    from lakou.territory import territory_data_dir

    return territory_data_dir(given, ctx.config.territory, ctx.config.core.data_dir)


@cli.command()
@click.argument("ips", nargs=-1, required=True)
@click.option(
    "--index",
    "index_file",
    type=click.Path(dir_okay=False, exists=True),
    help="The territory's prefix table: `territory build --out FILE.json` (the inventory) "
    "or `--format csv`.",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, exists=True),
    help="Build a routing index from the IP→ASN files found here.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "table"]), default="table", show_default=True
)
@pass_context
@refusals("lakou.territory", TerritoryInputError=one_line)
def lookup(
    ctx: Context, ips: tuple[str, ...], index_file: str | None, data_dir: str | None, fmt: str
) -> None:
    """Print the origin AS, the territory and the matched prefix of each address."""
    from lakou.territory import lookup_addresses

    found = lookup_addresses(
        ips, _data_dir(ctx, data_dir), ctx.config.territory.countries, index_file=index_file
    )
    if fmt == "json":
        click.echo(json.dumps(found.as_dicts(), indent=2))
    else:
        _print_lookups(found)


def _print_lookups(found: AddressLookup) -> None:
    """The lookups as a table titled with their source."""
    from rich.table import Table

    from lakou.cli.output import console

    table = Table(title=_("source: {source}").format(source=found.source))
    for column in (_("address"), _("prefix"), _("origin AS"), _("territory")):
        table.add_column(column)
    for row in found.rows:
        table.add_row(
            row.ip,
            row.prefix or "-",
            str(row.asn) if row.asn is not None else "-",
            row.territory or "-",
        )
    console().print(table)


@cli.command()
@click.option("--data-dir", type=click.Path(file_okay=False), help="Where to write the files.")
@click.option("--only", multiple=True, help="Only these file names (keys of update_urls).")
@pass_context
def update(ctx: Context, data_dir: str | None, only: tuple[str, ...]) -> None:
    """Download the latest public files from their official sources."""
    from lakou.territory import update_public_files

    report = update_public_files(ctx.config.territory, _data_dir(ctx, data_dir), only)
    for name, outcome in report.items():
        click.echo(f"{name}: {outcome}")
    failed = sum(outcome.startswith("error") for outcome in report.values())
    if failed:
        raise click.ClickException(_("{n} download(s) failed").format(n=failed))
