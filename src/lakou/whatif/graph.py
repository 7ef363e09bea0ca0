"""The AS graph a what-if scenario edits, and its compact form for the routing kernel.

:class:`AsGraph` is the editable graph: ASes (a label per node: ``"64500"``, or
``"64500@GP"`` for one territory's part of a split AS), provider-customer links, peer
links and exchange hubs. An exchange's route server is a *hub*: any two of its clients
are one peer hop apart, so it is stored as a member list (O(members)) and never expanded
into a full mesh of links. Scenarios cut links, add links and split ASes on copies of it.

:meth:`AsGraph.compile` turns it into a :class:`CompactGraph`: nodes numbered in the
order of their ASN (so "lowest next-hop ASN" is "lowest node number" in the kernel),
neighbours in CSR arrays (``ptr``/``idx`` pairs), hub membership both ways, and a
topological order of the provider-customer hierarchy. A provider-customer cycle has no
valley-free meaning (it would make an AS its own indirect provider); compiling a graph
with one raises :class:`ProviderCustomerCycle` naming the cycles found.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Literal

import numpy as np
import numpy.typing as npt

from lakou.i18n import gettext as _
from lakou.vocabulary import parse_asn
from lakou.whatif.asrel import MAX_ASN, AsRelationships

LinkKind = Literal["provider-customer", "peer"]
Node = int | str
IntArray = npt.NDArray[np.int32]


class GraphError(ValueError):
    """An edit that makes no sense on this graph (unknown AS, bad split...)."""


class ProviderCustomerCycle(GraphError):
    """The provider-customer links form at least one cycle."""

    def __init__(self, cycles: list[list[str]]) -> None:
        self.cycles = cycles
        shown = "; ".join(" > ".join([*c, c[0]]) for c in cycles[:5])
        more = "" if len(cycles) <= 5 else _(" (and {n} more)").format(n=len(cycles) - 5)
        super().__init__(
            _("provider-customer cycles (provider > customer): {cycles}{more}").format(
                cycles=shown, more=more
            )
        )


def label_of(node: Node) -> str:
    """The node label for an ASN (``64500``, ``"AS64500"``) or a virtual AS (``"64500@GP"``)."""
    if isinstance(node, int) and not isinstance(node, bool):
        if not 1 <= node <= MAX_ASN:
            raise GraphError(_("AS number out of range: {asn}").format(asn=node))
        return str(node)
    if isinstance(node, str):
        base, sep, part = node.strip().partition("@")
        asn = parse_asn(base)
        if asn is not None and (not sep or part):
            return f"{asn}@{part}" if sep else str(asn)
    raise GraphError(_("not an AS: {value!r}").format(value=node))


def asn_of(label: str) -> int:
    return int(label.partition("@")[0])


def _node_key(label: str) -> tuple[int, str]:
    # Real ASes before their virtual parts, virtual parts in name order: a total order
    # that equals ASN order on graphs without split ASes (the BGPy tie-break).
    base, _sep, part = label.partition("@")
    return int(base), part


@dataclass
class AsGraph:
    """An editable AS graph: nodes, provider-customer links, peerings, exchange hubs."""

    nodes: set[str] = field(default_factory=set)
    provider_customer: set[tuple[str, str]] = field(default_factory=set)
    peers: set[tuple[str, str]] = field(default_factory=set)
    hubs: dict[str, set[str]] = field(default_factory=dict)
    ixp_asns: frozenset[int] = frozenset()
    input_clique: frozenset[int] = frozenset()

    # ---- building -------------------------------------------------------------------
    @classmethod
    def from_asrel(cls, rel: AsRelationships) -> AsGraph:
        graph = cls(ixp_asns=rel.ixp_asns, input_clique=rel.input_clique)
        graph.nodes = {str(a) for a in rel.asns}
        graph.provider_customer = {(str(p), str(c)) for p, c in rel.provider_customer}
        graph.peers = {_pair(str(a), str(b)) for a, b in rel.peers}
        return graph

    @classmethod
    def from_links(
        cls,
        provider_customer: Iterable[tuple[Node, Node]] = (),
        peers: Iterable[tuple[Node, Node]] = (),
        hubs: dict[str, Iterable[Node]] | None = None,
        nodes: Iterable[Node] = (),
    ) -> AsGraph:
        graph = cls()
        for n in nodes:
            graph.add_as(n)
        for p, c in provider_customer:
            graph.add_link(p, c, "provider-customer")
        for a, b in peers:
            graph.add_link(a, b, "peer")
        for name, members in (hubs or {}).items():
            graph.add_hub(name, members)
        return graph

    def copy(self) -> AsGraph:
        return AsGraph(
            nodes=set(self.nodes),
            provider_customer=set(self.provider_customer),
            peers=set(self.peers),
            hubs={k: set(v) for k, v in self.hubs.items()},
            ixp_asns=self.ixp_asns,
            input_clique=self.input_clique,
        )

    def add_as(self, node: Node) -> str:
        label = label_of(node)
        self.nodes.add(label)
        return label

    def require(self, node: Node) -> str:
        label = label_of(node)
        if label not in self.nodes:
            raise GraphError(_("AS{label} is not in the graph").format(label=label))
        return label

    def link(self, a: Node, b: Node) -> tuple[LinkKind, str, str] | None:
        """The link between ``a`` and ``b``: its kind and, for transit, (provider, customer)."""
        la, lb = label_of(a), label_of(b)
        if (la, lb) in self.provider_customer:
            return "provider-customer", la, lb
        if (lb, la) in self.provider_customer:
            return "provider-customer", lb, la
        if _pair(la, lb) in self.peers:
            return "peer", *_pair(la, lb)
        return None

    def add_link(self, a: Node, b: Node, kind: LinkKind) -> bool:
        """Add ``a``-``b`` (``a`` the provider for transit); replaces another kind. True if new."""
        la, lb = self.add_as(a), self.add_as(b)
        if la == lb:
            raise GraphError(_("AS{label} cannot be linked to itself").format(label=la))
        existed = self.remove_link(la, lb)
        if kind == "provider-customer":
            self.provider_customer.add((la, lb))
        elif kind == "peer":
            self.peers.add(_pair(la, lb))
        else:
            raise GraphError(_("unknown link kind: {kind!r}").format(kind=kind))
        return not existed

    def remove_link(self, a: Node, b: Node) -> bool:
        la, lb = label_of(a), label_of(b)
        found = False
        for key in ((la, lb), (lb, la)):
            if key in self.provider_customer:
                self.provider_customer.discard(key)
                found = True
        if _pair(la, lb) in self.peers:
            self.peers.discard(_pair(la, lb))
            found = True
        return found

    def add_hub(self, name: str, members: Iterable[Node]) -> set[str]:
        """An exchange's route server: any two members are one peer hop apart."""
        labels = {self.add_as(m) for m in members}
        self.hubs.setdefault(name, set()).update(labels)
        return self.hubs[name]

    def providers(self, node: Node) -> list[str]:
        label = label_of(node)
        return sorted((p for p, c in self.provider_customer if c == label), key=_node_key)

    def customers(self, node: Node) -> list[str]:
        label = label_of(node)
        return sorted((c for p, c in self.provider_customer if p == label), key=_node_key)

    def split_as(
        self, node: Node, parts: dict[str, Sequence[Node]], main: str | None = None
    ) -> list[str]:
        """Split an AS present in several territories into one virtual AS per territory.

        ``parts`` maps a territory code to the neighbours whose links move to that part.
        With ``main``, the whole AS becomes ``ASN@main`` (keeping every link not moved) and
        the other parts are its customers: they reach the world over the operator's own
        backbone through the main part. Without it, the AS keeps its label and links, and
        each part is its customer. Hub memberships stay with the main (or whole) AS unless
        a hub name is listed among a part's neighbours.
        """
        label = self.require(node)
        if "@" in label:
            raise GraphError(_("AS{label} is already a part of a split AS").format(label=label))
        if main is not None and main not in parts:
            raise GraphError(
                _("split of AS{label}: main part {main!r} is not among the parts").format(
                    label=label, main=main
                )
            )
        base = label
        if main is not None:
            base = f"{label}@{main}"
            self._rename(label, base)
        created = []
        for territory, neighbours in parts.items():
            part = f"{label}@{territory}"
            if part != base:
                self.nodes.add(part)
                self.provider_customer.add((base, part))
            created.append(part)
            for neighbour in neighbours:
                if isinstance(neighbour, str) and neighbour in self.hubs:
                    self.hubs[neighbour].discard(base)
                    self.hubs[neighbour].add(part)
                    continue
                other = self.require(neighbour)
                found = self.link(base, other)
                if found is None:
                    raise GraphError(
                        _("split of AS{label}: no link to AS{other} to move to {part}").format(
                            label=label, other=other, part=part
                        )
                    )
                if part == base:
                    continue
                kind, first, _second = found
                self.remove_link(base, other)
                if kind == "peer":
                    self.peers.add(_pair(part, other))
                elif first == base:
                    self.provider_customer.add((part, other))
                else:
                    self.provider_customer.add((other, part))
        return created

    def _rename(self, old: str, new: str) -> None:
        self.nodes.discard(old)
        self.nodes.add(new)
        self.provider_customer = {
            (new if p == old else p, new if c == old else c) for p, c in self.provider_customer
        }
        self.peers = {_pair(new if a == old else a, new if b == old else b) for a, b in self.peers}
        for members in self.hubs.values():
            if old in members:
                members.discard(old)
                members.add(new)

    # ---- checks ---------------------------------------------------------------------
    def find_p2c_cycles(self) -> list[list[str]]:
        """One cycle per strongly connected group of provider-customer links (Tarjan)."""
        succ: dict[str, list[str]] = {}
        for p, c in self.provider_customer:
            succ.setdefault(p, []).append(c)
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        on_stack: set[str] = set()
        stack: list[str] = []
        groups: list[list[str]] = []
        counter = 0
        for root in sorted(succ, key=_node_key):
            if root in index:
                continue
            work: list[tuple[str, int]] = [(root, 0)]
            while work:
                v, i = work.pop()
                if i == 0:
                    index[v] = low[v] = counter
                    counter += 1
                    stack.append(v)
                    on_stack.add(v)
                children = succ.get(v, [])
                if i > 0:
                    low[v] = min(low[v], low[children[i - 1]])
                while i < len(children) and children[i] in index:
                    w = children[i]
                    if w in on_stack:
                        low[v] = min(low[v], index[w])
                    i += 1
                if i < len(children):
                    work.append((v, i + 1))
                    work.append((children[i], 0))
                    continue
                if low[v] == index[v]:
                    group = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        group.append(w)
                        if w == v:
                            break
                    if len(group) > 1:
                        groups.append(group)
        return [_cycle_in(set(g), succ) for g in groups]

    # ---- compiling ------------------------------------------------------------------
    def compile(self) -> CompactGraph:
        labels, asns = _ordered(self.nodes | {n for m in self.hubs.values() for n in m})
        index = {label: i for i, label in enumerate(labels)}
        n = len(labels)
        pc = _pairs(self.provider_customer, index)
        pp = _pairs(self.peers, index)
        prov_ptr, prov_idx = _csr(n, pc[:, 1], pc[:, 0])
        cust_ptr, cust_idx = _csr(n, pc[:, 0], pc[:, 1])
        peer_ptr, peer_idx = _csr(
            n, np.concatenate([pp[:, 0], pp[:, 1]]), np.concatenate([pp[:, 1], pp[:, 0]])
        )
        hub_names = sorted(self.hubs)
        hub_rows = [sorted(index[m] for m in self.hubs[h]) for h in hub_names]
        hub_ptr = np.zeros(len(hub_names) + 1, dtype=np.int32)
        for i, row in enumerate(hub_rows):
            hub_ptr[i + 1] = hub_ptr[i] + len(row)
        hub_mem = np.array([m for row in hub_rows for m in row], dtype=np.int32)
        hub_of = np.repeat(np.arange(len(hub_names), dtype=np.int32), np.diff(hub_ptr))
        node_hub_ptr, node_hub = _csr(n, hub_mem, hub_of)
        order = _topological_down(n, cust_ptr, cust_idx, prov_ptr)
        if len(order) < n:
            raise ProviderCustomerCycle(self.find_p2c_cycles())
        return CompactGraph(
            labels=labels,
            index=index,
            asns=asns,
            prov_ptr=prov_ptr,
            prov_idx=prov_idx,
            cust_ptr=cust_ptr,
            cust_idx=cust_idx,
            peer_ptr=peer_ptr,
            peer_idx=peer_idx,
            hub_names=hub_names,
            hub_ptr=hub_ptr,
            hub_mem=hub_mem,
            node_hub_ptr=node_hub_ptr,
            node_hub=node_hub,
            topo_down=order,
        )


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if _node_key(a) <= _node_key(b) else (b, a)


