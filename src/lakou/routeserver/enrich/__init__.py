"""Enrichment: everything the route server needs to know from outside, fetched before rendering.

:func:`enrich` takes one :class:`IrrRequest` per client and returns :class:`Enriched`:
IRR origins and route objects (through ``bgpq4`` against an IRR server, or from local RPSL
files with lakou's own expansion), ROAs from an rpki-client/Routinator JSON file, and
PeeringDB records from the local PeeringDB cache. Clients are fetched in parallel (threads:
the work is in bgpq4 subprocesses), and every answer is cached on disk. When the IRR
cannot be queried for a client, its last good cached data is used, marked ``stale`` and
the client is flagged in ``Enriched.problems``; without cached data the client gets an
empty route-object list (its routes fail the IRR check) - never data that accepts all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lakou.i18n import gettext as _
from lakou.routeserver.enrich.bgpq4 import Bgpq4Source
from lakou.routeserver.enrich.cache import CacheError, IrrCache, RoaCache
from lakou.routeserver.enrich.model import (
    Enriched,
    IrrData,
    IrrRequest,
    PeeringDBNet,
    Roa,
)
from lakou.routeserver.enrich.peeringdb import (
    PeeringDBSource,
    net_from_record,
    parse_peeringdb_as_sets,
)
from lakou.routeserver.enrich.rpki import RpkiFileError, read_rpki_json
from lakou.routeserver.enrich.rpsl import RpslSource
from lakou.routeserver.enrich.sources import IrrError, IrrSource

__all__ = [
    "DEFAULT_MAX_AGE",
    "Bgpq4Source",
    "EnrichError",
    "Enriched",
    "IrrData",
    "IrrError",
    "IrrRequest",
    "IrrSource",
    "PeeringDBNet",
    "PeeringDBSource",
    "Roa",
    "RpkiFileError",
    "RpslSource",
    "enrich",
    "fetch_irr",
    "load_roas",
    "merge_requests",
]

DEFAULT_MAX_AGE = timedelta(hours=12)  # the same default cache life as arouteserver

Progress = Callable[[int, int, int], None]  # (clients done, clients total, client ASN)


class EnrichError(Exception):
    """Enrichment cannot produce trustworthy data (and no last good data exists)."""


def merge_requests(requests: Sequence[IrrRequest]) -> list[IrrRequest]:
    """One request per ASN: a client with several sessions lists its AS-SETs once."""
    by_asn: dict[int, list[str]] = {}
    for request in requests:
        sets = by_asn.setdefault(request.asn, [])
        for name in request.as_sets:
            name = name.strip()
            if name and name.upper() not in (s.upper() for s in sets):
                sets.append(name)
    return [IrrRequest(asn, tuple(sets)) for asn, sets in by_asn.items()]


def _unavailable(request: IrrRequest, irr: IrrSource, reason: str) -> IrrData:
    return IrrData(
        asn=request.asn,
        as_sets=request.as_sets,
        origins=frozenset({request.asn}),
        prefixes_v4=(),
        prefixes_v6=(),
        source=irr.description,
        fetched_at=datetime.now(UTC),
        unavailable=True,
        problems=(
            reason,
            _(
                "no IRR data at all (the query failed and nothing is cached): every route "
                "of this client fails the IRR check"
            ),
        ),
    )


def describe_age(age: timedelta) -> str:
    """``3 d 4 h``, ``5 h 12 min``, ``40 min``: how old data is, for operators."""
    minutes = max(0, int(age.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {mins} min"
    return f"{mins} min"


def data_version(irr: IrrSource) -> str:
    """What the source says its data is (RPSL files: their sizes and times); "" if unknown.

    A cache entry built from other data is not fresh, whatever its age: new RPSL dumps
    take effect at once. It stays usable as the last good data if the source fails.
    """
    version = getattr(irr, "data_version", None)
    if version is None:
        return ""
    try:
        return str(version())
    except OSError:
        return "unavailable"


def fetch_irr(
    request: IrrRequest,
    irr: IrrSource,
    cache: IrrCache | None = None,
    *,
    max_age: timedelta | None = DEFAULT_MAX_AGE,
    refresh: bool = False,
) -> IrrData:
    """One client's IRR data: fresh cache, else the IRR, else last good cache (stale)."""
    cached: IrrData | None = None
    cached_version = ""
    cache_problem: str | None = None
    if cache is not None:
        try:
            entry = cache.load_entry(irr.description, request)
        except CacheError as exc:
            cache_problem = str(exc)
            entry = None
        if entry is not None:
            cached, cached_version = entry
    version = data_version(irr)
    if (
        cached is not None
        and not refresh
        and max_age is not None
        and cached_version == version
        and datetime.now(UTC) - cached.fetched_at <= max_age
    ):
        return cached
    try:
        data = irr.fetch(request)
    except IrrError as exc:
        if cached is None:
            reason = str(exc) if cache_problem is None else f"{exc}; {cache_problem}"
            return _unavailable(request, irr, reason)
        note = _("IRR query failed, using the last good data from {when} ({age} old)").format(
            when=cached.fetched_at.strftime("%Y-%m-%d %H:%M UTC"),
            age=describe_age(datetime.now(UTC) - cached.fetched_at),
        )
        return replace(cached, stale=True, problems=(*cached.problems, str(exc), note))
    if cache is not None:
        cache.save(irr.description, request, data, version=version)
    return data


