"""Route-server clients: typed, from arouteserver's ``clients.yml`` or from the registry.

A client is a member network with one BGP session per peering-LAN address. Exchanges
moving from arouteserver keep their ``clients.yml``: this reader takes its format (``asn``,
``ip`` as a string or list, ``description``, ``cfg.filtering.irrdb.as_sets``,
``cfg.filtering.max_prefix``, ``cfg.filtering.next_hop``, the top-level ``asns`` section
with AS-SETs per ASN) and maps the per-client ``cfg`` onto lakou policy overrides.
Every error names the file, the entry (index and ASN) and the key; duplicate addresses
and addresses outside the peering LANs are refused, never silently dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from pathlib import Path
from typing import Any

import yaml

from lakou.exchange import Exchange


class ClientsError(Exception):
    """``clients.yml`` (or the registry's data) cannot be used; names the place."""


@dataclass(frozen=True)
class RouteServerClient:
    asn: int
    ips: tuple[IPv4Address | IPv6Address, ...]
    description: str = ""
    as_sets: tuple[str, ...] = ()
    max_prefix_v4: int | None = None
    max_prefix_v6: int | None = None
    never_via_route_servers: bool = False
    overrides: Mapping[str, Any] = field(default_factory=dict)  # policy sections
    blackhole_to_client: bool = True  # send blackhole routes to this client

    def session_name(self, ip: IPv4Address | IPv6Address) -> str:
        """The daemon's protocol name for the session on ``ip``: ``AS64500_4_1``."""
        same_family = [a for a in self.ips if a.version == ip.version]
        return f"AS{self.asn}_{ip.version}_{same_family.index(ip) + 1}"


_SESSION_NAME = re.compile(r"AS([0-9]+)_([46])_([0-9]+)")


def session_client(name: str) -> tuple[int, int, int] | None:
    """``AS64500_4_1`` → (64500, 4, 1); other names → None (the looking glass uses it)."""
    # Only ASCII digits: int() would also take " 1", "1_0" or "²", and the name goes into
    # BIRD commands.
    match = _SESSION_NAME.fullmatch(name)
    if match is None:
        return None
    return int(match[1]), int(match[2]), int(match[3])


_ACTIONS = {"shutdown": "disable", "restart": "restart", "block": "block", "warning": "warn"}
_NEXT_HOP = {"strict": "strict", "same-as": "same_as", "authorized_addresses": "strict"}


def _as_list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [value]
    if isinstance(value, list):
        return value
    raise ClientsError(f"{where}: expected a list, got {type(value).__name__}")


def _int(value: Any, where: str, low: int = 0, high: int = 2**32 - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ClientsError(f"{where}: expected a number, got {value!r}")
    text = str(value).strip()
    if text.upper().startswith("AS"):
        text = text[2:]
    try:
        number = int(text)
    except ValueError:
        raise ClientsError(f"{where}: expected a number, got {value!r}") from None
    if not low <= number <= high:
        raise ClientsError(f"{where}: {number} is out of range ({low}..{high})")
    return number


def _cfg_overrides(cfg: Mapping[str, Any], where: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """arouteserver's per-client ``cfg`` → (lakou overrides, extra fields for the client)."""
    overrides: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    filtering = cfg.get("filtering") or {}
    if not isinstance(filtering, Mapping):
        raise ClientsError(f"{where}.filtering: expected a mapping")
    irrdb = filtering.get("irrdb") or {}
    if isinstance(irrdb, Mapping):
        if "as_sets" in irrdb:
            extra["as_sets"] = [
                str(s) for s in _as_list(irrdb["as_sets"], f"{where}.filtering.irrdb.as_sets")
            ]
        irr: dict[str, Any] = {}
        if "enforce_origin_in_as_set" in irrdb:
            irr["enforce_origin"] = bool(irrdb["enforce_origin_in_as_set"])
        if "enforce_prefix_in_as_set" in irrdb:
            irr["enforce_prefix"] = bool(irrdb["enforce_prefix_in_as_set"])
        if irr:
            overrides["irr"] = irr
    max_prefix = filtering.get("max_prefix") or {}
    if isinstance(max_prefix, Mapping):
        mp: dict[str, Any] = {}
        for src, dst in (("limit_ipv4", "ipv4"), ("limit_ipv6", "ipv6")):
            if max_prefix.get(src) is not None:
                mp[dst] = _int(max_prefix[src], f"{where}.filtering.max_prefix.{src}", 1)
        if max_prefix.get("action") is not None:
            action = str(max_prefix["action"])
            if action not in _ACTIONS:
                raise ClientsError(
                    f"{where}.filtering.max_prefix.action: {action!r} is not one of "
                    f"{', '.join(_ACTIONS)}"
                )
            mp["action"] = _ACTIONS[action]
        if "peering_db" in max_prefix:
            mp["use_peeringdb"] = bool(max_prefix["peering_db"])
        if mp:
            overrides["max_prefix"] = mp
    next_hop = filtering.get("next_hop") or {}
    if isinstance(next_hop, Mapping) and next_hop:
        nh: dict[str, Any] = {}
        if "policy" in next_hop:
            mode = str(next_hop["policy"])
            if mode not in _NEXT_HOP:
                raise ClientsError(f"{where}.filtering.next_hop.policy: unknown {mode!r}")
            nh["mode"] = _NEXT_HOP[mode]
        if "authorized_addresses_list" in next_hop:
            addresses = []
            for i, item in enumerate(
                _as_list(next_hop["authorized_addresses_list"], f"{where}.filtering.next_hop")
            ):
                try:
                    addresses.append(ip_address(str(item)))
                except ValueError:
                    raise ClientsError(
                        f"{where}.filtering.next_hop.authorized_addresses_list[{i}]: "
                        f"not an IP address: {item!r}"
                    ) from None
            nh["authorised"] = addresses
        overrides["next_hop"] = nh
    blackhole = cfg.get("blackhole_filtering") or {}
    if isinstance(blackhole, Mapping) and "announce_to_client" in blackhole:
        extra["blackhole_to_client"] = bool(blackhole["announce_to_client"])
    # arouteserver's add_path (bool: send the client every path) and lakou's bfd.
    for key in ("add_path", "bfd"):
        if key in cfg and cfg[key] is not None:
            if not isinstance(cfg[key], bool):
                raise ClientsError(f"{where}.{key}: expected true or false, not {cfg[key]!r}")
            overrides[key] = ("tx" if cfg[key] else "off") if key == "add_path" else cfg[key]
    lakou = cfg.get("lakou") or {}
    if not isinstance(lakou, Mapping):
        raise ClientsError(f"{where}.lakou: expected a mapping of policy sections")
    for key, value in lakou.items():
        overrides[key] = value
    return overrides, extra


def parse_clients(data: Any, source: str = "clients.yml") -> list[RouteServerClient]:
    """Clients from the already-parsed YAML document (arouteserver format)."""
    if not isinstance(data, Mapping) or "clients" not in data:
        raise ClientsError(f"{source}: expected a mapping with a 'clients' list")
    asns_section = data.get("asns") or {}
    if not isinstance(asns_section, Mapping):
        raise ClientsError(f"{source}: 'asns' must be a mapping of ASxxx: {{as_sets: [...]}}")
    as_sets_by_asn: dict[int, list[str]] = {}
    for key, value in asns_section.items():
        asn = _int(key, f"{source}: asns.{key}", 1)
        if isinstance(value, Mapping):
            as_sets_by_asn[asn] = [
                str(s) for s in _as_list(value.get("as_sets"), f"{source}: asns.{key}.as_sets")
            ]
    entries = data["clients"]
    if not isinstance(entries, list):
        raise ClientsError(f"{source}: 'clients' must be a list")
    clients: list[RouteServerClient] = []
    seen: dict[IPv4Address | IPv6Address, str] = {}
    for index, entry in enumerate(entries):
        where = f"{source}: clients[{index}]"
        if not isinstance(entry, Mapping):
            raise ClientsError(f"{where}: expected a mapping")
        if "asn" not in entry:
            raise ClientsError(f"{where}: 'asn' is missing")
        asn = _int(entry["asn"], f"{where}.asn", 1)
        where = f"{source}: clients[{index}] (AS{asn})"
        ips: list[IPv4Address | IPv6Address] = []
        for i, raw in enumerate(_as_list(entry.get("ip"), f"{where}.ip")):
            try:
                ip = ip_address(str(raw).strip())
            except ValueError:
                raise ClientsError(f"{where}.ip[{i}]: not an IP address: {raw!r}") from None
            if ip in seen:
                raise ClientsError(f"{where}.ip[{i}]: {ip} is already used by {seen[ip]}")
            seen[ip] = f"clients[{index}] (AS{asn})"
            ips.append(ip)
        if not ips:
            raise ClientsError(f"{where}: no 'ip' given (one BGP session per address)")
        cfg = entry.get("cfg") or {}
        if not isinstance(cfg, Mapping):
            raise ClientsError(f"{where}.cfg: expected a mapping")
        overrides, extra = _cfg_overrides(cfg, f"{where}.cfg")
        max_prefix = overrides.get("max_prefix", {})
        as_sets = extra.get("as_sets") or as_sets_by_asn.get(asn, [])
        clients.append(
            RouteServerClient(
                asn=asn,
                ips=tuple(ips),
                description=str(entry.get("description") or ""),
                as_sets=tuple(as_sets),
                max_prefix_v4=max_prefix.get("ipv4"),
                max_prefix_v6=max_prefix.get("ipv6"),
                overrides=overrides,
                blackhole_to_client=extra.get("blackhole_to_client", True),
            )
        )
    return clients


def read_clients(path: Path) -> list[RouteServerClient]:
    """Read an arouteserver ``clients.yml``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise ClientsError(
            f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ClientsError(f"{path}: cannot read: {exc}") from None
    return parse_clients(data, str(path))


def check_addresses(
    clients: Sequence[RouteServerClient], lans: Iterable[IPv4Network | IPv6Network]
) -> None:
    """Refuse client addresses outside the peering LANs (when the LANs are known)."""
    nets = list(lans)
    if not nets:
        return
    for client in clients:
        for ip in client.ips:
            if not any(ip.version == n.version and ip in n for n in nets):
                shown = ", ".join(str(n) for n in nets)
                raise ClientsError(
                    f"AS{client.asn}: address {ip} is not on a peering LAN ({shown})"
                )


def clients_from_exchange(exchange: Exchange) -> list[RouteServerClient]:
    """Clients of the registry's exchange: members with route-server sessions."""
    clients = []
    for member in exchange.members:
        ips: list[IPv4Address | IPv6Address] = []
        for address in member.addresses:
            if address.rs_ipv4 and address.ipv4 is not None:
                ips.append(address.ipv4)
            if address.rs_ipv6 and address.ipv6 is not None:
                ips.append(address.ipv6)
        if not ips:
            continue
        # Member.route_server_options is an arouteserver cfg (add_path, next hop, IRR
        # switches, max-prefix action...); the registry's columns (AS-SETs, limits) win.
        options = member.route_server_options or {}
        if not isinstance(options, Mapping):
            raise ClientsError(f"AS{member.asn}.route_server_options: expected a mapping")
        overrides, extra = _cfg_overrides(options, f"AS{member.asn}.route_server_options")
        limits = {
            k: v for k, v in (("ipv4", member.max_prefix_v4), ("ipv6", member.max_prefix_v6)) if v
        }
        if limits:
            overrides["max_prefix"] = {**overrides.get("max_prefix", {}), **limits}
        clients.append(
            RouteServerClient(
                asn=member.asn,
                ips=tuple(ips),
                description=member.name,
                as_sets=tuple(member.as_sets) or tuple(extra.get("as_sets", ())),
                max_prefix_v4=member.max_prefix_v4,
                max_prefix_v6=member.max_prefix_v6,
                never_via_route_servers=member.never_via_route_servers,
                overrides=overrides,
                blackhole_to_client=bool(extra.get("blackhole_to_client", True)),
            )
        )
    return clients


def lans_of(exchange: Exchange) -> list[IPv4Network | IPv6Network]:
    nets: list[IPv4Network | IPv6Network] = []
    for lan in exchange.lans:
        if lan.ipv4_prefix is not None:
            nets.append(lan.ipv4_prefix)
        if lan.ipv6_prefix is not None:
            nets.append(lan.ipv6_prefix)
    return nets
