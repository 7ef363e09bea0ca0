"""What a looking-glass search asks for: an exact prefix, or the longest match of an address.

A prefix (``11.0.11.0/24``) is looked up exactly. An address (``11.0.11.77``) is looked up
the way a router forwards: the most specific accepted prefix that covers it, with every
route the route servers hold for it, plus the filtered routes at least as specific (the
ones that would have carried the traffic had they been accepted, each with its reasons).
The daemons differ in how they find the covering prefixes; the choice among them is made
here, once, for both.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from lakou.routeserver.lg.birdsock import BirdError
from lakou.routeserver.lg.model import RouteView


@dataclass(frozen=True)
class Wanted:
    """A validated search: ``prefix`` canonical; ``address`` set for a longest-match lookup."""

    prefix: str
    address: str | None = None

    @property
    def version(self) -> int:
        return ipaddress.ip_network(self.prefix).version

    @property
    def max_length(self) -> int:
        return 32 if self.version == 4 else 128

    def covering(self) -> list[str]:
        """Every prefix that covers the address, most specific first (an exact search: one)."""
        if self.address is None:
            return [self.prefix]
        return [
            str(ipaddress.ip_network(f"{self.address}/{length}", strict=False))
            for length in range(self.max_length, -1, -1)
        ]


def wanted(text: str) -> Wanted:
    """``11.0.11.0/24`` (exact) or ``11.0.11.77`` (longest match); anything else refused."""
    # ip_network keeps an IPv6 scope id ("fe80::1%eth0 x"), spaces included: refuse it, so
    # nothing but a prefix or an address ever reaches a daemon's command line.
    text = text.strip()
    if "%" in text or not text.isascii():
        raise BirdError(f"not a prefix: {text!r}")
    try:
        if "/" in text:
            return Wanted(str(ipaddress.ip_network(text, strict=False)))
        address = ipaddress.ip_address(text)
    except ValueError:
        raise BirdError(f"not a prefix: {text!r}") from None
    host = address.max_prefixlen
    return Wanted(f"{address}/{host}", str(address))


def _length(route: RouteView) -> int:
    return ipaddress.ip_network(route.prefix, strict=False).prefixlen


def longest_match(wanted: Wanted, routes: list[RouteView]) -> list[RouteView]:
    """Among routes covering the address: the longest accepted prefix's routes and the
    filtered routes at least as specific, most specific first. An exact search keeps all."""
    if wanted.address is None:
        return [r for r in routes if r.prefix == wanted.prefix]
    accepted = max((_length(r) for r in routes if not r.filtered), default=-1)
    kept = [
        r for r in routes if (_length(r) == accepted if not r.filtered else _length(r) >= accepted)
    ]
    return sorted(kept, key=lambda r: (-_length(r), r.filtered))