def _cycle_in(group: set[str], succ: dict[str, list[str]]) -> list[str]:
    """A simple cycle inside one strongly connected group, from its lowest AS."""
    start = min(group, key=_node_key)
    path = [start]
    seen = {start: 0}
    v = start
    while True:
        w = min((c for c in succ.get(v, []) if c in group), key=_node_key)
        if w in seen:
            return path[seen[w] :]
        seen[w] = len(path)
        path.append(w)
        v = w


def _ordered(labels: set[str]) -> tuple[list[str], npt.NDArray[np.int64]]:
    """The labels in :func:`_node_key` order, and each one's ASN: one sort of numbers
    (a Python sort keyed by tuples took a tenth of a second on a real graph, at each of
    a scenario's compilations)."""
    every = list(labels)
    virtual = [x for x in every if "@" in x]
    if not virtual:
        asns = np.array(every, dtype=np.int64)
        order = np.argsort(asns, kind="stable")
        return [every[i] for i in order.tolist()], asns[order]
    parts = sorted({x.partition("@")[2] for x in virtual})
    rank = {part: k + 1 for k, part in enumerate(parts)}  # a real AS's empty part first
    asns = np.fromiter(map(asn_of, every), dtype=np.int64, count=len(every))
    ranks = np.fromiter(
        (rank[x.partition("@")[2]] if "@" in x else 0 for x in every),
        dtype=np.int64,
        count=len(every),
    )
    order = np.lexsort((ranks, asns))
    return [every[i] for i in order.tolist()], asns[order]


