"""Read CAIDA AS-relationship files (serial-1 and serial-2) into plain link lists.

CAIDA publishes the inferred business relationships between autonomous systems as one
link a line: ``provider|customer|-1`` or ``peer|peer|0``; serial-2 adds a fourth field
naming the source of the inference (``bgp``, ``mlp``...). Comment lines carry metadata
the simulator keeps: ``# input clique:`` (serial-2) or ``# inferred clique:`` (serial-1),
the Tier-1 clique, and ``# IXP ASes:``, the route-server ASNs CAIDA detected (they stay
ordinary ASes for routing, as in BGPy, and are reported as such). A file from outside can
be malformed: every bad line is either an error naming ``file:line`` or, with
``strict=False``, a counted drop with the first few reasons kept.
"""

from __future__ import annotations

import gzip
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lakou.i18n import gettext as _
from lakou.vocabulary import ASN_MAX, parse_asn

MAX_ASN = ASN_MAX
# Kept so a user sees why lines were dropped without flooding the terminal.
MAX_KEPT_PROBLEMS = 20


class AsRelError(ValueError):
    """A malformed AS-relationship input, with the place (``file:line``) in the message."""


@dataclass
class AsRelationships:
    """What an AS-relationship file says: links, cliques, IXP ASes and what was dropped."""

    provider_customer: list[tuple[int, int]] = field(default_factory=list)
    peers: list[tuple[int, int]] = field(default_factory=list)
    input_clique: frozenset[int] = frozenset()
    ixp_asns: frozenset[int] = frozenset()
    serial: int = 1
    source: str = ""
    lines: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def asns(self) -> set[int]:
        found: set[int] = set()
        for a, b in self.provider_customer:
            found.add(a)
            found.add(b)
        for a, b in self.peers:
            found.add(a)
            found.add(b)
        return found


def _parse_asn(text: str, where: str) -> int:
    asn = parse_asn(text)
    if asn is None:
        raise AsRelError(
            _("{where}: not an AS number (1 to 4294967295): {value!r}").format(
                where=where, value=text.strip()[:40]
            )
        )
    return asn


def _asn_list(text: str, where: str) -> frozenset[int]:
    return frozenset(_parse_asn(tok, where) for tok in text.split() if tok)


def parse_asrel(
    lines: Iterable[str], *, source: str = "<input>", strict: bool = True
) -> AsRelationships:
    """Parse AS-relationship lines; ``strict`` raises on the first bad line, else counts it.

    A pair that appears twice keeps its first relationship: a second, conflicting one
    (peer after provider-customer, or the reverse direction) is dropped and counted,
    because one pair of ASes has one business relationship in the model.
    """
    rel = AsRelationships(source=source)
    seen: dict[tuple[int, int], int] = {}
    inferred_clique: frozenset[int] = frozenset()

    def drop(reason: str, message: str) -> None:
        if strict:
            raise AsRelError(message)
        rel.dropped[reason] += 1
        if len(rel.problems) < MAX_KEPT_PROBLEMS:
            rel.problems.append(message)

    for number, raw in enumerate(lines, start=1):
        rel.lines = number
        line = raw.strip()
        where = f"{source}:{number}"
        if not line:
            continue
        if line.startswith("#"):
            body = line[1:].strip()
            key, sep, value = body.partition(":")
            key = key.strip().lower()
            if not sep:
                continue
            try:
                if key == "input clique":
                    rel.input_clique = _asn_list(value, where)
                    rel.serial = 2
                elif key == "inferred clique":
                    inferred_clique = _asn_list(value, where)
                elif key == "ixp ases":
                    rel.ixp_asns = _asn_list(value, where)
            except AsRelError as exc:
                drop("bad comment", str(exc))
            continue
        fields = line.split("|")
        if len(fields) not in (3, 4):
            drop(
                "bad field count",
                _("{where}: expected 3 or 4 fields separated by '|', got {n}").format(
                    where=where, n=len(fields)
                ),
            )
            continue
        if len(fields) == 4:
            rel.serial = 2
        try:
            a = _parse_asn(fields[0], where)
            b = _parse_asn(fields[1], where)
        except AsRelError as exc:
            drop("bad asn", str(exc))
            continue
        kind = fields[2].strip()
        if kind not in ("-1", "0"):
            drop(
                "bad relationship",
                _("{where}: relationship must be -1 or 0, got {value!r}").format(
                    where=where, value=kind
                ),
            )
            continue
        if a == b:
            drop("self link", _("{where}: AS{asn} linked to itself").format(where=where, asn=a))
            continue
        pair = (min(a, b), max(a, b))
        if pair in seen:
            drop(
                "duplicate pair",
                _("{where}: AS{a}-AS{b} already given on line {first}").format(
                    where=where, a=a, b=b, first=seen[pair]
                ),
            )
            continue
        seen[pair] = number
        if kind == "-1":
            rel.provider_customer.append((a, b))
        else:
            rel.peers.append(pair)
    if not rel.input_clique and inferred_clique:
        rel.input_clique = inferred_clique
    return rel


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix in (".gz", ".gzip"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", errors="replace")
    if path.suffix == ".bz2":
        import bz2

        return io.TextIOWrapper(bz2.open(path, "rb"), encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


def read_asrel(path: str | Path, *, strict: bool = False) -> AsRelationships:
    """Read a CAIDA ``as-rel`` file (plain, ``.gz`` or ``.bz2``)."""
    path = Path(path)
    try:
        handle = _open_text(path)
    except OSError as exc:
        raise AsRelError(_("{path}: cannot read: {error}").format(path=path, error=exc)) from None
    with handle:
        return parse_asrel(handle, source=str(path), strict=strict)


def format_asrel(rel: AsRelationships, *, serial: int = 1) -> Iterator[str]:
    """Write links back in CAIDA format (used to hand graphs to other tools in tests)."""
    if rel.input_clique:
        yield "# input clique: " + " ".join(str(a) for a in sorted(rel.input_clique))
    if rel.ixp_asns:
        yield "# IXP ASes: " + " ".join(str(a) for a in sorted(rel.ixp_asns))
    tail = "|lakou" if serial == 2 else ""
    for a, b in rel.provider_customer:
        yield f"{a}|{b}|-1{tail}"
    for a, b in rel.peers:
        yield f"{a}|{b}|0{tail}"
