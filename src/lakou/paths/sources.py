"""Traceroute sources: RIPE Atlas results (JSON or JSON Lines), scamper JSON
(``sc_warts2json``) and scamper warts files. All become :class:`Traceroute` objects.

A result that is not a traceroute, or is malformed, raises :class:`SourceError` naming
``file:line`` (JSON Lines) or the JSON path, or is counted and skipped when reading
leniently: one bad result in a day of measurements must not lose the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lakou.i18n import gettext as _
from lakou.inputs import InputError, load_json
from lakou.paths.model import Hop, Traceroute, make_hop
from lakou.paths.warts import _merge_hops, read_warts
from lakou.territory import Counters, SourceError, open_binary


def _documents(path: Path) -> Iterator[tuple[str, Any]]:
    """(place, JSON value) for a JSON array, a single object, or JSON Lines.

    A JSON Lines line that cannot be read comes out as its :class:`InputError` (the caller
    skips it when lenient); a JSON array that cannot be read fails whole.
    """
    with open_binary(path) as handle:
        data = handle.read()
    if data.lstrip().startswith(b"["):
        try:
            values = load_json(data)
        except InputError as exc:
            raise SourceError(
                f"{path}:{exc.line}" if exc.line else str(path),
                exc.problem if exc.line else str(exc),
            ) from None
        for i, value in enumerate(values):
            yield f"{path}:[{i}]", value
        return
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = load_json(line)
        except InputError as exc:
            value = InputError("", exc.problem)  # the line is the place
        yield f"{path}:{number}", value


def _atlas(place: str, obj: dict[str, Any]) -> Traceroute:
    if obj.get("type") != "traceroute":
        raise ValueError(_("not a traceroute result (type {t!r})").format(t=obj.get("type")))
    hops = _plain_hops(obj)
    return Traceroute(
        id=place,
        source="ripe-atlas",
        probe=str(obj.get("prb_id", "")),
        source_address=str(obj.get("src_addr", "")),
        destination=str(obj.get("dst_addr", "")),
        af=int(obj.get("af", 4)),
        timestamp=int(obj.get("timestamp", 0)),
        hops=_merged_hops(obj) if hops is None else hops,
        msm_id=int(obj["msm_id"]) if obj.get("msm_id") is not None else None,
        probe_public_address=str(obj.get("from", "")),
    )


def _plain_hops(obj: dict[str, Any]) -> list[Hop] | None:
    """The hops of the usual result, without merging: TTLs rising and one router per TTL.
    None for any other (some TTL twice, or answered by two routers): :func:`_merged_hops`
    gives those. Both give the same hops and raise the same errors."""
    hops: list[Hop] = []
    previous_ttl = -1
    for j, entry in enumerate(obj.get("result") or ()):
        if not isinstance(entry, dict) or "hop" not in entry:
            raise ValueError(_("result[{j}] has no hop number").format(j=j))
        ttl = int(entry["hop"])
        if ttl <= previous_ttl:
            return None
        previous_ttl = ttl
        router: Any = None
        best: float | None = None
        replies = 0
        for reply in entry.get("result") or ():
            if not isinstance(reply, dict):
                continue
            address = reply.get("from")
            if not address or "late" in reply:
                continue
            rtt = reply.get("rtt")
            if rtt is not None:
                rtt = float(rtt)
                if best is None or rtt < best:
                    best = rtt
            if not replies:
                router = address
            elif address != router:
                return None
            replies += 1
        hops.append(
            make_hop(ttl, str(router), best, replies) if replies else make_hop(ttl, None, None)
        )
    return hops


def _merged_hops(obj: dict[str, Any]) -> list[Hop]:
    # replies merged as they are read (what _merge_hops does, without a Hop per reply):
    # (TTL, address) -> [smallest RTT, replies]
    merged: dict[tuple[int, str | None], list[Any]] = {}
    ordered, previous_ttl = True, -1  # TTLs seldom come out of order: no sort then
    for j, entry in enumerate(obj.get("result") or ()):
        if not isinstance(entry, dict) or "hop" not in entry:
            raise ValueError(_("result[{j}] has no hop number").format(j=j))
        ttl = int(entry["hop"])
        ordered = ordered and ttl >= previous_ttl
        previous_ttl = ttl
        last: Any = None  # the address of the reply before: usually the same router
        known: list[Any] | None = None  # [smallest RTT, replies] of that (TTL, address)
        for reply in entry.get("result") or ():
            if not isinstance(reply, dict):
                continue
            address = reply.get("from")
            if not address or "late" in reply:
                continue
            rtt = reply.get("rtt")
            if rtt is not None:
                rtt = float(rtt)
            if known is None or address != last:
                last, key = address, (ttl, str(address))
                known = merged.get(key)
                if known is None:
                    merged[key] = known = [rtt, 1]
                    continue
            if rtt is not None and (known[0] is None or rtt < known[0]):
                known[0] = rtt
            known[1] += 1
        if known is None:  # no reply answered
            _merge_reply(merged, (ttl, None), None)
    hops = [make_hop(ttl, ip, rtt, replies) for (ttl, ip), (rtt, replies) in merged.items()]
    if not ordered:
        hops.sort(key=_ttl)
    return hops


def _merge_reply(
    merged: dict[tuple[int, str | None], list[Any]], key: tuple[int, str | None], rtt: float | None
) -> None:
    known = merged.get(key)
    if known is None:
        merged[key] = [rtt, 1]
        return
    if known[0] is None or (rtt is not None and rtt < known[0]):
        known[0] = rtt if rtt is not None else known[0]
    known[1] += 1


def _ttl(hop: Hop) -> int:
    return hop.ttl


def _scamper(place: str, obj: dict[str, Any]) -> Traceroute:
    if obj.get("type") != "trace":
        raise ValueError(_("not a scamper trace (type {t!r})").format(t=obj.get("type")))
    hops = [
        Hop(int(h["probe_ttl"]), str(h["addr"]), float(h["rtt"]) if "rtt" in h else None)
        for h in obj.get("hops") or []
    ]
    start = obj.get("start") or {}
    destination = str(obj.get("dst", ""))
    return Traceroute(
        id=place,
        source="scamper-json",
        probe=str(obj.get("src", "")),
        source_address=str(obj.get("src", "")),
        destination=destination,
        af=6 if ":" in destination else 4,
        timestamp=int(start.get("sec", 0)) if isinstance(start, dict) else 0,
        hops=_merge_hops(hops),
    )


def read_traceroutes(
    path: str | Path, *, strict: bool = True, counters: Counters | None = None
) -> Iterator[Traceroute]:
    """Any supported file: warts by its magic bytes, otherwise Atlas or scamper JSON."""
    path = Path(path)
    counters = counters if counters is not None else Counters()
    with open_binary(path) as probe:
        magic = probe.read(2)
    if magic == b"\x12\x05":
        yield from read_warts(path, strict=strict, counters=counters)
        return
    for place, obj in _documents(path):
        counters.read += 1
        if isinstance(obj, InputError):
            _skip(counters, place, str(obj), strict)
            continue
        if not isinstance(obj, dict):
            _skip(counters, place, _("not a JSON object"), strict)
            continue
        kind = obj.get("type")
        if kind in ("cycle-start", "cycle-stop", "list", "ping", "tracelb"):
            counters.drop(f"scamper {kind}")
            continue
        try:
            yield _scamper(place, obj) if kind == "trace" else _atlas(place, obj)
        except (ValueError, TypeError, KeyError) as exc:
            _skip(counters, place, str(exc), strict)


def _skip(counters: Counters, place: str, message: str, strict: bool) -> None:
    error = SourceError(place, message)
    if strict:
        raise error
    counters.drop("malformed", str(error))
