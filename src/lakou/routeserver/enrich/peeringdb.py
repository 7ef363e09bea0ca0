"""PeeringDB data for the route server: max-prefix hints, AS-SET, never-via-route-servers.

The route server never calls the PeeringDB API while building: it reads the local cache
kept by :mod:`lakou.peeringdb` (its door's ``PeeringDBCache``), or anything
with the same two methods (:class:`PeeringDBSource`), such as the fake in
:mod:`lakou.routeserver.enrich.testing`. Records are checked field by field: a wrong
type is a problem line for that client, not a crash and not a guessed value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from lakou.i18n import gettext as _
from lakou.routeserver.enrich.model import PeeringDBNet
from lakou.vocabulary import is_as_set


@runtime_checkable
class PeeringDBSource(Protocol):
    def net_by_asn(self, asn: int) -> dict[str, Any] | None: ...

    def never_via_route_servers_asns(self) -> set[int]: ...


def open_peeringdb_cache(path: Path) -> PeeringDBSource:
    """The local PeeringDB cache at ``path`` (written by ``lakou peeringdb sync``)."""
    from lakou.peeringdb import PeeringDBCache

    cache: PeeringDBSource = PeeringDBCache(path)
    return cache


def _optional_count(record: Mapping[str, Any], key: str, problems: list[str]) -> int | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems.append(
            _("PeeringDB: {field} is not a count: {value!r}").format(field=key, value=value)
        )
        return None
    return value


def net_from_record(asn: int, record: Mapping[str, Any]) -> tuple[PeeringDBNet, list[str]]:
    """A :class:`PeeringDBNet` from a PeeringDB ``net`` record, and any problems found."""
    problems: list[str] = []
    record_asn = record.get("asn", asn)
    if record_asn != asn:
        problems.append(
            _("PeeringDB: record for AS{asn} carries asn {other!r}").format(
                asn=asn, other=record_asn
            )
        )
    name = record.get("name") or ""
    as_set = record.get("irr_as_set") or ""
    if not isinstance(name, str):
        problems.append(_("PeeringDB: {field} is not text").format(field="name"))
        name = ""
    if not isinstance(as_set, str):
        problems.append(_("PeeringDB: {field} is not text").format(field="irr_as_set"))
        as_set = ""
    never = record.get("info_never_via_route_servers", False)
    if not isinstance(never, bool):
        problems.append(
            _("PeeringDB: {field} is not true/false").format(field="info_never_via_route_servers")
        )
        never = bool(never)
    net = PeeringDBNet(
        asn=asn,
        name=name,
        irr_as_set=as_set.strip(),
        info_prefixes4=_optional_count(record, "info_prefixes4", problems),
        info_prefixes6=_optional_count(record, "info_prefixes6", problems),
        never_via_route_servers=never,
    )
    return net, problems


_SEPARATORS = re.compile(r"[\s,;]+")


def parse_peeringdb_as_sets(text: str) -> tuple[list[str], list[str]]:
    """The AS-SETs (and ASNs) in PeeringDB's free-text ``irr_as_set``, and what was not.

    Networks write ``AS-FOO``, ``RIPE::AS-FOO``, ``AS-FOO, AS-BAR``, ``AS65000:AS-FOO`` and
    also ``AS-FOO@RIPE`` or prose; the last two are turned into ``RIPE::AS-FOO`` or
    ignored (and reported) rather than guessed.
    """
    names: list[str] = []
    ignored: list[str] = []
    for token in _SEPARATORS.split(text.strip()):
        if not token:
            continue
        candidate = token.upper()
        if "@" in candidate:
            name, _at, source = candidate.partition("@")
            candidate = f"{source}::{name}" if source and name else candidate
        if is_as_set(candidate) and candidate not in names:
            names.append(candidate)
        elif candidate not in names:
            ignored.append(token)
    return names, ignored
