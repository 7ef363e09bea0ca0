"""The exchange as the engines see it: plain typed objects, no Django.

The registry (Django) is the source of truth; ``lakou.registry.views_for_engines``
turns its rows into these objects, and files (arouteserver ``clients.yml``, IX-F JSON)
can produce them too. Engines (route server, flows, territory, paths, what-if) take
only these, so each runs from the CLI on plain files and is tested without a database.
"""

from __future__ import annotations

import re
from datetime import date
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

# 12 hex digits, optionally grouped by ``:``/``-`` (pairs) or ``.`` (Cisco quads)
_MAC = re.compile(
    r"[0-9a-fA-F]{12}|([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}|([0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}"
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PeeringLan(_Frozen):
    """A layer-2 peering LAN (one VLAN) of an exchange."""

    name: str
    vlan: int | None = Field(default=None, ge=1, le=4094)
    ipv4_prefix: IPv4Network | None = None
    ipv6_prefix: IPv6Network | None = None
    mtu: int = 1500


class PeeringLanAddress(_Frozen):
    """A member's presence on a peering LAN: its router's addresses and MACs."""

    lan: str
    vlan: int | None = None
    ipv4: IPv4Address | None = None
    ipv6: IPv6Address | None = None
    macs: tuple[str, ...] = ()
    rs_ipv4: bool = False  # has a route-server session over IPv4
    rs_ipv6: bool = False
    speed_mbps: int | None = None
    switch: str | None = None

    @field_validator("macs")
    @classmethod
    def _mac_shape(cls, macs: tuple[str, ...]) -> tuple[str, ...]:
        """Six octets, whatever the separators (a longer string would overflow 48 bits)."""
        for mac in macs:
            if not _MAC.fullmatch(mac):
                raise ValueError(f"{mac[:40]!r} is not a MAC address")
        return macs


class Member(_Frozen):
    """A network connected to the exchange."""

    asn: int = Field(ge=1, le=4294967295)
    name: str
    organisation: str = ""
    website: str = ""
    peering_policy: str = "open"
    member_type: str = "peering"
    as_sets: tuple[str, ...] = ()
    max_prefix_v4: int | None = None
    max_prefix_v6: int | None = None
    never_via_route_servers: bool = False
    member_since: date | None = None
    addresses: tuple[PeeringLanAddress, ...] = ()
    bgp_password: str = ""
    # Per-client route-server options in arouteserver's clients.yml ``cfg`` shape.
    route_server_options: dict[str, Any] = Field(default_factory=dict)


class RouteServer(_Frozen):
    name: str
    asn: int = Field(ge=1, le=4294967295)
    router_id: IPv4Address
    ipv4: IPv4Address | None = None
    ipv6: IPv6Address | None = None
    daemon: str = "bird2"
    version: str = ""
    lan: str = ""


class Exchange(_Frozen):
    slug: str
    name: str
    country: str = ""  # ISO 3166-1 alpha-2 of the territory (MF, BL, GP, SX...)
    city: str = ""
    asn: int | None = None
    ixf_id: int | None = None
    peeringdb_ix_id: int | None = None
    bridged_to: tuple[str, ...] = ()  # slugs of exchanges joined by a layer-2 bridge
    lans: tuple[PeeringLan, ...] = ()
    members: tuple[Member, ...] = ()
    route_servers: tuple[RouteServer, ...] = ()

    def member(self, asn: int) -> Member | None:
        return next((m for m in self.members if m.asn == asn), None)
