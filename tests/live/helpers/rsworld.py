"""The live route-server world: members, their IRR data, ROAs and the routes they announce.

Shared by the BIRD and OpenBGPD scenarios. Addresses: the route server is 192.0.2.1 /
2001:db8::1 on the peering LAN 192.0.2.0/24, 2001:db8::/64; member N is 192.0.2.N.
Member ASNs are public-looking (10001..) because private ASNs are themselves filtered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from ipaddress import ip_address

from lakou.routeserver.clients import RouteServerClient
from lakou.routeserver.enrich.model import Enriched, IrrData
from lakou.routeserver.policy import Policy

RS_ASN = 59999
A, B, C, D, E = 10001, 10002, 10003, 10004, 10005
NEVER_VIA_RS = 20000
BLACKHOLE_V4 = "192.0.2.66"
BLACKHOLE_V6 = "2001:db8::66"
LIMIT_D = 3

FAST = {
    "hold": 6,
    "keepalive": 2,
    "connect_retry": 1,
    "connect_delay": 1,
    "error_wait_min": 1,
    "error_wait_max": 2,
}


def policy(rpki_port: int = 8282, rpki: bool = True) -> Policy:
    return Policy.model_validate(
        {
            "rs_asn": RS_ASN,
            "router_id": "192.0.2.1",
            "rs_ipv4": "192.0.2.1",
            "rs_ipv6": "2001:db8::1",
            "peering_lans": ["192.0.2.0/24", "2001:db8::/64"],
            "rpki": {"enabled": rpki, "source": "rtr", "rtr_port": rpki_port, "rtr_refresh": 5},
            "blackholing": {"next_hop_ipv4": BLACKHOLE_V4, "next_hop_ipv6": BLACKHOLE_V6},
            "timers": FAST,
        }
    )


def clients() -> list[RouteServerClient]:
    def ips(n: int) -> tuple:
        return (ip_address(f"192.0.2.{n}"), ip_address(f"2001:db8::{n}"))

    return [
        RouteServerClient(A, ips(11), "Member A (ExaBGP)", ("AS-A",)),
        RouteServerClient(B, ips(12), "Member B (BIRD)", ("AS-B",)),
        RouteServerClient(C, ips(13), "Member C (BIRD)"),
        RouteServerClient(
            D,
            ips(14),
            "Member D (ExaBGP)",
            overrides={
                "max_prefix": {"ipv4": LIMIT_D, "action": "block"},
                "roles": {"announce_role": False},
            },
        ),
        RouteServerClient(E, ips(15), "Member E (BIRD)"),
    ]


IRR_A4 = (
    "11.0.0.0/24", "11.0.1.0/24", "11.0.2.0/24", "11.0.3.0/24", "11.0.4.0/24", "11.0.5.0/24",
    "11.0.6.0/24", "11.0.7.0/24", "11.0.8.0/24", "11.0.9.128/25", "11.0.10.0/24",
    "11.0.11.0/24", "11.0.12.0/24", "11.0.13.0/24", "11.0.14.0/24", "11.0.15.0/24",
    "11.0.16.0/24", "11.0.17.0/24", "12.0.0.0/7",
)  # fmt: skip
IRR_A6 = ("2a0a::/32", "2a0a::/64")


def enriched() -> Enriched:
    now = datetime.now(UTC)
    irr = {
        A: IrrData(A, ("AS-A",), frozenset({A, 10010}), IRR_A4, IRR_A6, "test", now),
        B: IrrData(
            B,
            ("AS-B",),
            frozenset({B, A}),
            ("12.2.0.0/24", "11.0.16.0/24", "11.0.17.0/24"),
            ("2a0b::/32",),
            "test",
            now,
        ),
        C: IrrData(C, (), frozenset({C}), (), (), "test", now),
        D: IrrData(
            D,
            (),
            frozenset({D}),
            (*(f"14.0.{i}.0/24" for i in range(6)), "14.1.0.0/24"),
            (),
            "test",
            now,
        ),
        E: IrrData(E, (), frozenset({E}), (), (), "test", now),
    }
    return Enriched(irr=irr, never_via_route_servers=frozenset({NEVER_VIA_RS}))


ROAS_JSON = {
    "metadata": {"buildtime": "2026-11-22T00:00:00Z"},
    "roas": [
        {"prefix": "11.0.0.0/24", "maxLength": 24, "asn": f"AS{A}", "ta": "test"},
        {"prefix": "11.0.5.0/24", "maxLength": 24, "asn": "AS99999", "ta": "test"},
    ],
}


@dataclass
class Announce:
    prefix: str
    path: list[int | tuple[int, ...]]
    next_hop: str | None = None
    communities: list[str] = field(default_factory=list)
    large: list[str] = field(default_factory=list)
    otc: int | None = None
    expect: set[int] = field(default_factory=set)  # reject reasons; empty: accepted

    def exabgp(self, default_nh: str) -> str:
        parts = []
        for item in self.path:
            if isinstance(item, tuple):
                parts.append("( " + " ".join(map(str, item)) + " )")
            else:
                parts.append(str(item))
        nh = self.next_hop or default_nh
        line = f"route {self.prefix} next-hop {nh} as-path [ {' '.join(parts)} ]"
        if self.communities:
            line += f" community [ {' '.join(self.communities)} ]"
        if self.large:
            line += f" large-community [ {' '.join(self.large)} ]"
        if self.otc is not None:
            line += f" attribute [ 0x23 0xc0 0x{self.otc:08x} ]"
        return line + ";"


def routes_a4() -> list[Announce]:
    return [
        Announce("11.0.0.0/24", [A]),
        Announce("11.0.1.0/24", [A], next_hop="192.0.2.12", expect={8}),
        Announce("11.0.2.0/24", [10010], expect={7}),
        Announce("11.0.3.0/24", [A] * 33, expect={5}),
        Announce("11.0.4.0/24", [A, 64512, 10010], expect={4}),
        Announce("11.0.5.0/24", [A], expect={13}),
        Announce("11.0.6.0/24", [A, (10010, 10011)], expect={16, 10}),
        Announce("11.0.7.0/24", [A, 174, 10010], expect={14}),
        Announce("11.0.8.0/24", [A, NEVER_VIA_RS, 10010], expect={17}),
        Announce("10.0.0.0/24", [A], expect={3, 9}),
        Announce("11.0.9.128/25", [A], expect={1}),
        Announce("12.0.0.0/7", [A], expect={2}),
        Announce("45.0.0.0/24", [A], expect={9}),
        Announce("11.0.10.0/24", [A, 30000], expect={10}),
        # The acceptance route: three checks fail, three reasons.
        Announce("11.0.11.0/24", [A, 64512, 30000], next_hop="192.0.2.12", expect={8, 4, 10}),
        # RFC 7999: a /32 inside the authorised 11.0.0.0/24.
        Announce("11.0.0.1/32", [A], communities=["65535:666"]),
        Announce("46.0.0.1/32", [A], communities=["65535:666"], expect={9}),
        # Announcement control.
        Announce("11.0.13.0/24", [A], large=[f"{RS_ASN}:0:{C}"]),
        Announce("11.0.14.0/24", [A], large=[f"{RS_ASN}:0:0", f"{RS_ASN}:1:{E}"]),
        Announce("11.0.15.0/24", [A], large=[f"{RS_ASN}:102:{C}"]),
        # Graceful shutdown: B's longer path must win at C.
        Announce("11.0.16.0/24", [A], communities=["65535:0"]),
        # Path hiding: the best route (A's) is not for C, so C must get B's.
        Announce("11.0.17.0/24", [A], large=[f"{RS_ASN}:0:{C}"]),
    ]


def routes_a6() -> list[Announce]:
    return [
        Announce("2a0a::/32", [A]),
        Announce("2a0a:1::/48", [A], expect={9}),
        Announce("2001:db8:1::/48", [A], expect={3, 9}),
        Announce("2a0a::/64", [A], expect={1}),
        Announce("2a0a::1/128", [A], communities=["65535:666"]),
    ]


def routes_d4() -> list[Announce]:
    # D has a limit of 3 (action block) and announces 5 good routes, plus a leak.
    out = [Announce(f"14.0.{i}.0/24", [D]) for i in range(5)]
    return out


def routes_d4_leak() -> Announce:
    return Announce("14.1.0.0/24", [D], otc=D, expect={18})


def exabgp_config(
    host: int,
    asn: int,
    v4: list[Announce],
    v6: list[Announce],
    rs4: str = "192.0.2.1",
    rs6: str = "2001:db8::1",
) -> str:
    ip4, ip6 = f"192.0.2.{host}", f"2001:db8::{host}"
    body4 = "\n    ".join(r.exabgp(ip4) for r in v4)
    body6 = "\n    ".join(r.exabgp(ip6) for r in v6)
    out = f"""
neighbor {rs4} {{
  router-id {ip4}; local-address {ip4}; local-as {asn}; peer-as {RS_ASN}; hold-time 6;
  family {{ ipv4 unicast; }}
  static {{
    {body4}
  }}
}}
"""
    if v6:
        out += f"""
neighbor {rs6} {{
  router-id {ip4}; local-address {ip6}; local-as {asn}; peer-as {RS_ASN}; hold-time 6;
  family {{ ipv6 unicast; }}
  static {{
    {body6}
  }}
}}
"""
    return out
