"""What-if runs from files: one call per question, for the command line and the portal.

Each function reads the CAIDA AS-relationship file (:func:`read_graph`; malformed lines
dropped are told to ``warn``, when given), asks the engine and returns plain results
for the caller to print: :func:`route_table` (every AS's route to one destination),
:func:`reachability` (valley-free paths between ASes), :func:`route_all` (every
destination, totals and a streamed CSV), :func:`provider_customer_cycles` and
:func:`run_scenario_files` (a scenario YAML, optionally on the registry's exchanges).
Everything that can go wrong with the files (unreadable, malformed, a cut naming a link
the graph lacks, a provider-customer cycle) becomes one :class:`WhatifInputError`
naming the file and the place; an AS the caller names that the graph lacks is an
:class:`UnknownAsError`, a scenario without an AS-relationship file a
:class:`NoAsRelError` (both are :class:`WhatifInputError`).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lakou.exchange import Exchange
from lakou.i18n import gettext as _
from lakou.whatif.asrel import AsRelError, read_asrel
from lakou.whatif.exchanges import Family
from lakou.whatif.graph import AsGraph, CompactGraph, GraphError, ProviderCustomerCycle
from lakou.whatif.scenario import ScenarioResult, run_scenario
from lakou.whatif.scenario_file import ScenarioError, load_scenario

Warn = Callable[[str], None]  # one line about the input, for the reader
Steps = Callable[[str, int], None]  # (the step starting, steps in all)
Advance = Callable[[int, int], None]  # (destinations just routed, destinations in all)


class WhatifInputError(ValueError):
    """A scenario or AS-relationship file that cannot be used, with where and why."""


class UnknownAsError(WhatifInputError):
    """An AS the caller names (a destination, a source) is not in the graph."""


class NoAsRelError(WhatifInputError):
    """No AS-relationship file: neither given nor named by the scenario."""


def read_graph(path: str | Path, *, strict: bool = False, warn: Warn | None = None) -> AsGraph:
    """The AS graph of a CAIDA ``as-rel`` file; ``warn`` hears how many malformed lines
    were dropped (and the first few)."""
    try:
        rel = read_asrel(path, strict=strict)
    except AsRelError as exc:
        raise WhatifInputError(str(exc)) from None
    if rel.dropped and warn is not None:
        warn(
            _("{path}: {n} malformed lines dropped ({kinds})").format(
                path=path,
                n=sum(rel.dropped.values()),
                kinds=", ".join(f"{k}: {v}" for k, v in rel.dropped.items()),
            )
        )
        for problem in rel.problems[:5]:
            warn("  " + problem)
    return AsGraph.from_asrel(rel)


def _compiled(path: str | Path, strict: bool, warn: Warn | None) -> CompactGraph:
    try:
        return read_graph(path, strict=strict, warn=warn).compile()
    except ProviderCustomerCycle as exc:
        raise WhatifInputError(str(exc)) from None


def _node(graph: CompactGraph, asn: str) -> int:
    try:
        return int(graph.node(asn))
    except GraphError as exc:
        raise UnknownAsError(str(exc)) from None


@dataclass
class RouteTable:
    """Routes to ``dest`` (its label), AS label -> route (None: no route), the closest
    first when cut to a limit; ``total`` ASes in all."""

    dest: str
    routes: dict[str, dict[str, object] | None]
    total: int


def route_table(
    asrel: str | Path,
    dest: str,
    *,
    strict: bool = False,
    full_path: bool = False,
    limit: int = 0,
    warn: Warn | None = None,
) -> RouteTable:
    """Every AS's route to ``dest`` (type, length, next hop; ``full_path``: the AS path);
    ``limit``: only the N ASes closest to ``dest`` (shortest routes first), 0: all."""
    from lakou.whatif.kernel import route_tree

    compact = _compiled(asrel, strict, warn)
    tree = route_tree(compact, _node(compact, dest))
    routes = tree.as_dict(full_path=full_path)
    total = len(routes)
    if limit:
        # the closest first: they are the ones a cut or a new peering changes most
        def closeness(item: tuple[str, Any]) -> tuple[int, int, str]:
            label, entry = item
            length = int(entry["length"]) if entry is not None else 1 << 30
            return (length, len(label), label)

        routes = dict(sorted(routes.items(), key=closeness)[:limit])
    return RouteTable(compact.labels[tree.dest], routes, total)


def reachability(
    asrel: str | Path,
    sources: Sequence[str],
    targets: Sequence[str],
    *,
    strict: bool = False,
    warn: Warn | None = None,
) -> list[dict[str, Any]]:
    """For each (source, target): ``from``, ``to``, ``reachable`` (a valley-free path
    exists) and that ``path`` (AS labels, None when unreachable)."""
    from lakou.whatif.reach import valley_free_path

    compact = _compiled(asrel, strict, warn)
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
    return rows


@dataclass
class AllRoutes:
    """Totals of :func:`route_all` over every (source, destination) pair."""

    destinations: int
    with_route: int
    without_route: int
    via_customer: int
    via_peer: int
    via_provider: int
    top_transit: list[tuple[str, int]]  # the ASes crossed by the most paths, and how many


def route_all(
    asrel: str | Path,
    *,
    strict: bool = False,
    workers: int | None = None,
    chunk: int = 2048,
    limit: int | None = None,
    out: str | Path | None = None,
    progress: Advance | None = None,
    warn: Warn | None = None,
    top: int = 10,
) -> AllRoutes:
    """Route towards every destination (``limit``: the first N by ASN) on ``workers``
    threads; ``out``: the per-destination rows, streamed to a CSV file as they come."""
    import numpy as np

    from lakou.whatif.alldest import DestinationRows, all_destinations

    compact = _compiled(asrel, strict, warn)
    dests = np.arange(compact.n if limit is None else min(limit, compact.n), dtype=np.int32)
    handle = open(out, "w", newline="", encoding="utf-8") if out else None  # noqa: SIM115
    writer: csv.DictWriter[str] | None = None

    def each_chunk(rows: DestinationRows) -> None:
        nonlocal writer
        if handle is not None:
            for row in rows.rows(compact):
                if writer is None:
                    writer = csv.DictWriter(handle, fieldnames=list(row))
                    writer.writeheader()
                writer.writerow(row)
        if progress is not None:
            progress(len(rows.dests), len(dests))

    try:
        total = all_destinations(compact, dests, workers=workers, chunk=chunk, on_chunk=each_chunk)
    finally:
        if handle is not None:
            handle.close()
    by_type = total.pairs_by_type
    return AllRoutes(
        destinations=total.destinations,
        with_route=int(by_type[1:4].sum()),
        without_route=int(by_type[0]),
        via_customer=int(by_type[3]),
        via_peer=int(by_type[2]),
        via_provider=int(by_type[1]),
        top_transit=total.top_transit(compact, top),
    )


def provider_customer_cycles(
    asrel: str | Path, *, strict: bool = False, warn: Warn | None = None
) -> list[list[str]]:
    """The provider-customer cycles of the graph (they have no valley-free meaning)."""
    return read_graph(asrel, strict=strict, warn=warn).find_p2c_cycles()


def run_scenario_files(
    scenario: str | Path,
    asrel: str | Path | None = None,
    *,
    exchanges: Iterable[Exchange] | None = None,
    route_server_family: Family = "any",
    strict_asrel: bool = False,
    warn: Warn | None = None,
    progress: Steps | None = None,
) -> ScenarioResult:
    """Run the scenario file on the AS graph of ``asrel`` (default: the scenario's own
    ``asrel`` key); with ``exchanges``, they replace the scenario's exchanges.
    ``progress`` hears each step of the routing and how many there are."""
    try:
        spec = load_scenario(scenario)
    except ScenarioError as exc:
        raise WhatifInputError(str(exc)) from None
    if exchanges is not None:
        from lakou.whatif.exchanges import exchange_specs

        specs = exchange_specs(list(exchanges), route_server_family)
        spec = spec.model_copy(update={"exchanges": specs})
    path = Path(asrel) if asrel else spec.asrel_path()
    if path is None:
        raise NoAsRelError(
            _("{file}: no AS-relationship file (whatif.asrel, or the scenario's asrel key)").format(
                file=scenario
            )
        )
    graph = read_graph(path, strict=strict_asrel, warn=warn)
    steps = 5 + len(spec.candidates.members) + len(spec.candidates.peerings)
    tell = progress

    def step(what: str) -> None:
        if tell is not None:
            tell(what, steps)

    try:
        return run_scenario(spec, graph, progress=step)
    except GraphError as exc:
        raise WhatifInputError(str(exc)) from None
