"""The inventory as a reader sees it: networks by class with their evidence, prefixes by
how sure the sources are, the networks to invite ranked.

:func:`read_territory_report` reads the JSON that ``lakou territory build --out FILE``
writes and checks it field by field (a hand-edited or truncated file gives one error
naming the file and the place, never a traceback). The portal's territory page and any
other reader render the :class:`TerritoryReport` it returns; nothing here knows Django.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lakou.i18n import gettext as _
from lakou.territory.classify import CLASSES, REASONS
from lakou.territory.reason import Reason

# Confidence bands shown on the page: (lowest confidence included, key).
CONFIDENCE_BANDS = ((1.0, "1"), (0.9, "0.9"), (0.7, "0.7"), (0.5, "0.5"), (0.0, "0"))


class InventoryFileError(ValueError):
    """An inventory file that cannot be read, with the file and place in the message."""


@dataclass
class NetworkRow:
    asn: int
    name: str
    network_class: str
    class_reason: str
    territories: list[str]
    prefixes: int
    addresses_v4: int
    member_of: list[str]  # slugs of the exchanges it is a member of
    to_invite: bool
    invite_rank: int | None
    territory_share: float | None  # share of its whole address space in the territory
    countries: int | None  # countries its address space is spread over
    registered_in: str | None
    top_countries: dict[str, float] = field(default_factory=dict)
    reason: Reason | None = None  # class_reason to translate, when the inventory has it

    def why(self, translate: Callable[[str], str]) -> str:
        """The class reason in the reader's language (``translate``), or as stored."""
        return self.reason.render(translate) if self.reason else self.class_reason


@dataclass
class PrefixRow:
    prefix: str
    kind: str
    territory: str | None
    asn: int | None
    confidence: float
    agree: list[str]
    disagree: list[tuple[str, str]]  # (source, country it says)
    note: str


@dataclass
class TerritoryReport:
    countries: list[str]
    generated_at: str
    networks: list[NetworkRow]
    prefixes: list[PrefixRow]
    sources: list[dict[str, Any]]
    exchanges: list[dict[str, Any]]

    def by_class(self) -> dict[str, list[NetworkRow]]:
        """Networks per class (local, regional, global, elsewhere), most space first."""
        out: dict[str, list[NetworkRow]] = {c: [] for c in CLASSES}
        for n in self.networks:
            out.setdefault(n.network_class, []).append(n)
        for rows in out.values():
            rows.sort(key=lambda n: (-n.addresses_v4, n.asn))
        return out

    def invitations(self) -> list[NetworkRow]:
        ranked = [n for n in self.networks if n.to_invite and n.invite_rank is not None]
        return sorted(ranked, key=lambda n: n.invite_rank or 0)

    def members(self) -> list[NetworkRow]:
        return [n for n in self.networks if n.member_of]

    def confidence_bands(self) -> dict[str, int]:
        """Prefixes per confidence band: ``"1"`` (certain), ``"0.9"`` (0.9 to 1), ..."""
        counts = dict.fromkeys((key for _low, key in CONFIDENCE_BANDS), 0)
        for p in self.prefixes:
            for low, key in CONFIDENCE_BANDS:
                if p.confidence >= low:
                    counts[key] += 1
                    break
        return counts

    def per_territory(self) -> list[dict[str, Any]]:
        """The regional view: for each of the territories side by side, its prefixes, its
        networks by class (a network present in several counts in each) and the networks
        to invite there."""
        rows = []
        for code in self.countries:
            present = [n for n in self.networks if code in n.territories]
            classes = Counter(n.network_class for n in present)
            rows.append(
                {
                    "territory": code,
                    "prefixes": sum(1 for p in self.prefixes if p.territory == code),
                    "networks": len(present),
                    "classes": {c: classes.get(c, 0) for c in CLASSES},
                    "members": sum(1 for n in present if n.member_of),
                    "to_invite": sum(1 for n in present if n.to_invite),
                }
            )
        return rows

    def least_sure(self, limit: int = 50) -> list[PrefixRow]:
        """The prefixes the sources agree least on (the ones to check by hand)."""
        return sorted(self.prefixes, key=lambda p: (p.confidence, p.prefix))[:limit]


@dataclass
class RegionalNetwork:
    """A network present in several of the region's territories: one to invite regionally."""

    asn: int
    name: str
    territories: list[str]
    classes: dict[str, str]  # territory -> its class in that territory's inventory
    member_of: list[str]
    to_invite: bool


@dataclass
class RegionalView:
    """The territories of the inventory and of its neighbours' inventories side by side.

    ``rows`` are :meth:`TerritoryReport.per_territory` rows with ``neighbour`` (False for
    this inventory's own territories) and ``inventory`` (the file it came from);
    ``networks`` are the networks found in at least two territories, most territories first.
    """

    rows: list[dict[str, Any]]
    networks: list[RegionalNetwork]