def _pairs(links: set[tuple[str, str]], index: dict[str, int]) -> npt.NDArray[np.int32]:
    """The links as an (n, 2) array of node numbers, read in one pass."""
    every = map(index.__getitem__, chain.from_iterable(links))
    return np.fromiter(every, dtype=np.int32, count=2 * len(links)).reshape(-1, 2)


def _csr(
    n: int, rows: npt.NDArray[np.int32], cols: npt.NDArray[np.int32]
) -> tuple[IntArray, IntArray]:
    order = np.lexsort((cols, rows))
    ptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=n), out=ptr[1:])
    return ptr, np.ascontiguousarray(cols[order], dtype=np.int32)


def _topological_down(
    n: int, cust_ptr: IntArray, cust_idx: IntArray, prov_ptr: IntArray
) -> IntArray:
    """Kahn's order from the ASes with no provider down: every provider before its customers.

    On Python lists: reading numpy arrays one element at a time made a real graph's
    order cost a tenth of a second, at each of a scenario's compilations."""
    remaining = np.diff(prov_ptr).tolist()
    ptr, idx = cust_ptr.tolist(), cust_idx.tolist()
    queue = [v for v, count in enumerate(remaining) if count == 0]
    append = queue.append
    for v in queue:  # grows while read: each AS once, when its last provider is placed
        for c in idx[ptr[v] : ptr[v + 1]]:
            remaining[c] -= 1
            if remaining[c] == 0:
                append(c)
    return np.array(queue, dtype=np.int32)


