"""Whether a hop's address is public, and its canonical spelling: the two questions the
paths engine asks of every distinct address of a batch of traceroutes.

Python's ``ipaddress`` answers both, at about 10 µs an address (parsing, then testing
membership of a dozen special-purpose networks one by one): more than the rest of the
analysis of a traceroute. An IPv4 address written the usual way (four decimal numbers,
no leading zero: what ``inet_ntoa`` writes back) is therefore read here as an integer
and looked up in a table of intervals made once from ``ipaddress``'s own
special-purpose networks, where the answer of :func:`is_public_reference` is constant:
the same answer, a tenth of the time. Every other spelling (IPv6, leading zeros,
anything odd) goes through ``ipaddress`` as before.
"""

from __future__ import annotations

import bisect
import ipaddress
import socket
from functools import cache
from typing import Any

_SHARED = ipaddress.ip_network("100.64.0.0/10")


def is_public_reference(ip: str) -> bool:
    """The definition: a routable address, counting the shared space 100.64/10 (exchange
    LANs sometimes use space that is not "global") and not private, loopback,
    link-local, multicast or unspecified."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return not (address.is_private and not address.is_global and address.version == 4
                and address not in _SHARED) and not (
        address.is_loopback or address.is_link_local or address.is_multicast
        or address.is_unspecified
    )  # fmt: skip


def dotted_quad(ip: str) -> int | None:
    """The IPv4 address ``ip`` as an integer when written canonically ("192.0.2.1"),
    else None (not IPv4, or spelt another way: leading zeros, spaces...)."""
    if ":" in ip:
        return None
    try:
        packed = socket.inet_pton(socket.AF_INET, ip)
    except (OSError, ValueError):  # ValueError: an embedded NUL
        return None
    if socket.inet_ntoa(packed) != ip:  # written some other way than ipaddress writes it
        return None
    return int.from_bytes(packed, "big")


def _networks(value: Any) -> list[ipaddress.IPv4Network]:
    if isinstance(value, ipaddress.IPv4Network):
        return [value]
    if isinstance(value, ipaddress.IPv4Address):
        return [ipaddress.IPv4Network(value)]
    if isinstance(value, list | tuple | set | frozenset):
        return [n for item in value for n in _networks(item)]
    return []


@cache
def _intervals() -> tuple[list[int], list[bool]]:
    """Interval starts and the answer over each: every network ``ipaddress`` tests an
    IPv4 address against starts or ends an interval, so the answer is constant between
    two consecutive bounds and one address of each interval gives it."""
    bounds = {0}
    constants = vars(getattr(ipaddress, "_IPv4Constants")).values()  # noqa: B009 (private)
    for value in [*constants, _SHARED]:
        for network in _networks(value):
            bounds.add(int(network.network_address))
            bounds.add(int(network.broadcast_address) + 1)
    starts = sorted(b for b in bounds if b < 2**32)
    return starts, [is_public_reference(str(ipaddress.IPv4Address(s))) for s in starts]


def is_public(ip: str) -> bool:
    """:func:`is_public_reference`, quick for canonical IPv4 addresses."""
    value = dotted_quad(ip)
    if value is None:
        return is_public_reference(ip)
    starts, public = _intervals()
    return public[bisect.bisect_right(starts, value) - 1]


def canonical(ip: str) -> str:
    """The address as ``ipaddress`` writes it (``ip`` itself when it cannot be read)."""
    if dotted_quad(ip) is not None:
        return ip  # already written as ipaddress writes it
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return ip