def regional_view(
    own: TerritoryReport, neighbours: Sequence[tuple[str, TerritoryReport]] = ()
) -> RegionalView:
    """The regional view of ``own`` and its ``neighbours`` ((label, report) pairs): a
    territory in several inventories is shown once, from the first that covers it."""
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    found: dict[int, RegionalNetwork] = {}
    for label, report, neighbour in [("", own, False), *((n, r, True) for n, r in neighbours)]:
        for row in report.per_territory():
            if row["territory"] in seen:
                continue
            seen.add(row["territory"])
            rows.append(row | {"neighbour": neighbour, "inventory": label})
        for n in report.networks:
            entry = found.setdefault(n.asn, RegionalNetwork(n.asn, n.name, [], {}, [], False))
            entry.name = entry.name or n.name
            for code in n.territories:
                if code in seen and code not in entry.classes:
                    entry.territories.append(code)
                    entry.classes[code] = n.network_class
            entry.member_of = sorted(set(entry.member_of) | set(n.member_of))
            entry.to_invite = entry.to_invite or n.to_invite
    shared = [n for n in found.values() if len(n.territories) >= 2]
    shared.sort(key=lambda n: (-len(n.territories), n.asn))
    return RegionalView(rows, shared)


def _need(value: Any, kind: Any, where: str, what: str) -> Any:
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise InventoryFileError(
            _("{where}: expected {what}, got {value!r}").format(where=where, what=what, value=value)
        )
    return value


def _network(entry: Any, where: str) -> NetworkRow:
    _need(entry, dict, where, _("an object"))
    asn = _need(entry.get("asn"), int, f"{where}.asn", _("an AS number"))
    evidence = entry.get("evidence") or {}
    _need(evidence, dict, f"{where}.evidence", _("an object"))
    share = evidence.get("territory_share")
    ipv4 = evidence.get("ipv4") or {}
    basis = ipv4 if isinstance(ipv4, dict) and ipv4.get("addresses") else evidence.get("ipv6")
    top = basis.get("top_countries", {}) if isinstance(basis, dict) else {}
    registration = evidence.get("registration") or {}
    network_class = entry.get("class", "local")
    if network_class not in CLASSES:
        raise InventoryFileError(
            _("{where}.class: expected one of {classes}, got {value!r}").format(
                where=where, classes=", ".join(CLASSES), value=network_class
            )
        )
    rank = entry.get("invite_rank")
    return NetworkRow(
        asn=asn,
        name=str(entry.get("name") or ""),
        network_class=network_class,
        class_reason=str(entry.get("class_reason") or ""),
        territories=[str(t) for t in entry.get("territories") or []],
        prefixes=int(_need(entry.get("prefixes", 0), int, f"{where}.prefixes", _("a count"))),
        addresses_v4=int(
            _need(entry.get("addresses_v4", 0), int, f"{where}.addresses_v4", _("a count"))
        ),
        member_of=sorted(k for k, v in (entry.get("member_of") or {}).items() if v),
        to_invite=bool(entry.get("to_invite")),
        invite_rank=_need(rank, int, f"{where}.invite_rank", _("a rank")) if rank else None,
        territory_share=float(share) if isinstance(share, int | float) else None,
        countries=len(evidence["countries"])
        if isinstance(evidence.get("countries"), list)
        else None,
        registered_in=registration.get("country") if isinstance(registration, dict) else None,
        top_countries={str(k): float(v) for k, v in top.items()} if isinstance(top, dict) else {},
        reason=Reason.from_dict(entry.get("class_reason_i18n"), REASONS),
    )


def _prefix(entry: Any, where: str) -> PrefixRow:
    _need(entry, dict, where, _("an object"))
    prefix = _need(entry.get("prefix"), str, f"{where}.prefix", _("a prefix"))
    confidence = _need(entry.get("confidence"), int | float, f"{where}.confidence", _("a number"))
    asn = entry.get("asn")
    if asn is not None:
        _need(asn, int, f"{where}.asn", _("an AS number"))
    disagree = []
    for j, d in enumerate(entry.get("disagree") or []):
        _need(d, dict, f"{where}.disagree[{j}]", _("an object"))
        disagree.append((str(d.get("source", "")), str(d.get("country", ""))))
    return PrefixRow(
        prefix=prefix,
        kind=str(entry.get("kind") or ""),
        territory=entry.get("territory"),
        asn=asn,
        confidence=float(confidence),
        agree=[str(s) for s in entry.get("agree") or []],
        disagree=disagree,
        note=str(entry.get("note") or ""),
    )


def read_territory_report(path: str | Path) -> TerritoryReport:
    """The report of the inventory JSON at ``path`` (``lakou territory build --out``)."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InventoryFileError(
            _("{file}: cannot read: {problem}").format(file=path, problem=exc.strerror)
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InventoryFileError(
            _("{file}: not a territory inventory (JSON): {problem}").format(file=path, problem=exc)
        ) from None
    where = str(path)
    _need(doc, dict, where, _("a territory inventory object"))
    for key in ("countries", "prefixes", "networks"):
        _need(doc.get(key), list, f"{where}: {key}", _("a list"))
    return TerritoryReport(
        countries=[str(c) for c in doc["countries"]],
        generated_at=str(doc.get("generated_at") or ""),
        networks=[_network(n, f"{where}: networks[{i}]") for i, n in enumerate(doc["networks"])],
        prefixes=[_prefix(p, f"{where}: prefixes[{i}]") for i, p in enumerate(doc["prefixes"])],
        sources=[s for s in doc.get("sources") or [] if isinstance(s, dict)],
        exchanges=[x for x in doc.get("exchanges") or [] if isinstance(x, dict)],
    )