@dataclass(frozen=True)
class CompactGraph:
    """Read-only CSR arrays for the routing kernel; node ``i`` is ``labels[i]``."""

    labels: list[str]
    index: dict[str, int]
    asns: npt.NDArray[np.int64]
    prov_ptr: IntArray
    prov_idx: IntArray
    cust_ptr: IntArray
    cust_idx: IntArray
    peer_ptr: IntArray
    peer_idx: IntArray
    hub_names: list[str]
    hub_ptr: IntArray
    hub_mem: IntArray
    node_hub_ptr: IntArray
    node_hub: IntArray
    topo_down: IntArray

    @property
    def n(self) -> int:
        return len(self.labels)

    def node(self, asn_or_label: Node) -> int:
        label = label_of(asn_or_label)
        try:
            return self.index[label]
        except KeyError:
            raise GraphError(_("AS{label} is not in the graph").format(label=label)) from None

    def providers(self, i: int) -> IntArray:
        return self.prov_idx[self.prov_ptr[i] : self.prov_ptr[i + 1]]

    def customers(self, i: int) -> IntArray:
        return self.cust_idx[self.cust_ptr[i] : self.cust_ptr[i + 1]]

    def peers(self, i: int) -> IntArray:
        return self.peer_idx[self.peer_ptr[i] : self.peer_ptr[i + 1]]

    def hubs_of(self, i: int) -> IntArray:
        return self.node_hub[self.node_hub_ptr[i] : self.node_hub_ptr[i + 1]]

    def hub_members(self, h: int) -> IntArray:
        return self.hub_mem[self.hub_ptr[h] : self.hub_ptr[h + 1]]
