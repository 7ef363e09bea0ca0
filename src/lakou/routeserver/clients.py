"""Route-server clients: typed, from arouteserver's ``clients.yml`` or from the registry.

A client is a member network with one BGP session per peering-LAN address. Exchanges
moving from arouteserver keep their ``clients.yml``: this reader takes its format (``asn``,
``ip`` as a string or list, ``description``, ``password``, every per-client ``cfg``
option, the top-level ``asns`` section with AS-SETs per ASN): the ``cfg`` is checked
against the one option schema (:mod:`lakou.routeserver.options`) and kept typed on the
client for the renderers, its policy-shaped part merged into lakou policy overrides.
Every error names the file, the entry (index and ASN) and the key; duplicate addresses
and addresses outside the peering LANs are refused, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakou.i18n import gettext as _
from lakou.inputs import InputError, load_yaml
from lakou.routeserver.options import ClientOptions, OptionError, check_password
from lakou.routeserver.sessionnames import session_client as session_client  # re-exported
from lakou.vocabulary import is_as_set

if TYPE_CHECKING:  # only the registry's builds pass exchanges
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
    password: str = field(default="", repr=False)  # TCP MD5 (RFC 2385); never printed
    options: ClientOptions = field(default_factory=ClientOptions)  # every per-client option

    def session_name(self, ip: IPv4Address | IPv6Address) -> str:
        """The daemon's protocol name for the session on ``ip``: ``AS64500_4_1``."""
        same_family = [a for a in self.ips if a.version == ip.version]
        return f"AS{self.asn}_{ip.version}_{same_family.index(ip) + 1}"


_ACTIONS = {"shutdown": "disable", "restart": "restart", "block": "block", "warning": "warn"}
_NEXT_HOP = {"strict": "strict", "same-as": "same_as", "authorized_addresses": "strict"}


def _as_list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [value]
    if isinstance(value, list):
        return value
    raise ClientsError(
        _("{where}: expected a list, got {kind}").format(where=where, kind=type(value).__name__)
    )


