"""``lakou whatif``: simulate BGP routing on the public AS graph (cable cuts, new members).

Runs on plain files (a CAIDA as-rel file, a scenario YAML); only ``scenario --registry``
reads the registry, through Django, and hands the engine plain exchange objects.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import _, language


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


def _asrel_path(ctx: Context, given: str | None, fallback: Path | None = None) -> Path:
    path = Path(given) if given else ctx.config.whatif.asrel or fallback
    if path is None:
        raise click.UsageError(
            _("no AS-relationship file: give --asrel FILE or set whatif.asrel in lakou.yml")
        )
    return Path(path)


def _load_graph(ctx: Context, path: Path) -> Any:
    from lakou.whatif.asrel import AsRelError, read_asrel
    from lakou.whatif.graph import AsGraph

    try:
        rel = read_asrel(path, strict=ctx.config.whatif.strict_asrel)
    except AsRelError as exc:
        raise click.ClickException(str(exc)) from None
    if rel.dropped:
        click.echo(
            _("{path}: {n} malformed lines dropped ({kinds})").format(
                path=path,
                n=sum(rel.dropped.values()),
                kinds=", ".join(f"{k}: {v}" for k, v in rel.dropped.items()),
            ),
            err=True,
        )
        for problem in rel.problems[:5]:
            click.echo("  " + problem, err=True)
    return AsGraph.from_asrel(rel)


def _compile(graph: Any) -> Any:
    from lakou.whatif.graph import ProviderCustomerCycle

    try:
        return graph.compile()
    except ProviderCustomerCycle as exc:
        raise click.ClickException(str(exc)) from None


def _node(compact: Any, asn: str) -> int:
    from lakou.whatif.graph import GraphError

    try:
        return int(compact.node(asn))
    except GraphError as exc:
        raise click.BadParameter(str(exc)) from None


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
def routes(
    ctx: Context, asrel: str | None, dest: str, fmt: str, full_path: bool, limit: int | None
) -> None:
    """Every AS's route to DEST: type, AS-path length (hops), next hop."""
    from lakou.whatif.kernel import ROUTE_TYPE_NAMES, route_tree

    compact = _compile(_load_graph(ctx, _asrel_path(ctx, asrel)))
    tree = route_tree(compact, _node(compact, dest))
    routes = tree.as_dict(full_path=full_path)
    if limit is None:
        limit = 0 if fmt == "json" else 50
    total = len(routes)
    if limit:
        # the closest first: they are the ones a cut or a new peering changes most
        def closeness(item: tuple[str, Any]) -> tuple[int, int, str]:
            label, entry = item
            length = int(entry["length"]) if entry is not None else 1 << 30
            return (length, len(label), label)

        routes = dict(sorted(routes.items(), key=closeness)[:limit])
    if fmt == "json":
        click.echo(json.dumps(routes, separators=(",", ":")))
        if len(routes) < total:
            with language(ctx.lang):
                click.echo(_more(total - len(routes)), err=True)
        return
    from rich.table import Table

    from lakou.cli.output import console

    with language(ctx.lang):
        table = Table(title=_("Routes to AS{dest}").format(dest=compact.labels[tree.dest]))
        for col in (_("AS"), _("route"), _("length"), _("next hop")) + (
            (_("AS path"),) if full_path else ()
        ):
            table.add_column(col)
        for label, entry in routes.items():
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
        if len(routes) < total:
            click.echo(_more(total - len(routes)))


def _more(hidden: int) -> str:
    return _("… and {n} more ASes (--limit 0 shows them all)").format(n=f"{hidden:,}")


