"""The route server's policy: what it checks and does, with today's best practice as defaults.

The defaults follow RFC 7947/7948 (transparent route server, per-client RIBs), MANRS for
IXPs (IRR and RPKI filtering, bogons, next hop and first AS checks) and the Euro-IX
community guide. Each section can be overridden per client (a member with two routers
whose next hops differ, a member allowed more prefixes, a member only tagged on IRR);
global settings (the route server's ASN and addresses, the RPKI source) cannot.
A policy is read from YAML (``--policy policy.yml``) or built from the registry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from lakou.config_base import deep_merge, describe_validation
from lakou.inputs import InputError, load_yaml

DEFAULT_TRANSIT_FREE = (
    174, 701, 1299, 2914, 3257, 3320, 3356, 3491, 5511, 6453, 6461, 6762, 6830, 7018, 12956,
)  # fmt: skip

# IANA special-purpose and reserved ranges (RFC 5398, 6793, 6996, 7300, 7607).
DEFAULT_BOGON_ASNS = (
    (0, 0),
    (23456, 23456),
    (64496, 131071),
    (4200000000, 4294967295),
)

DEFAULT_BOGONS_V4 = (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
)  # fmt: skip
DEFAULT_BOGONS_V6 = (
    "::/8", "100::/64", "2001:2::/48", "2001:10::/28", "2001:db8::/32", "2002::/16",
    "3ffe::/16", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
)  # fmt: skip


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NextHopPolicy(_Section):
    mode: Literal["strict", "same_as", "any"] = Field(
        default="same_as",
        description=(
            "strict: NEXT_HOP must be the session's own address; same_as: any peering-LAN "
            "address of the same member; any: not checked (not recommended)."
        ),
    )
    authorised: list[IPv4Address | IPv6Address] = Field(
        default_factory=list, description="Extra addresses accepted as NEXT_HOP."
    )


class AsPathPolicy(_Section):
    enforce_first_as: bool = Field(default=True, description="First AS must be the member's.")
    max_length: int = Field(default=32, ge=1, le=255, description="Longest AS_PATH accepted.")
    reject_bogon_asns: bool = Field(
        default=True, description="Reject private/reserved ASNs anywhere in the path."
    )
    bogon_asns: list[tuple[int, int]] = Field(
        default_factory=lambda: list(DEFAULT_BOGON_ASNS),
        description="Private and reserved ASN ranges (first, last).",
    )
    reject_as_set: bool = Field(default=True, description="Reject AS_SET segments (RFC 9774).")
    transit_free_asns: list[int] = Field(
        default_factory=lambda: list(DEFAULT_TRANSIT_FREE),
        description="Transit-free networks: seen behind a member, the route is a leak.",
    )
    reject_never_via_rs: bool = Field(
        default=True,
        description="Reject paths through networks flagged never-via-route-servers (PeeringDB).",
    )


class PrefixPolicy(_Section):
    ipv4_min_length: int = Field(default=8, ge=0, le=32)
    ipv4_max_length: int = Field(default=24, ge=0, le=32)
    ipv6_min_length: int = Field(default=12, ge=0, le=128)
    ipv6_max_length: int = Field(default=48, ge=0, le=128)
    reject_bogons: bool = Field(default=True, description="Reject bogons and the peering LANs.")
    bogons_v4: list[IPv4Network] = Field(
        default_factory=lambda: [IPv4Network(p) for p in DEFAULT_BOGONS_V4]
    )
    bogons_v6: list[IPv6Network] = Field(
        default_factory=lambda: [IPv6Network(p) for p in DEFAULT_BOGONS_V6],
        description="IPv6 bogons; anything outside 2000::/3 is also rejected.",
    )

    @model_validator(mode="after")
    def _bounds(self) -> PrefixPolicy:
        if self.ipv4_min_length > self.ipv4_max_length:
            raise ValueError("ipv4_min_length is greater than ipv4_max_length")
        if self.ipv6_min_length > self.ipv6_max_length:
            raise ValueError("ipv6_min_length is greater than ipv6_max_length")
        return self


class IrrPolicy(_Section):
    enforce_origin: bool = Field(default=True, description="Origin AS must be in the AS-SET.")
    enforce_prefix: bool = Field(default=True, description="Prefix must have a route object.")
    tag_only: bool = Field(
        default=False, description="Only tag IRR failures (RS:1000:7) instead of filtering."
    )


class RpkiPolicy(_Section):
    enabled: bool = Field(default=True, description="RPKI origin validation (RFC 6811).")
    reject_invalid: bool = Field(default=True, description="Filter RPKI-invalid routes.")
    reject_unknown: bool = Field(default=False, description="Filter routes no ROA covers.")
    source: Literal["rtr", "file"] = Field(
        default="rtr",
        description="rtr: BIRD fetches ROAs over RTR at run time; file: ROAs written in.",
    )
    rtr_host: str = Field(
        default="127.0.0.1",
        description="RTR server (stayrtr, Routinator): an IP address or a host name.",
    )
    rtr_port: int = Field(default=8282, ge=1, le=65535)
    rtr_refresh: int = Field(default=300, ge=1, description="RTR refresh interval, seconds.")

    @field_validator("rtr_host")
    @classmethod
    def _host(cls, value: str) -> str:
        try:
            return str(ip_address(value))
        except ValueError:
            pass
        if not _HOST_NAME.fullmatch(value):
            raise ValueError(f"{value[:60]!r} is neither an IP address nor a host name")
        return value


_HOST_NAME = re.compile(
    r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*",
    re.ASCII,
)


class MaxPrefixPolicy(_Section):
    enabled: bool = True
    action: Literal["restart", "block", "disable", "warn"] = Field(
        default="restart",
        description=(
            "When a member exceeds its limit: restart the session (with BIRD's back-off), "
            "block the extra routes, disable the session, or only warn."
        ),
    )
    ipv4: int | None = Field(default=None, ge=1, description="Limit for this member (IPv4).")
    ipv6: int | None = Field(default=None, ge=1, description="Limit for this member (IPv6).")
    default_ipv4: int = Field(default=170000, ge=1, description="Limit when nothing else says.")
    default_ipv6: int = Field(default=12000, ge=1)
    use_peeringdb: bool = Field(default=True, description="Use PeeringDB's info_prefixes.")
    peeringdb_margin_percent: int = Field(default=10, ge=0)
    peeringdb_margin_absolute: int = Field(default=100, ge=0)


class BlackholePolicy(_Section):
    enabled: bool = Field(default=True, description="Accept RFC 7999 blackhole routes.")
    next_hop_ipv4: IPv4Address | None = Field(
        default=None, description="The exchange's IPv4 blackhole next hop (rewritten)."
    )
    next_hop_ipv6: IPv6Address | None = None
    ipv4_max_length: int = Field(default=32, ge=0, le=32)
    ipv6_max_length: int = Field(default=128, ge=0, le=128)
    add_no_export: bool = True
    irr_more_specifics: bool = Field(
        default=True,
        description=(
            "A blackhole longer than the normal maximum length may be a more-specific of a "
            "registered prefix; false: it must be registered itself, as arouteserver asks "
            "(BIRD then parses a huge AS-SET's sets faster and in less memory)."
        ),
    )


class RolesPolicy(_Section):
    announce_role: bool = Field(
        default=True,
        description=(
            "Announce the BGP role rs_server (RFC 9234; BIRD >= 2.0.11). The daemon then drops "
            "routes carrying OTC from a client itself."
        ),
    )
    reject_otc: bool = Field(
        default=True, description="Filter (and keep, tagged) routes carrying OTC from a client."
    )


class TimersPolicy(_Section):
    hold: int = Field(default=90, ge=3)
    keepalive: int = Field(default=30, ge=1)
    connect_retry: int = Field(default=120, ge=1)
    connect_delay: int = Field(default=5, ge=1)
    error_wait_min: int = Field(default=60, ge=1)
    error_wait_max: int = Field(default=300, ge=1)
    bfd_min_rx_ms: int = Field(
        default=300, ge=10, le=60000, description="BFD: slowest control packet rate wanted (ms)."
    )
    bfd_min_tx_ms: int = Field(
        default=300, ge=10, le=60000, description="BFD: fastest control packet rate sent (ms)."
    )
    bfd_multiplier: int = Field(
        default=3, ge=1, le=255, description="BFD: missed packets before the session is down."
    )


class Policy(_Section):
    """The whole policy; the first block is global, the sections can be set per client."""

    rs_asn: int = Field(default=64999, ge=1, le=4294967295, description="Route server ASN.")
    router_id: IPv4Address = Field(default=IPv4Address("192.0.2.1"))
    rs_ipv4: IPv4Address | None = Field(default=None, description="Local IPv4 for sessions.")
    rs_ipv6: IPv6Address | None = Field(default=None, description="Local IPv6 for sessions.")
    peering_lans: list[IPv4Network | IPv6Network] = Field(
        default_factory=list, description="The peering LANs (never accepted as routes)."
    )
    multihop: bool = Field(
        default=False, description="Lab only: sessions over loopback need BIRD multihop."
    )
    next_hop: NextHopPolicy = Field(default_factory=NextHopPolicy)
    as_path: AsPathPolicy = Field(default_factory=AsPathPolicy)
    prefixes: PrefixPolicy = Field(default_factory=PrefixPolicy)
    irr: IrrPolicy = Field(default_factory=IrrPolicy)
    rpki: RpkiPolicy = Field(default_factory=RpkiPolicy)
    max_prefix: MaxPrefixPolicy = Field(default_factory=MaxPrefixPolicy)
    blackholing: BlackholePolicy = Field(default_factory=BlackholePolicy)
    graceful_shutdown: bool = Field(default=True, description="Honour 65535:0 (RFC 8326).")
    maintenance: bool = Field(
        default=False,
        description=(
            "Route-server maintenance: send every route with GRACEFUL_SHUTDOWN (65535:0, "
            "RFC 8326) so members move their traffic away before a planned reboot."
        ),
    )
    announcement_control: bool = Field(default=True, description="Honour RS:0/1/101-103.")
    informational_tags: bool = Field(default=True, description="Add RS:1000:x tags.")
    roles: RolesPolicy = Field(default_factory=RolesPolicy)
    timers: TimersPolicy = Field(default_factory=TimersPolicy)
    bfd: bool = Field(
        default=False,
        description=(
            "BFD (RFC 5880) on the member's sessions: a dead link takes the session down in "
            "about a second instead of the hold time. BIRD only (OpenBGPD 7.7 has no BFD)."
        ),
    )
    add_path: Literal["off", "tx", "rx", "both"] = Field(
        default="off",
        description=(
            "ADD-PATH (RFC 7911): tx sends the member every path the route server accepted "
            "for a prefix, not only the best; rx accepts several paths from it; both. "
            "arouteserver's add_path: true is tx."
        ),
    )

    @field_validator("add_path", mode="before")
    @classmethod
    def _add_path_bool(cls, value: Any) -> Any:
        if value is True:
            return "tx"
        if value is False:
            return "off"
        return value

    def for_client(self, overrides: Mapping[str, Any], where: str = "client") -> Policy:
        """This policy with a client's overrides merged in (sections only, not globals)."""
        if not overrides:
            return self
        forbidden = sorted(set(overrides) & GLOBAL_KEYS)
        if forbidden:
            raise PolicyError(
                f"{where}: {', '.join(forbidden)} cannot be set per client (global settings)"
            )
        merged = deep_merge(self.model_dump(mode="python"), overrides)
        try:
            return Policy.model_validate(merged)
        except ValidationError as exc:
            raise PolicyError(describe_validation(exc, where)) from None


GLOBAL_KEYS = {
    "rs_asn", "router_id", "rs_ipv4", "rs_ipv6", "peering_lans", "multihop", "timers",
    "maintenance",
}  # fmt: skip


class PolicyError(Exception):
    """A policy (file or override) that cannot be used; the message names the place."""


def load_policy(path: Path) -> Policy:
    """Read ``policy.yml``; errors name the file and the key or line."""
    try:
        data = load_yaml(path.read_bytes())
    except InputError as exc:
        raise PolicyError(exc.located(path)) from None
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read: {exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: the top level must be a mapping")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(describe_validation(exc, str(path))) from None
