"""An in-memory IRR database and lakou's own AS-SET expansion.

Both the RPSL-file source (an island rebuilding its filters without the Internet) and the
local IRR whois server used by tests and benchmarks answer from this one structure, so the
expansion rules live in one place: recursive, loop-safe (a set met again on the current
path is a loop, reported and cut; a set met again on another branch is just skipped),
source-qualified names (``RIPE::AS-FOO`` looks only in RIPE), ``mbrs-by-ref`` with the
aut-nums' ``member-of``, and an ordered source list like IRRd's ``!s``: an unqualified
name is taken from the first listed source that has it.

Prefixes are stored as canonical strings per source and origin; names in upper case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lakou.i18n import gettext as _

_ASN_RE = re.compile(r"^AS(\d{1,10})$", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"[,\s]+")
MAX_ASN = 2**32 - 1


def parse_asn(token: str) -> int | None:
    """``AS64496`` (any case) → 64496; anything else → None."""
    match = _ASN_RE.match(token.strip())
    if not match:
        return None
    value = int(match.group(1))
    return value if value <= MAX_ASN else None


def _tokens(values: Iterable[str]) -> list[str]:
    """RPSL list values (``AS1, AS2`` or one per attribute) as upper-case tokens."""
    return [t.upper() for value in values for t in _LIST_SPLIT.split(value) if t]


def split_source(name: str) -> tuple[str | None, str]:
    """``RIPE::AS-FOO`` → (``RIPE``, ``AS-FOO``); ``AS-FOO`` → (None, ``AS-FOO``)."""
    if "::" in name:
        source, _, rest = name.partition("::")
        return source.strip().upper() or None, rest.strip().upper()
    return None, name.strip().upper()


def is_set_name(token: str) -> bool:
    """RPSL set names: ``AS-FOO`` or hierarchical ``AS65000:AS-FOO`` (RFC 2622 §5)."""
    _, name = split_source(token)
    return any(part.startswith("AS-") for part in name.split(":"))


@dataclass
class AsSet:
    name: str
    source: str
    members: list[str] = field(default_factory=list)  # upper-case ASNs and set names
    mbrs_by_ref: list[str] = field(default_factory=list)  # maintainers, or ANY
    mnt_by: list[str] = field(default_factory=list)


@dataclass
class AutNum:
    asn: int
    source: str
    member_of: list[str] = field(default_factory=list)
    mnt_by: list[str] = field(default_factory=list)


@dataclass
class Expansion:
    """The result of expanding one or more AS-SETs."""

    asns: set[int] = field(default_factory=set)
    sets: list[str] = field(default_factory=list)  # every set visited, source-qualified
    missing: list[str] = field(default_factory=list)  # names not found in any source
    loops: list[tuple[str, ...]] = field(default_factory=list)  # path of each loop cut

    def problems(self) -> list[str]:
        out = [_("AS-SET {name} not found").format(name=name) for name in self.missing]
        out += [_("AS-SET loop cut: {path}").format(path=" -> ".join(path)) for path in self.loops]
        return out


class IrrDatabase:
    """AS-SETs, aut-nums and route objects, per IRR source, with AS-SET expansion."""

    def __init__(self) -> None:
        self.as_sets: dict[str, dict[str, AsSet]] = {}  # NAME -> source -> object
        self.aut_nums: dict[int, dict[str, AutNum]] = {}
        self.routes4: dict[str, dict[int, list[str]]] = {}  # source -> origin -> prefixes
        self.routes6: dict[str, dict[int, list[str]]] = {}
        self.source_order: list[str] = []  # in the order sources were first seen
        # member-of back references: SET NAME -> aut-nums claiming membership
        self._member_of: dict[str, list[AutNum]] = {}

    # -- loading -----------------------------------------------------------------------
    def _see_source(self, source: str) -> str:
        source = source.upper()
        if source not in self.source_order:
            self.source_order.append(source)
            self.routes4.setdefault(source, {})
            self.routes6.setdefault(source, {})
        return source

    def add_as_set(
        self,
        name: str,
        members: Iterable[str] = (),
        *,
        source: str = "LOCAL",
        mbrs_by_ref: Iterable[str] = (),
        mnt_by: Iterable[str] = (),
    ) -> AsSet:
        source = self._see_source(source)
        obj = AsSet(name.upper(), source, _tokens(members), _tokens(mbrs_by_ref), _tokens(mnt_by))
        self.as_sets.setdefault(obj.name, {})[source] = obj
        return obj

    def add_aut_num(
        self,
        asn: int,
        *,
        source: str = "LOCAL",
        member_of: Iterable[str] = (),
        mnt_by: Iterable[str] = (),
    ) -> AutNum:
        source = self._see_source(source)
        obj = AutNum(asn, source, _tokens(member_of), _tokens(mnt_by))
        self.aut_nums.setdefault(asn, {})[source] = obj
        for set_name in obj.member_of:
            self._member_of.setdefault(split_source(set_name)[1], []).append(obj)
        return obj

    def add_route(self, prefix: str, origin: int, *, source: str = "LOCAL") -> None:
        """Add a route or route6 object; ``prefix`` must already be canonical."""
        source = self._see_source(source)
        table = self.routes6 if ":" in prefix else self.routes4
        table[source].setdefault(origin, []).append(prefix)

    def add_routes(self, origin: int, prefixes: Sequence[str], *, source: str = "LOCAL") -> None:
        """Bulk form of :meth:`add_route` for generators (prefixes canonical, one family)."""
        for prefix in prefixes:
            self.add_route(prefix, origin, source=source)

    # -- queries -----------------------------------------------------------------------
    def resolve_sources(self, sources: Sequence[str] | None) -> list[str]:
        if not sources:
            return list(self.source_order)
        return [s.upper() for s in sources]

    def find_as_set(self, name: str, sources: Sequence[str] | None = None) -> AsSet | None:
        """The object for ``name`` (maybe ``SRC::NAME``) in the first matching source."""
        qualified, bare = split_source(name)
        by_source = self.as_sets.get(bare)
        if not by_source:
            return None
        if qualified:
            return by_source.get(qualified)
        for source in self.resolve_sources(sources):
            if source in by_source:
                return by_source[source]
        return None

    def direct_members(self, obj: AsSet) -> list[str]:
        """``members`` plus the aut-nums that joined by ``member-of`` (mbrs-by-ref rules)."""
        out = list(obj.members)
        if obj.mbrs_by_ref:
            allowed = set(obj.mbrs_by_ref)
            for aut in self._member_of.get(obj.name, ()):
                if "ANY" in allowed or allowed.intersection(aut.mnt_by):
                    out.append(f"AS{aut.asn}")
        return out

    def expand(self, names: Iterable[str], sources: Sequence[str] | None = None) -> Expansion:
        """Recursively expand AS-SETs into ASNs (ASNs given directly are kept as such)."""
        result = Expansion()
        done: set[tuple[str, str]] = set()
        for top in names:
            asn = parse_asn(split_source(top)[1])
            if asn is not None:
                result.asns.add(asn)
                continue
            self._expand_one(top, sources, result, done)
        return result

    def _expand_one(
        self,
        top: str,
        sources: Sequence[str] | None,
        result: Expansion,
        done: set[tuple[str, str]],
    ) -> None:
        # Iterative depth-first walk: real AS-SETs nest deeper than Python's recursion
        # limit allows in pathological cases, and the path is needed to report loops.
        path: list[tuple[str, str]] = []
        on_path: set[tuple[str, str]] = set()
        stack: list[tuple[str, bool]] = [(top, False)]
        while stack:
            name, leaving = stack.pop()
            if leaving:
                key = path.pop()
                on_path.discard(key)
                continue
            obj = self.find_as_set(name, sources)
            if obj is None:
                label = split_source(name)[1] if "::" not in name else name.upper()
                if label not in result.missing:
                    result.missing.append(label)
                continue
            key = (obj.source, obj.name)
            if key in on_path:
                loop = tuple(n for _, n in path[path.index(key) :])
                result.loops.append((*loop, obj.name))
                continue
            if key in done:
                continue
            done.add(key)
            result.sets.append(f"{obj.source}::{obj.name}")
            path.append(key)
            on_path.add(key)
            stack.append((name, True))
            children = []
            for member in self.direct_members(obj):
                asn = parse_asn(member)
                if asn is not None:
                    result.asns.add(asn)
                elif is_set_name(member):
                    # Unqualified members resolve in the query's source order, as IRRd
                    # and bgpq4 do, even below a source-qualified top-level set.
                    children.append(member)
                # other tokens (route-set names, ANY) are not origins: ignored here
            for child in reversed(children):
                stack.append((child, False))

    def prefixes(
        self, origins: Iterable[int], family: int, sources: Sequence[str] | None = None
    ) -> set[str]:
        """Route(6) objects of ``origins`` in ``sources`` (all when empty)."""
        tables = self.routes4 if family == 4 else self.routes6
        out: set[str] = set()
        wanted = self.resolve_sources(sources)
        origin_list = list(origins)
        for source in wanted:
            table = tables.get(source)
            if not table:
                continue
            for origin in origin_list:
                found = table.get(origin)
                if found:
                    out.update(found)
        return out

    def route_count(self) -> tuple[int, int]:
        v4 = sum(len(p) for t in self.routes4.values() for p in t.values())
        v6 = sum(len(p) for t in self.routes6.values() for p in t.values())
        return v4, v6
