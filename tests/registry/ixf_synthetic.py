"""A synthetic IX-F 1.0 document of any size, shaped like a large exchange's export.

One exchange with four switches and one peering LAN (IPv4 /14, IPv6 /64), a route server
(a member of type ``ixp`` with ``services: ixrouteserver``), and ``members`` networks each
with one connection (one port), both address families, a MAC per family, an AS-SET, a
max-prefix, the route-server flag and a NOC contact: about 800 bytes a member, like the
45 MB export of 60,000 members the issue timed. Used by the import tests and the
benchmark; deterministic, so two calls give the same bytes.
"""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path
from typing import Any

V4 = ipaddress.IPv4Network("100.64.0.0/14")
V6 = ipaddress.IPv6Network("2001:db8:ff::/64")
RS_V4 = V4.network_address + 1
RS_V6 = V6.network_address + 1
FIRST_ASN = 4_200_000_000


def member_entry(i: int) -> dict[str, Any]:
    """The ``i``-th member (0-based): ASN 4200000000 + i, addresses from .10 on."""
    asn = FIRST_ASN + i
    v4 = V4.network_address + 10 + i
    v6 = V6.network_address + 10 + i
    mac = (
        f"02:{(i >> 24) & 0xFF:02x}:{(i >> 16) & 0xFF:02x}:{(i >> 8) & 0xFF:02x}:{i & 0xFF:02x}:01"
    )
    return {
        "asnum": asn,
        "member_type": "peering",
        "name": f"Network {i} of the archipelago",
        "url": f"https://net{i}.example.net/",
        "peering_policy": ("open", "selective", "case-by-case")[i % 3],
        "member_since": "2020-01-01T00:00:00Z",
        "contact_email": [f"noc@net{i}.example.net"],
        "connection_list": [
            {
                "ixp_id": 1,
                "state": "active",
                "if_list": [{"switch_id": 1 + i % 4, "if_speed": 10000}],
                "vlan_list": [
                    {
                        "vlan_id": 10,
                        "ipv4": {
                            "address": str(v4),
                            "as_macro": f"AS-NET{i}",
                            "max_prefix": 100,
                            "routeserver": True,
                            "mac_addresses": [mac],
                        },
                        "ipv6": {
                            "address": str(v6),
                            "as_macro": f"AS-NET{i}",
                            "max_prefix": 20,
                            "routeserver": True,
                            "mac_addresses": [mac],
                        },
                    }
                ],
            }
        ],
    }


def document(members: int) -> dict[str, Any]:
    """An IX-F 1.0 document with ``members`` members (plus the route server's entry)."""
    route_server = {
        "asnum": 64999,
        "member_type": "ixp",
        "name": "Archipelago IX route servers",
        "connection_list": [
            {
                "ixp_id": 1,
                "vlan_list": [
                    {
                        "vlan_id": 10,
                        "ipv4": {
                            "address": str(RS_V4),
                            "services": [
                                {
                                    "type": "ixrouteserver",
                                    "daemon": "bird",
                                    "daemon_version": "2.15",
                                }
                            ],
                        },
                        "ipv6": {
                            "address": str(RS_V6),
                            "services": [
                                {
                                    "type": "ixrouteserver",
                                    "daemon": "bird",
                                    "daemon_version": "2.15",
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    return {
        "version": "1.0",
        "timestamp": "2026-12-01T00:00:00Z",
        "ixp_list": [
            {
                "ixp_id": 1,
                "ixf_id": 9001,
                "shortname": "ARCHI-IX",
                "name": "Archipelago Internet Exchange",
                "country": "GP",
                "url": "https://archi-ix.example.net/",
                "switch": [
                    {"id": n, "name": f"sw{n}", "colo": f"Datacentre {n}", "country": "GP"}
                    for n in range(1, 5)
                ],
                "vlan": [
                    {
                        "id": 10,
                        "name": "peering",
                        "ipv4": {"prefix": str(V4.network_address), "mask_length": V4.prefixlen},
                        "ipv6": {"prefix": str(V6.network_address), "mask_length": V6.prefixlen},
                    }
                ],
            }
        ],
        "member_list": [route_server, *(member_entry(i) for i in range(members))],
    }


def write(path: Path, members: int) -> Path:
    path.write_text(json.dumps(document(members)), encoding="utf-8")
    return path
