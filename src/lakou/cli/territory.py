"""``lakou territory``: build the inventory, look addresses up, fetch the public files."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import gettext as _


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
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from lakou.cli.output import console
    from lakou.territory import EXPORTERS, build_inventory, discover

    config = ctx.config.territory
    directory = Path(data_dir or config.data_dir or _default_dir(ctx))
    if not directory.is_dir():
        raise click.ClickException(_("data directory not found: {path}").format(path=directory))
    from lakou.cli.exchanges import load_exchanges
    from lakou.territory import read_ixf

    exchanges = load_exchanges(ctx, registry=registry, files=ixf, read=read_ixf)
    files = discover(directory)
    if files.count() == 0:
        raise click.ClickException(_("no source file found in {path}").format(path=directory))
    wanted = countries.split(",") if countries else None
    err = console(stderr=True)
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err
    ) as progress:
        task = progress.add_task(_("reading sources"), total=None)
        inventory = build_inventory(
            files,
            config,
            exchanges,
            progress=lambda message: progress.update(task, description=message),
            countries=wanted,
            include_global=include_global,
        )
    text = EXPORTERS[fmt](inventory)
    if out:
        Path(out).write_text(text, encoding="utf-8")
        classes = Counter(n.network_class for n in inventory.networks)
        err.print(
            _(
                "{prefixes} prefixes, {networks} networks ({local} local, {regional} regional, "
                "{glob} global, {elsewhere} elsewhere; {invite} to invite) -> {out}"
            ).format(
                prefixes=len(inventory.prefixes),
                networks=len(inventory.networks),
                local=classes["local"],
                regional=classes["regional"],
                glob=classes["global"],
                elsewhere=classes["elsewhere"],
                invite=len(inventory.invitations()),
                out=out,
            )
        )
    else:
        click.echo(text, nl=False)


def _default_dir(ctx: Context) -> Path:
    return Path(ctx.config.core.data_dir) / "territory"


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
def lookup(
    ctx: Context, ips: tuple[str, ...], index_file: str | None, data_dir: str | None, fmt: str
) -> None:
    """Print the origin AS, the territory and the matched prefix of each address."""
    from lakou.territory import (
        DataDirLookup,
        PrefixIndex,
        PrefixIndexError,
        index_from_data_dir,
        read_prefix_table,
    )

    try:
        if index_file:
            index: PrefixIndex | DataDirLookup = read_prefix_table(index_file)
            source = index_file
        else:
            directory = Path(data_dir or ctx.config.territory.data_dir or _default_dir(ctx))
            index, source = index_from_data_dir(directory, ctx.config.territory.countries)
        results = index.lookup(list(ips))
    except (PrefixIndexError, ValueError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    rows = [
        {"ip": ip, "prefix": prefix, "asn": asn, "territory": territory, "source": source}
        for ip, (prefix, asn, territory) in zip(ips, results, strict=True)
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    from lakou.cli.output import console

    table = Table(title=_("source: {source}").format(source=source))
    for column in (_("address"), _("prefix"), _("origin AS"), _("territory")):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["ip"]),
            str(row["prefix"] or "-"),
            str(row["asn"]) if row["asn"] is not None else "-",
            str(row["territory"] or "-"),
        )
    console().print(table)


@cli.command()
@click.option("--data-dir", type=click.Path(file_okay=False), help="Where to write the files.")
@click.option("--only", multiple=True, help="Only these file names (keys of update_urls).")
@pass_context
def update(ctx: Context, data_dir: str | None, only: tuple[str, ...]) -> None:
    """Download the latest public files from their official sources."""
    from lakou.territory import download_all

    config = ctx.config.territory
    directory = Path(data_dir or config.data_dir or _default_dir(ctx))
    urls = {k: v for k, v in config.update_urls.items() if not only or k in only}
    for i, url in enumerate(config.geofeed_urls):
        if not only or f"geofeed-{i}.csv" in only:
            urls[f"geofeed-{i}.csv"] = url
    report = download_all(urls, directory, timeout=config.download_timeout_seconds)
    failed = 0
    for name, outcome in report.items():
        click.echo(f"{name}: {outcome}")
        failed += outcome.startswith("error")
    if failed:
        raise click.ClickException(_("{n} download(s) failed").format(n=failed))