@cli.command()
@click.option("--asrel", type=click.Path(exists=True, dir_okay=False), help="CAIDA as-rel file.")
@click.option("--from", "sources", multiple=True, required=True, help="Source AS (repeatable).")
@click.option("--to", "targets", multiple=True, required=True, help="Destination AS (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="table")
@pass_context
def reach(
    ctx: Context, asrel: str | None, sources: tuple[str, ...], targets: tuple[str, ...], fmt: str
) -> None:
    """Can each source still reach each destination? (a valley-free path exists)"""
    from lakou.whatif.reach import valley_free_path

    compact = _compile(_load_graph(ctx, _asrel_path(ctx, asrel)))
    rows = []
    for s in sources:
        for t in targets:
            path = valley_free_path(compact, _node(compact, s), _node(compact, t))
            rows.append(
                {
                    "from": compact.labels[_node(compact, s)],
                    "to": compact.labels[_node(compact, t)],
                    "reachable": path is not None,
                    "path": None if path is None else [compact.labels[v] for v in path],
                }
            )
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    with language(ctx.lang):
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
def scenario(
    ctx: Context, scenario_file: str, asrel: str | None, fmt: str, out: str | None, registry: bool
) -> None:
    """Run a scenario: pairs of local networks before/after, with/without the exchanges."""
    from lakou.whatif.graph import GraphError
    from lakou.whatif.report import headline, render_html, summary
    from lakou.whatif.scenario import run_scenario
    from lakou.whatif.scenario_file import ScenarioError, load_scenario

    try:
        spec = load_scenario(scenario_file)
    except ScenarioError as exc:
        raise click.ClickException(str(exc)) from None
    if registry:
        from lakou.cli.exchanges import load_exchanges
        from lakou.whatif.exchanges import exchange_specs

        exchanges = load_exchanges(ctx, registry=True)
        specs = exchange_specs(exchanges, ctx.config.whatif.route_server_family)
        spec = spec.model_copy(update={"exchanges": specs})
    graph = _load_graph(ctx, _asrel_path(ctx, asrel, spec.asrel_path()))
    steps = 5 + len(spec.candidates.members) + len(spec.candidates.peerings)
    with language(ctx.lang), _progress() as bar:
        task = bar.add_task(_("routing"), total=steps)

        def step(what: str) -> None:
            bar.update(task, advance=1, description=what)

        try:
            result = run_scenario(spec, graph, progress=step)
        except GraphError as exc:
            raise click.ClickException(str(exc)) from None
    with language(ctx.lang):
        if fmt == "html":
            text = render_html(result, ctx.lang)
        elif fmt == "json":
            text = json.dumps(summary(result), indent=2, ensure_ascii=False)
        else:
            text = "\n".join(headline(result))
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
def all_cmd(
    ctx: Context, asrel: str | None, workers: int | None, limit: int | None, out: str | None
) -> None:
    """Route towards every destination; totals, and per-destination rows to a CSV."""
    import numpy as np

    from lakou.whatif.alldest import DestinationRows, all_destinations

    compact = _compile(_load_graph(ctx, _asrel_path(ctx, asrel)))
    dests = np.arange(compact.n if limit is None else min(limit, compact.n), dtype=np.int32)
    handle = open(out, "w", newline="", encoding="utf-8") if out else None  # noqa: SIM115
    writer: csv.DictWriter[str] | None = None
    try:
        with language(ctx.lang), _progress() as bar:
            task = bar.add_task(_("destinations"), total=len(dests))

            def chunk(rows: DestinationRows) -> None:
                nonlocal writer
                if handle is not None:
                    for row in rows.rows(compact):
                        if writer is None:
                            writer = csv.DictWriter(handle, fieldnames=list(row))
                            writer.writeheader()
                        writer.writerow(row)
                bar.update(task, advance=len(rows.dests))

            total = all_destinations(
                compact,
                dests,
                workers=workers or ctx.config.whatif.workers,
                chunk=ctx.config.whatif.chunk,
                on_chunk=chunk,
            )
    finally:
        if handle is not None:
            handle.close()
    pairs = int(total.pairs_by_type[1:4].sum())
    with language(ctx.lang):
        click.echo(
            _(
                "{d} destinations, {p} (source, destination) pairs with a route, {n} without."
            ).format(d=total.destinations, p=pairs, n=int(total.pairs_by_type[0]))
        )
        click.echo(
            _("routes via a customer: {c}, via a peer: {q}, via a provider: {v}").format(
                c=int(total.pairs_by_type[3]),
                q=int(total.pairs_by_type[2]),
                v=int(total.pairs_by_type[1]),
            )
        )
        click.echo(_("ASes crossed by the most paths:"))
        for label, count in total.top_transit(compact, 10):
            click.echo(f"  AS{label}\t{count}")


@cli.command()
@click.option("--asrel", type=click.Path(exists=True, dir_okay=False), help="CAIDA as-rel file.")
@pass_context
def cycles(ctx: Context, asrel: str | None) -> None:
    """Report provider-customer cycles (they have no valley-free meaning)."""
    graph = _load_graph(ctx, _asrel_path(ctx, asrel))
    found = graph.find_p2c_cycles()
    with language(ctx.lang):
        if not found:
            click.echo(_("no provider-customer cycle"))
            return
        for cycle in found:
            click.echo(" > ".join(f"AS{x}" for x in [*cycle, cycle[0]]))
    sys.exit(1)
