"""``lakou whatif``: simulate BGP routing on the public AS graph (cable cuts, new members).

Runs on plain files (a CAIDA as-rel file, a scenario YAML); only ``scenario --registry``
reads the registry, through Django, and hands the engine plain exchange objects.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from lakou.cli.context import Context, pass_context
from lakou.cli.refusals import bad_parameter, one_line, refusals
from lakou.i18n import _
from lakou.i18n import gettext_noop as N_

if TYPE_CHECKING:
    from lakou.whatif import AllRoutes, RouteTable


def _console() -> Any:
    from lakou.cli.output import console

    return console(stderr=True)


def _progress() -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=_console(),
        transient=True,
    )


class _Bar:
    """The progress bar, shown from the engine's first step, not before: what comes
    first (a refusal, the malformed lines dropped) is printed alone, as it always was."""

    def __init__(self, description: str) -> None:
        self.description = description
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, steps: int, total: int, description: str | None = None) -> None:
        if self._bar is None:
            self._bar = _progress()
            self._bar.start()
            self._task = self._bar.add_task(self.description, total=total)
        self._bar.update(self._task, advance=steps, total=total, description=description)


_NO_ASREL = N_("no AS-relationship file: give --asrel FILE or set whatif.asrel in lakou.yml")


def _asrel_path(ctx: Context, given: str | None) -> Path:
    path = Path(given) if given else ctx.config.whatif.asrel
    if path is None:
        raise click.UsageError(_(_NO_ASREL))
    return Path(path)


def _warn(message: str) -> None:
    click.echo(message, err=True)


# The engine's refusals end the command in one line: an AS the graph lacks is a bad
# parameter, no AS-relationship file a usage error, anything else about the files an error.
_input_errors = refusals(
    "lakou.whatif",
    UnknownAsError=bad_parameter,
    NoAsRelError=lambda exc: click.UsageError(_(_NO_ASREL)),
    WhatifInputError=one_line,
)


@click.group()
def cli() -> None:
    """Simulate BGP routing: cable cuts, new members, new peerings."""


@cli.command()
@click.option("--asrel", type=click.Path(exists=True, dir_okay=False), help="CAIDA as-rel file.")
@click.option("--dest", required=True, help="Destination AS (e.g. 33392).")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table")
@click.option("--full-path", is_flag=True, help="Add each AS's full AS path.")
@click.option(
    "--limit",
    type=click.IntRange(0),
    help="Only the N ASes closest to DEST (shortest routes first); 0: all. "
    "Default: 50 in a table, all in JSON.",
)
@pass_context
@_input_errors
def routes(
    ctx: Context, asrel: str | None, dest: str, fmt: str, full_path: bool, limit: int | None
) -> None:
    """Every AS's route to DEST: type, AS-path length (hops), next hop."""
    from lakou.whatif import route_table

    found = route_table(
        _asrel_path(ctx, asrel),
        dest,
        strict=ctx.config.whatif.strict_asrel,
        full_path=full_path,
        limit=(0 if fmt == "json" else 50) if limit is None else limit,
        warn=_warn,
    )
    if fmt == "json":
        _print_routes_json(found)
    else:
        _print_routes_table(found, full_path)


def _print_routes_json(found: RouteTable) -> None:
    """The routes as one JSON line; how many were left out, on stderr."""
    click.echo(json.dumps(found.routes, separators=(",", ":")))
    if len(found.routes) < found.total:
        click.echo(_more(found.total - len(found.routes)), err=True)


def _print_routes_table(found: RouteTable, full_path: bool) -> None:
    """The routes as a table, then how many were left out."""
    from rich.table import Table

    from lakou.cli.output import console
    from lakou.whatif import ROUTE_TYPE_NAMES

    table = Table(title=_("Routes to AS{dest}").format(dest=found.dest))
    for col in (_("AS"), _("route"), _("length"), _("next hop")) + (
        (_("AS path"),) if full_path else ()
    ):
        table.add_column(col)
    for label, entry in found.routes.items():
        if entry is None:
            table.add_row(label, _(ROUTE_TYPE_NAMES["none"]), "", "")
            continue
        row = [
            label,
            _(ROUTE_TYPE_NAMES[str(entry["type"])]),
            str(entry["length"]),
            "" if entry["next_hop"] is None else str(entry["next_hop"]),
        ]
        if full_path:
            row.append(" ".join(str(x) for x in entry["path"]))  # type: ignore[attr-defined]
        table.add_row(*row)
    console().print(table)
    if len(found.routes) < found.total:
        click.echo(_more(found.total - len(found.routes)))


def _more(hidden: int) -> str:
    return _("… and {n} more ASes (--limit 0 shows them all)").format(n=f"{hidden:,}")


