"""``lakou paths``: analyse traceroutes (RIPE Atlas, scamper JSON, warts)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lakou.cli.context import Context, pass_context
from lakou.cli.refusals import one_line, refusals
from lakou.i18n import gettext as _

if TYPE_CHECKING:
    from lakou.paths import PathsAnalysis


@click.group()
def cli() -> None:
    """Traceroutes: exchange crossings and paths leaving the territory."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--territory",
    "territory_csv",
    type=click.Path(dir_okay=False, exists=True),
    help="The territory's prefix table (territory build: the inventory JSON, or --format csv).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, exists=True),
    help="Public files: IP→ASN, IP→country, PeeringDB, PCH.",
)
@click.option("--countries", help="ISO codes of the territory (default: territory.countries).")
@click.option(
    "--ixf",
    multiple=True,
    type=click.Path(dir_okay=False, exists=True),
    help="IX-F member export of an exchange (its LANs and members).",
)
@click.option("--registry", is_flag=True, help="Use the registry's exchanges.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "html"]),
    default="json",
    show_default=True,
)
@click.option("--out", type=click.Path(dir_okay=False), help="Output file (default: stdout).")
@click.option("--mesh-out", type=click.Path(dir_okay=False), help="Write the probe matrix (JSON).")
@click.option(
    "--lenient", is_flag=True, help="Skip malformed results (counted) instead of failing."
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    help="Where to keep the built IP indexes between runs (default: core.data_dir/cache).",
)
@click.option("--no-cache", is_flag=True, help="Build the IP indexes afresh, keep nothing.")
@pass_context
@refusals("lakou.paths", PathsInputError=one_line)
def analyze(
    ctx: Context,
    files: tuple[str, ...],
    territory_csv: str | None,
    data_dir: str | None,
    countries: str | None,
    ixf: tuple[str, ...],
    registry: bool,
    fmt: str,
    out: str | None,
    mesh_out: str | None,
    lenient: bool,
    cache_dir: str | None,
    no_cache: bool,
) -> None:
    """Per traceroute: exchange crossings, left the territory or not, and the evidence."""
    from lakou.cli.exchanges import load_exchanges
    from lakou.paths import analyze_files
    from lakou.paths.config import Config as PathsConfig
    from lakou.territory import read_ixf
    from lakou.territory.config import Config as TerritoryConfig

    # the sections this command reads, validated alone (not every component's config)
    analysis = analyze_files(
        files,
        countries.split(",") if countries else ctx.section("territory", TerritoryConfig).countries,
        data_dir=data_dir,
        territory=territory_csv,
        exchanges=load_exchanges(ctx, registry=registry, files=ixf, read=read_ixf),
        config=ctx.section("paths", PathsConfig),
        cache_dir=None if no_cache else Path(cache_dir or ctx.core.data_dir / "cache"),
        strict=not lenient,
        warn=lambda message: click.echo(_("warning: {m}").format(m=message), err=True),
    )
    _deliver(analysis, fmt, out, mesh_out)


def _deliver(analysis: PathsAnalysis, fmt: str, out: str | None, mesh_out: str | None) -> None:
    """What was skipped (stderr), the probe matrix into ``mesh_out``, the results in
    ``fmt`` into ``out`` or on stdout."""
    if analysis.skipped_malformed:
        click.echo(_("skipped: {d}").format(d=json.dumps(analysis.counters.as_dict())), err=True)
    text = analysis.render(fmt)
    if mesh_out:
        Path(mesh_out).write_text(analysis.mesh_json())
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