def load_roas(rpki_json: Path, cache_dir: Path | None) -> tuple[tuple[Roa, ...], list[str]]:
    """ROAs from the file; when it is unusable, the last good ROAs with a problem line."""
    cache = RoaCache(cache_dir) if cache_dir is not None else None
    try:
        roas = read_rpki_json(rpki_json)
    except RpkiFileError as exc:
        cached = None
        if cache is not None:
            try:
                cached = cache.load()
            except CacheError:
                cached = None
        if cached is None:
            raise
        assert cache is not None  # cached is only set from the cache
        saved = datetime.fromtimestamp(cache.path.stat().st_mtime, UTC)
        note = _(
            "using the last good ROAs ({count}) from the cache, saved {when} ({age} old)"
        ).format(
            count=len(cached),
            when=saved.strftime("%Y-%m-%d %H:%M UTC"),
            age=describe_age(datetime.now(UTC) - saved),
        )
        return cached, [str(exc), note]
    if cache is not None:
        cache.save(roas, rpki_json)
    return roas, []


def enrich(
    requests: Sequence[IrrRequest],
    *,
    irr: IrrSource | None,
    rpki_json: Path | None = None,
    peeringdb: PeeringDBSource | None = None,
    cache_dir: Path | None = None,
    workers: int = 4,
    progress: Progress | None = None,
    max_age: timedelta | None = DEFAULT_MAX_AGE,
    refresh: bool = False,
    as_sets_from_peeringdb: bool = False,
) -> Enriched:
    """Fetch IRR, RPKI and PeeringDB data for the route server's clients.

    ``irr=None`` skips IRR (no IRR filtering); ``max_age`` is how long cached IRR data is
    used without asking the IRR (None: always ask); ``refresh=True`` always asks. A
    truncated or malformed ``rpki_json`` falls back to the last good cached ROAs, or
    raises :class:`RpkiFileError` when there are none. ``as_sets_from_peeringdb``: a
    client configured without AS-SETs uses the ``irr_as_set`` of its PeeringDB record.
    """
    merged = merge_requests(requests)
    problems: dict[int, list[str]] = {r.asn: [] for r in merged}

    nets: dict[int, PeeringDBNet] = {}
    never: frozenset[int] = frozenset()
    if peeringdb is not None:
        try:
            never = frozenset(int(a) for a in peeringdb.never_via_route_servers_asns())
            for request in merged:
                record = peeringdb.net_by_asn(request.asn)
                if record is None:
                    continue
                net, net_problems = net_from_record(request.asn, record)
                nets[request.asn] = net
                problems[request.asn].extend(net_problems)
        except Exception as exc:  # any failure of the cache, named, never half-used
            raise EnrichError(_("PeeringDB cache unusable: {error}").format(error=exc)) from exc
        if as_sets_from_peeringdb:
            merged = [_with_peeringdb_as_sets(r, nets.get(r.asn), problems) for r in merged]

    irr_data = _fetch_all(merged, irr, cache_dir, workers, progress, max_age, refresh)
    for data in irr_data.values():
        problems[data.asn].extend(data.problems)

    roas: tuple[Roa, ...] | None = None
    rpki_problems: list[str] = []
    if rpki_json is not None:
        roas, rpki_problems = load_roas(Path(rpki_json), cache_dir)

    return Enriched(
        irr={r.asn: irr_data[r.asn] for r in merged if r.asn in irr_data},
        roas=roas,
        peeringdb=nets,
        never_via_route_servers=never,
        problems={asn: tuple(lines) for asn, lines in problems.items() if lines},
        rpki_problems=tuple(rpki_problems),
    )


def _with_peeringdb_as_sets(
    request: IrrRequest, net: PeeringDBNet | None, problems: dict[int, list[str]]
) -> IrrRequest:
    if request.as_sets or net is None or not net.irr_as_set:
        return request
    names, ignored = parse_peeringdb_as_sets(net.irr_as_set)
    if ignored:
        problems[request.asn].append(
            _("PeeringDB irr_as_set: ignored {items}").format(items=", ".join(ignored))
        )
    return IrrRequest(request.asn, tuple(names))


def _fetch_all(
    merged: Sequence[IrrRequest],
    irr: IrrSource | None,
    cache_dir: Path | None,
    workers: int,
    progress: Progress | None,
    max_age: timedelta | None,
    refresh: bool,
) -> dict[int, IrrData]:
    irr_data: dict[int, IrrData] = {}
    if irr is None or not merged:
        return irr_data
    cache = IrrCache(cache_dir) if cache_dir is not None else None
    lock = threading.Lock()
    done = 0
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="irr") as pool:
        futures = {
            pool.submit(fetch_irr, r, irr, cache, max_age=max_age, refresh=refresh): r
            for r in merged
        }
        for future in as_completed(futures):
            request = futures[future]
            data = future.result()
            with lock:
                irr_data[request.asn] = data
                done += 1
                if progress is not None:
                    progress(done, len(merged), request.asn)
    return irr_data
