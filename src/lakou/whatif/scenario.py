"""Run a scenario: the territory's routes before and after an event, with and without
its exchanges, and the candidate members or peerings ranked by what they bring.

Four states of the graph are routed: before and after the event (cuts, then added
links), each with and without the exchanges (route-server hubs and bilateral sessions
over the exchange). For each, only the territory's own pairs are kept: whether the
source has a route to the destination AS at all, and whether the chosen BGP path stays
inside the territory. Routing trees are computed towards each territory AS (k trees for
k local networks), so a scenario on the whole Internet graph takes seconds. Candidates
are each added alone to the "with exchanges" states and scored by the pairs they
reconnect during the event, then by the paths they keep local in normal times.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from lakou.i18n import gettext as _
from lakou.whatif.asrel import AsRelationships
from lakou.whatif.graph import AsGraph, GraphError
from lakou.whatif.kernel import NONE, RouteWorkspace
from lakou.whatif.scenario_file import Scenario, bridged_groups

STATES = ("before", "before-no-ix", "after", "after-no-ix")
Progress = Callable[[str], None]


@dataclass
class StateResult:
    """The territory's pairs in one state: reachable, staying domestic, the paths."""

    key: str
    labels: list[str]
    reach: npt.NDArray[np.bool_]  # [source, destination]
    domestic: npt.NDArray[np.bool_]
    route_type: npt.NDArray[np.int8]
    paths: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)

    @property
    def pairs(self) -> int:
        k = len(self.labels)
        return k * (k - 1)

    @property
    def reachable_pairs(self) -> int:
        return int(self.reach.sum() - np.trace(self.reach))

    @property
    def domestic_pairs(self) -> int:
        return int(self.domestic.sum() - np.trace(self.domestic))

    @property
    def reachable_share(self) -> float:
        return self.reachable_pairs / self.pairs if self.pairs else 0.0

    @property
    def domestic_share(self) -> float:
        """Of the pairs that reach each other, the share whose path stays domestic."""
        return self.domestic_pairs / self.reachable_pairs if self.reachable_pairs else 0.0

    def isolated(self) -> list[str]:
        """Territory ASes that reach no other territory AS."""
        k = len(self.labels)
        return [
            self.labels[i]
            for i in range(k)
            if not any(self.reach[i, j] for j in range(k) if j != i)
        ]


@dataclass
class CandidateGain:
    kind: str  # "member" or "peering"
    subject: str  # "AS64500 at caribix" / "AS64500-AS64501"
    reconnected: int  # pairs reachable after the event, more than without it
    kept_local_event: int  # more domestic paths after the event
    kept_local_normal: int  # more domestic paths before the event
    ases: tuple[str, ...] = ()  # the member (one AS) or the two peers
    exchange: str | None = None  # the member's exchange hub

    def describe(self) -> str:
        """The subject in the current language (``subject`` keeps the run's language)."""
        if self.kind == "member" and self.ases and self.exchange:
            return _("AS{asn} at {exchange}").format(asn=self.ases[0], exchange=self.exchange)
        return " - ".join(f"AS{a}" for a in self.ases) or self.subject


@dataclass
class ScenarioResult:
    scenario: Scenario
    labels: list[str]
    territory_of: dict[str, str]
    states: dict[str, StateResult]
    cut_links: list[tuple[str, str, str]]
    added_links: list[tuple[str, str, str]]
    missing: list[str]
    hubs: dict[str, list[str]]
    graph_before: AsGraph
    graph_after: AsGraph
    candidates: list[CandidateGain] = field(default_factory=list)

    def changed_paths(self, a: str = "before", b: str = "after") -> int:
        sa, sb = self.states[a], self.states[b]
        keys = set(sa.paths) | set(sb.paths)
        return sum(1 for key in keys if sa.paths.get(key) != sb.paths.get(key))

    def name(self, label: str) -> str:
        return self.scenario.as_name(label)


def build_graph(
    scenario: Scenario, rel: AsRelationships | AsGraph, *, with_exchanges: bool = True
) -> tuple[AsGraph, list[str]]:
    """The public graph with the scenario's territory on it (splits, peerings, exchanges).

    Peerings already in the public graph stay in both states: a session that CAIDA saw
    exists whether or not this exchange carries it.
    """
    graph = rel.copy() if isinstance(rel, AsGraph) else AsGraph.from_asrel(rel)
    for split in scenario.split:
        try:
            graph.split_as(split.asn, dict(split.parts), split.main)
        except GraphError as exc:
            raise GraphError(
                _("split of AS{asn}: {error}").format(asn=split.asn, error=exc)
            ) from None
    missing = [a for a in scenario.territory_ases if a not in graph.nodes]
    for label in missing:
        graph.add_as(label)
    for a, b in scenario.peerings:
        if graph.link(a, b) is None:
            graph.add_link(a, b, "peer")
    if with_exchanges:
        for name, members in exchange_groups(scenario).items():
            graph.add_hub(name, members)
        for ex in scenario.exchanges:
            for a, b in ex.bilateral:
                if graph.link(a, b) is None:
                    graph.add_link(a, b, "peer")
    return graph, missing


def exchange_groups(scenario: Scenario) -> dict[str, list[str]]:
    """One hub per set of exchanges joined by layer-2 bridges (their route servers meet)."""
    return bridged_groups(scenario.exchanges)


def hub_of(scenario: Scenario, slug: str | None) -> str:
    groups = exchange_groups(scenario)
    if not groups:
        raise GraphError(_("the scenario has no exchange to join"))
    if slug is None:
        return sorted(groups)[0]
    for name in groups:
        if slug in name.split("+"):
            return name
    raise GraphError(_("unknown exchange: {slug}").format(slug=slug))