def _int(value: Any, where: str, low: int = 0, high: int = 2**32 - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ClientsError(
            _("{where}: expected a number, got {value!r}").format(where=where, value=value)
        )
    text = str(value).strip()
    if text.upper().startswith("AS"):
        text = text[2:]
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        raise ClientsError(
            _("{where}: expected a number, got {value!r}").format(where=where, value=value)
        )
    number = int(text)
    if not low <= number <= high:
        raise ClientsError(
            _("{where}: {number} is out of range ({low}..{high})").format(
                where=where, number=number, low=low, high=high
            )
        )
    return number


def read_options(cfg: Any, where: str) -> tuple[ClientOptions, dict[str, Any]]:
    """arouteserver's per-client ``cfg`` -> (typed options, lakou policy overrides).

    The ``cfg`` is checked against the one schema (:mod:`lakou.routeserver.options`); a
    ``lakou:`` mapping beside arouteserver's options holds lakou policy sections directly.
    """
    if not isinstance(cfg, Mapping):
        raise ClientsError(_("{where}: expected a mapping").format(where=where))
    rest = dict(cfg)
    extension = rest.pop("lakou", None) or {}
    if not isinstance(extension, Mapping):
        raise ClientsError(
            _("{where}.lakou: expected a mapping of policy sections").format(where=where)
        )
    try:
        options = ClientOptions.from_cfg(rest, where)
    except OptionError as exc:
        raise ClientsError(str(exc)) from None
    return options, {**policy_overrides(options), **extension}


def policy_overrides(options: ClientOptions) -> dict[str, Any]:
    """The lakou policy sections a client's options change (the rest is read by renderers)."""
    out: dict[str, Any] = {}
    f = options.filtering

    def put(section: str, key: str, value: Any) -> None:
        if value is not None:
            out.setdefault(section, {})[key] = value

    put("irr", "enforce_origin", f.irrdb.enforce_origin_in_as_set)
    put("irr", "enforce_prefix", f.irrdb.enforce_prefix_in_as_set)
    mp = f.max_prefix
    put("max_prefix", "action", _ACTIONS[mp.action] if mp.action else None)
    put("max_prefix", "ipv4", mp.limit_ipv4)
    put("max_prefix", "ipv6", mp.limit_ipv6)
    put("max_prefix", "use_peeringdb", mp.peering_db.enabled)
    put("max_prefix", "peeringdb_margin_absolute", mp.peering_db.increment.absolute)
    put("max_prefix", "peeringdb_margin_percent", mp.peering_db.increment.relative)
    if f.next_hop.policy:
        put("next_hop", "mode", _NEXT_HOP[f.next_hop.policy])
    if f.next_hop.authorized_addresses_list:
        put("next_hop", "authorised", list(f.next_hop.authorized_addresses_list))
    for v, lengths in ((4, f.ipv4_pref_len), (6, f.ipv6_pref_len)):
        if lengths is not None:
            put("prefixes", f"ipv{v}_min_length", lengths.min)
            put("prefixes", f"ipv{v}_max_length", lengths.max)
    put("as_path", "max_length", f.max_as_path_len)
    put("as_path", "reject_bogon_asns", f.reject_invalid_as_in_as_path)
    if f.allow_as_set is not None:
        put("as_path", "reject_as_set", not f.allow_as_set)
    put("rpki", "enabled", f.rpki_bgp_origin_validation.enabled)
    put("rpki", "reject_invalid", f.rpki_bgp_origin_validation.reject_invalid)
    put("roles", "announce_role", f.roles.enabled)
    if f.roles.enabled is False:
        put("roles", "reject_otc", False)
    if options.graceful_shutdown.enabled is not None:
        out["graceful_shutdown"] = options.graceful_shutdown.enabled
    if options.add_path is not None:
        out["add_path"] = "tx" if options.add_path else "off"
    if options.bfd is not None:
        out["bfd"] = options.bfd
    return out


def parse_clients(data: Any, source: str = "clients.yml") -> list[RouteServerClient]:
    """Clients from the already-parsed YAML document (arouteserver format)."""
    if not isinstance(data, Mapping) or "clients" not in data:
        raise ClientsError(
            _("{source}: expected a mapping with a 'clients' list").format(source=source)
        )
    asns_section = data.get("asns") or {}
    if not isinstance(asns_section, Mapping):
        raise ClientsError(
            _("{source}: 'asns' must be a mapping of ASxxx: {{as_sets: [...]}}").format(
                source=source
            )
        )
    as_sets_by_asn: dict[int, list[str]] = {}
    for key, value in asns_section.items():
        asn = _int(key, f"{source}: asns.{key}", 1)
        if isinstance(value, Mapping):
            as_sets_by_asn[asn] = [
                str(s) for s in _as_list(value.get("as_sets"), f"{source}: asns.{key}.as_sets")
            ]
            for name in as_sets_by_asn[asn]:
                if not is_as_set(name):
                    raise ClientsError(
                        _("{source}: asns.{key}.as_sets: {name!r} is not an AS-SET name").format(
                            source=source, key=key, name=name
                        )
                    )
    entries = data["clients"]
    if not isinstance(entries, list):
        raise ClientsError(_("{source}: 'clients' must be a list").format(source=source))
    clients: list[RouteServerClient] = []
    seen: dict[IPv4Address | IPv6Address, str] = {}
    for index, entry in enumerate(entries):
        where = f"{source}: clients[{index}]"
        if not isinstance(entry, Mapping):
            raise ClientsError(_("{where}: expected a mapping").format(where=where))
        if "asn" not in entry:
            raise ClientsError(_("{where}: 'asn' is missing").format(where=where))
        asn = _int(entry["asn"], f"{where}.asn", 1)
        where = f"{source}: clients[{index}] (AS{asn})"
        ips: list[IPv4Address | IPv6Address] = []
        for i, raw in enumerate(_as_list(entry.get("ip"), f"{where}.ip")):
            try:
                ip = ip_address(str(raw).strip())
            except ValueError:
                raise ClientsError(
                    _("{where}.ip[{i}]: not an IP address: {raw!r}").format(
                        where=where, i=i, raw=raw
                    )
                ) from None
            if ip in seen:
                raise ClientsError(
                    _("{where}.ip[{i}]: {ip} is already used by {other}").format(
                        where=where, i=i, ip=ip, other=seen[ip]
                    )
                )
            seen[ip] = f"clients[{index}] (AS{asn})"
            ips.append(ip)
        if not ips:
            raise ClientsError(
                _("{where}: no 'ip' given (one BGP session per address)").format(where=where)
            )
        options, overrides = read_options(entry.get("cfg") or {}, f"{where}.cfg")
        max_prefix = overrides.get("max_prefix", {})
        as_sets = list(options.filtering.irrdb.as_sets) or as_sets_by_asn.get(asn, [])
        for i, name in enumerate(as_sets):
            if not is_as_set(str(name)):
                raise ClientsError(
                    _("{where}: AS-SET [{i}] {name!r} is not an AS-SET name").format(
                        where=where, i=i, name=name
                    )
                )
        password = entry.get("password")
        if password is not None:
            try:
                password = check_password(password, f"{where}.password", [])
            except OptionError as exc:
                raise ClientsError(str(exc)) from None
        clients.append(
            RouteServerClient(
                asn=asn,
                ips=tuple(ips),
                description=str(entry.get("description") or ""),
                as_sets=tuple(as_sets),
                max_prefix_v4=max_prefix.get("ipv4"),
                max_prefix_v6=max_prefix.get("ipv6"),
                overrides=overrides,
                blackhole_to_client=options.blackhole_filtering.announce_to_client is not False,
                password=password or "",
                options=options,
            )
        )
    return clients


def read_clients(path: Path) -> list[RouteServerClient]:
    """Read an arouteserver ``clients.yml``."""
    try:
        data = load_yaml(path.read_bytes())
    except InputError as exc:
        raise ClientsError(exc.located(path)) from None
    except OSError as exc:
        raise ClientsError(_("{path}: cannot read: {error}").format(path=path, error=exc)) from None
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
                    _("AS{asn}: address {ip} is not on a peering LAN ({lans})").format(
                        asn=client.asn, ip=ip, lans=shown
                    )
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
        options, overrides = read_options(
            member.route_server_options or {}, f"AS{member.asn}.route_server_options"
        )
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
                as_sets=tuple(member.as_sets) or options.filtering.irrdb.as_sets,
                max_prefix_v4=member.max_prefix_v4,
                max_prefix_v6=member.max_prefix_v6,
                never_via_route_servers=member.never_via_route_servers,
                overrides=overrides,
                blackhole_to_client=options.blackhole_filtering.announce_to_client is not False,
                password=member.bgp_password,
                options=options,
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
