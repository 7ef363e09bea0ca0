"""RIR delegated and delegated-extended statistics (the five RIRs and the NRO file).

Format (one record per line, ``|``-separated)::

    version|registry|serial|records|startdate|enddate|UTCoffset     (header)
    registry|*|type|*|count|summary                                (summaries)
    registry|cc|type|start|value|date|status[|opaque-id[|extensions]]

``value`` is a number of addresses for IPv4 (not always a power of two: such a block
becomes several prefixes), a prefix length for IPv6 and a number of ASNs for ``asn``.
``available`` and ``reserved`` space has no country and is kept with ``cc`` empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lakou.i18n import gettext as _
from lakou.territory.sources.common import (
    Counters,
    SourceError,
    count_to_prefixes,
    open_text,
    parse_ip,
)

REGISTRIES = ("afrinic", "apnic", "arin", "iana", "lacnic", "ripencc")
STATUSES = ("allocated", "assigned", "available", "reserved")


@dataclass(frozen=True, slots=True)
class Delegation:
    registry: str
    cc: str
    type: str  # asn | ipv4 | ipv6
    start: str
    value: int
    date: str
    status: str
    opaque_id: str
    line: int

    def prefixes(self) -> list[str]:
        if self.type == "ipv4":
            return count_to_prefixes(self.start, self.value)
        if self.type == "ipv6":
            return [f"{self.start}/{self.value}"]
        return []

    def asns(self) -> range:
        if self.type != "asn":
            return range(0)
        first = int(self.start)
        return range(first, first + self.value)


def read_delegated(
    path: str | Path, *, strict: bool = True, counters: Counters | None = None
) -> Iterator[Delegation]:
    path = Path(path)
    counters = counters if counters is not None else Counters()
    seen_header = False
    with open_text(path) as handle:
        for line, text in enumerate(handle, start=1):
            text = text.strip()
            if not text or text.startswith("#"):
                continue
            fields = text.split("|")
            if not seen_header:
                seen_header = True
                if fields[0].replace(".", "").isdigit():
                    continue  # version line
            if len(fields) >= 6 and fields[5] == "summary":
                continue
            counters.read += 1
            try:
                record = _parse(fields, line)
            except ValueError as exc:
                error = SourceError(f"{path}:{line}", str(exc))
                if strict:
                    raise error from None
                counters.drop("value", str(error))
                continue
            yield record


def _parse(fields: list[str], line: int) -> Delegation:
    if len(fields) < 7:
        raise ValueError(
            _("expected at least 7 '|'-separated fields, got {n}").format(n=len(fields))
        )
    registry, cc, kind, start, value_text, date, status = (f.strip() for f in fields[:7])
    registry = registry.lower()
    if registry not in REGISTRIES:
        raise ValueError(_("unknown registry {name!r}").format(name=registry))
    cc = cc.upper()
    if cc and not (len(cc) == 2 and cc.isalpha()):
        raise ValueError(_("not a country code: {cc!r}").format(cc=cc))
    status = status.lower()
    # IANA's file says which RIR (or the IETF) holds each block instead of a status
    iana_status = registry == "iana" and (status in REGISTRIES or status == "ietf")
    if status not in STATUSES and not iana_status:
        raise ValueError(_("unknown status {status!r}").format(status=status))
    try:
        value = int(value_text)
    except ValueError:
        raise ValueError(_("value is not a number: {value!r}").format(value=value_text)) from None
    if kind == "ipv4":
        version, _start = parse_ip(start)
        if version != 4:
            raise ValueError(_("not an IPv4 address: {ip!r}").format(ip=start))
        count_to_prefixes(start, value)  # validates the count
    elif kind == "ipv6":
        version, number = parse_ip(start)
        if version != 6 or not 0 <= value <= 128:
            raise ValueError(_("bad IPv6 block {start}/{value}").format(start=start, value=value))
        if number & ((1 << (128 - value)) - 1):
            raise ValueError(_("host bits set in {start}/{value}").format(start=start, value=value))
    elif kind == "asn":
        if not start.isdigit() or value < 1 or int(start) + value - 1 > 4294967295:
            raise ValueError(_("bad ASN block {start}+{value}").format(start=start, value=value))
    else:
        raise ValueError(_("unknown type {kind!r}").format(kind=kind))
    opaque = fields[7].strip() if len(fields) > 7 else ""
    return Delegation(registry, cc, kind, start, value, date, status, opaque, line)