Link = tuple[str, str, str]


def event_cuts(scenario: Scenario, graph: AsGraph) -> list[Link]:
    """The links the event cuts in ``graph``: (provider or first AS, second AS, kind)."""
    inside = set(scenario.territory_ases)
    cut: dict[tuple[str, str], str] = {}
    for c in scenario.cut:
        if c.international_transit or c.international_links:
            for p, cu in graph.provider_customer:
                if (cu in inside) != (p in inside) and (c.international_links or cu in inside):
                    cut[(p, cu)] = "provider-customer"
            if c.international_links:
                for a, b in graph.peers:
                    if (a in inside) != (b in inside):
                        cut[(a, b)] = "peer"
        for a, b in c.links:
            found = graph.link(a, b)
            if found is None:
                raise GraphError(
                    _("cut {name!r}: no link AS{a}-AS{b} in the graph").format(
                        name=c.name, a=a, b=b
                    )
                )
            cut[(found[1], found[2])] = found[0]
    return sorted((a, b, k) for (a, b), k in cut.items())


def apply_event(scenario: Scenario, graph: AsGraph, cut: list[Link]) -> tuple[AsGraph, list[Link]]:
    """The graph after the event: its cuts, then its added links."""
    after = graph.copy()
    for a, b, _kind in cut:
        after.remove_link(a, b)
    added: list[Link] = []
    for link in scenario.add:
        after.add_link(link.a, link.b, link.kind)
        added.append((link.a, link.b, link.kind))
    return after, added


def route_state(key: str, graph: AsGraph, labels: list[str]) -> StateResult:
    compact = graph.compile()
    k = len(labels)
    idx = [compact.index[label] for label in labels]
    inside = set(idx)
    reach = np.zeros((k, k), dtype=bool)
    domestic = np.zeros((k, k), dtype=bool)
    rtype = np.zeros((k, k), dtype=np.int8)
    paths: dict[tuple[int, int], tuple[str, ...]] = {}
    work = RouteWorkspace(compact)
    for j, dest in enumerate(idx):
        tree = work.run(dest)
        for i, src in enumerate(idx):
            rtype[i, j] = tree.rtype[src]
            if tree.rtype[src] == NONE:
                continue
            reach[i, j] = True
            path = tree.path(src)
            domestic[i, j] = all(v in inside for v in path)
            if i != j:
                paths[(i, j)] = tuple(compact.labels[v] for v in path)
    return StateResult(key, labels, reach, domestic, rtype, paths)


def run_scenario(
    scenario: Scenario,
    rel: AsRelationships | AsGraph,
    *,
    progress: Progress | None = None,
) -> ScenarioResult:
    """Route the four states and rank the candidates (``progress`` is told each step)."""
    step = progress or (lambda _msg: None)
    step("graph")
    graph, missing = build_graph(scenario, rel)
    bare, _missing = build_graph(scenario, rel, with_exchanges=False)
    territory_of = scenario.territory_ases
    labels = sorted(territory_of, key=lambda x: (territory_of[x], x))
    cut = event_cuts(scenario, graph)
    after, added = apply_event(scenario, graph, cut)
    bare_after, _added = apply_event(scenario, bare, cut)
    graphs = {"before": graph, "before-no-ix": bare, "after": after, "after-no-ix": bare_after}
    states = {}
    for key in STATES:
        step(key)
        states[key] = route_state(key, graphs[key], labels)
    result = ScenarioResult(
        scenario=scenario,
        labels=labels,
        territory_of=territory_of,
        states=states,
        cut_links=cut,
        added_links=added,
        missing=missing,
        hubs={k: sorted(v) for k, v in graph.hubs.items()},
        graph_before=graph,
        graph_after=after,
    )
    for cand in scenario.candidates.members:
        hub = hub_of(scenario, cand.exchange)
        subject = _("AS{asn} at {exchange}").format(asn=cand.asn, exchange=hub)

        def join(g: AsGraph, hub: str = hub, asn: str = cand.asn) -> AsGraph:
            g = g.copy()
            g.add_hub(hub, [asn])
            return g

        step(subject)
        gain = _score("member", subject, join, graphs, states, labels)
        gain.ases, gain.exchange = (cand.asn,), hub
        result.candidates.append(gain)
    for a, b in scenario.candidates.peerings:
        subject = f"AS{a} - AS{b}"

        def peer(g: AsGraph, a: str = a, b: str = b) -> AsGraph:
            g = g.copy()
            if g.link(a, b) is None:
                g.add_link(a, b, "peer")
            return g

        step(subject)
        gain = _score("peering", subject, peer, graphs, states, labels)
        gain.ases = (a, b)
        result.candidates.append(gain)
    result.candidates.sort(
        key=lambda c: (-c.reconnected, -c.kept_local_event, -c.kept_local_normal, c.subject)
    )
    return result


def _score(
    kind: str,
    subject: str,
    change: Callable[[AsGraph], AsGraph],
    graphs: dict[str, AsGraph],
    states: dict[str, StateResult],
    labels: list[str],
) -> CandidateGain:
    event = route_state("after", change(graphs["after"]), labels)
    normal = route_state("before", change(graphs["before"]), labels)
    return CandidateGain(
        kind=kind,
        subject=subject,
        reconnected=event.reachable_pairs - states["after"].reachable_pairs,
        kept_local_event=event.domestic_pairs - states["after"].domestic_pairs,
        kept_local_normal=normal.domestic_pairs - states["before"].domestic_pairs,
    )