@cli.command()
@click.option("--asrel", type=click.Path(exists=True, dir_okay=False), help="CAIDA as-rel file.")
@click.option("--from", "sources", multiple=True, required=True, help="Source AS (repeatable).")
@click.option("--to", "targets", multiple=True, required=True, help="Destination AS (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table")
@pass_context
@_input_errors
def reach(
    ctx: Context, asrel: str | None, sources: tuple[str, ...], targets: tuple[str, ...], fmt: str
) -> None:
    """Can each source still reach each destination? (a valley-free path exists)"""
    from lakou.whatif import reachability

    rows = reachability(
        _asrel_path(ctx, asrel),
        sources,
        targets,
        strict=ctx.config.whatif.strict_asrel,
        warn=_warn,
    )
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
    else:
        _print_reach(rows)


def _print_reach(rows: list[dict[str, Any]]) -> None:
    """One sentence per (source, destination): the path, or none."""
    for row in rows:
        if row["reachable"]:
            click.echo(
                _("AS{a} reaches AS{b}: {path}").format(
                    a=row["from"], b=row["to"], path=" ".join(row["path"])
                )
            )
        else:
            click.echo(_("AS{a} cannot reach AS{b}").format(a=row["from"], b=row["to"]))


@cli.command()
@click.argument("scenario_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--asrel", type=click.Path(exists=True, dir_okay=False), help="CAIDA as-rel file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text")
@click.option("--out", type=click.Path(dir_okay=False), help="Write the report here.")
@click.option("--registry", is_flag=True, help="Take the exchanges and members from the registry.")
@pass_context
@_input_errors
def scenario(
    ctx: Context, scenario_file: str, asrel: str | None, fmt: str, out: str | None, registry: bool
) -> None:
    """Run a scenario: pairs of local networks before/after, with/without the exchanges."""
    from lakou.cli.exchanges import load_exchanges
    from lakou.whatif import render_report, run_scenario_files

    exchanges = load_exchanges(ctx, registry=True) if registry else None
    with _Bar(_("routing")) as bar:
        result = run_scenario_files(
            scenario_file,
            asrel or ctx.config.whatif.asrel,
            exchanges=exchanges,
            route_server_family=ctx.config.whatif.route_server_family,
            strict_asrel=ctx.config.whatif.strict_asrel,
            warn=_warn,
            progress=lambda what, steps: bar.advance(1, steps, what),
        )
    _deliver(render_report(result, fmt, ctx.lang), out)


def _deliver(text: str, out: str | None) -> None:
    """The report into ``out`` (said on stderr), else on stdout."""
    if out:
        Path(out).write_text(text, encoding="utf-8")
        click.echo(_("report written to {path}").format(path=out), err=True)
    else:
        click.echo(text)


@cli.command("all")
@click.option("--asrel", type=click.Path(exists=True, dir_okay=False), help="CAIDA as-rel file.")
@click.option("--workers", type=int, help="Threads (default: whatif.workers, else every core).")
@click.option("--limit", type=int, help="Only the first N destinations (by ASN).")
@click.option("--out", type=click.Path(dir_okay=False), help="Per-destination CSV (streamed).")
@pass_context
@_input_errors
def all_cmd(
    ctx: Context, asrel: str | None, workers: int | None, limit: int | None, out: str | None
) -> None:
    """Route towards every destination; totals, and per-destination rows to a CSV."""
    from lakou.whatif import route_all

    path = _asrel_path(ctx, asrel)
    with _Bar(_("destinations")) as bar:
        total = route_all(
            path,
            strict=ctx.config.whatif.strict_asrel,
            workers=workers or ctx.config.whatif.workers,
            chunk=ctx.config.whatif.chunk,
            limit=limit,
            out=out,
            progress=bar.advance,
            warn=_warn,
        )
    _print_totals(total)


def _print_totals(total: AllRoutes) -> None:
    """The totals of every destination's routes, and the ASes most crossed."""
    click.echo(
        _("{d} destinations, {p} (source, destination) pairs with a route, {n} without.").format(
            d=total.destinations, p=total.with_route, n=total.without_route
        )
    )
    click.echo(
        _("routes via a customer: {c}, via a peer: {q}, via a provider: {v}").format(
            c=total.via_customer, q=total.via_peer, v=total.via_provider
        )
    )
    click.echo(_("ASes crossed by the most paths:"))
    for label, count in total.top_transit:
        click.echo(f"  AS{label}\t{count}")


@cli.command()
@click.option("--asrel", type=click.Path(exists=True, dir_okay=False), help="CAIDA as-rel file.")
@pass_context
@_input_errors
def cycles(ctx: Context, asrel: str | None) -> None:
    """Report provider-customer cycles (they have no valley-free meaning)."""
    from lakou.whatif import provider_customer_cycles

    found = provider_customer_cycles(
        _asrel_path(ctx, asrel), strict=ctx.config.whatif.strict_asrel, warn=_warn
    )
    if not found:
        click.echo(_("no provider-customer cycle"))
        return
    for cycle in found:
        click.echo(" > ".join(f"AS{x}" for x in [*cycle, cycle[0]]))
    sys.exit(1)
