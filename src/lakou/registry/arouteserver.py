"""arouteserver ``clients.yml``: import an exchange's route-server clients, export them back.

So an exchange already running arouteserver can move to lakou (and keep feeding
arouteserver from lakou while it does). What maps onto the registry:

===========================================  =============================================
clients.yml                                  registry
===========================================  =============================================
``clients[].asn``                            Network (created if new) and Member
``clients[].ip`` (string or list)            PeeringLanAddress on the peering LAN whose
                                             prefix holds it (first IPv4 + first IPv6 of a
                                             client share one address row), and a
                                             RouteServerSession with every route server of
                                             that LAN, per address family
``clients[].description``                    Network.name for a network the import creates
``cfg.filtering.irrdb.as_sets``, then        Network.as_set (client level wins, as in
``asns.AS<n>.as_sets``                       arouteserver)
``cfg.filtering.max_prefix.limit_ipv4/6``    Network.max_prefix_v4 / max_prefix_v6
===========================================  =============================================

Everything else a client may carry (``password``, ``passive``, ``gtsm``, ``add_path``,
``next_hop.policy``, ``enforce_*_in_as_set``, ``max_prefix.action``, RPKI, black lists...)
is type-checked, then reported as *not kept*, client by client: the registry has no place
for it yet, and dropping it silently would change the route server's behaviour.

The export writes the same shape in a fixed order (clients by ASN then address, ``asns``
by ASN): the AS-SETs go to the ``asns`` section (they are per network in lakou), limits
to each client's ``cfg``. A file in that shape round-trips exactly; any file round-trips
to an equivalent one (same clients, addresses, AS-SETs and limits).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from lakou.registry import models as m
from lakou.registry.ixf.common import ImportReport, IxfError, join
from lakou.registry.ixf.import_ import save_checked

TOP_KEYS = {"asns", "clients"}
CLIENT_KEYS = {"asn", "ip", "description", "password", "cfg"}
BOOL_OPTIONS = {"passive", "gtsm", "add_path", "prepend_rs_as"}
NEXT_HOP_POLICIES = {"strict", "same-as", "authorized_addresses"}
MAX_PREFIX_ACTIONS = {"shutdown", "restart", "block", "log"}
ASN_KEY = re.compile(r"^AS(\d+)$")


class ClientsError(IxfError):
    """A clients.yml lakou cannot use: ``path`` (``clients[4].ip[1]``) and ``problem``."""


@dataclass
class Client:
    path: str
    asn: int
    ips: list[tuple[str, ipaddress.IPv4Address | ipaddress.IPv6Address]]  # (path, address)
    description: str | None = None
    as_sets: list[str] | None = None
    limit_ipv4: int | None = None
    limit_ipv6: int | None = None
    not_kept: list[str] = field(default_factory=list)


@dataclass
class ClientsFile:
    clients: list[Client]
    asn_as_sets: dict[int, list[str]]


# -- reading -----------------------------------------------------------------------------------
def parse_clients(text: str | bytes) -> ClientsFile:
    """Check a clients.yml completely (no database) and return its typed content."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ClientsError("$", f"not valid YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise ClientsError("$", "the file must be a mapping with a 'clients' list")
    for key in data:
        if key not in TOP_KEYS:
            raise ClientsError(str(key), "unknown section (expected 'asns' and 'clients')")
    asn_as_sets: dict[int, list[str]] = {}
    asns = data.get("asns") or {}
    if not isinstance(asns, dict):
        raise ClientsError("asns", "must be a mapping of AS<number> to options")
    for key, options in asns.items():
        where = join("asns", str(key))
        found = ASN_KEY.match(str(key))
        if not found or not 1 <= int(found.group(1)) <= m.ASN_MAX:
            raise ClientsError(where, f"{key!r} is not an ASN written AS<number>")
        options = options or {}
        if not isinstance(options, dict):
            raise ClientsError(where, "must be a mapping")
        for opt in options:
            if opt != "as_sets":
                raise ClientsError(join(where, str(opt)), "unknown option (only as_sets)")
        sets = _as_sets(options.get("as_sets"), join(where, "as_sets"))
        if sets:
            asn_as_sets[int(found.group(1))] = sets
    clients_node = data.get("clients")
    if not isinstance(clients_node, list):
        raise ClientsError("clients", "missing or not a list")
    clients = [_client(node, join("clients", i)) for i, node in enumerate(clients_node)]
    seen: dict[ipaddress.IPv4Address | ipaddress.IPv6Address, str] = {}
    for client in clients:
        for where, ip in client.ips:
            if ip in seen:
                raise ClientsError(where, f"{ip} is already used by {seen[ip]}")
            seen[ip] = where
    return ClientsFile(clients, asn_as_sets)


def _client(node: Any, path: str) -> Client:
    if not isinstance(node, dict):
        raise ClientsError(path, "each client must be a mapping")
    for key in node:
        if key not in CLIENT_KEYS:
            raise ClientsError(join(path, str(key)), "unknown client option")
    asn = node.get("asn")
    if isinstance(asn, bool) or not isinstance(asn, int) or not 1 <= asn <= m.ASN_MAX:
        raise ClientsError(join(path, "asn"), f"{asn!r} is not an ASN (1 to {m.ASN_MAX})")
    raw_ip = node.get("ip")
    if isinstance(raw_ip, str):
        items = [(join(path, "ip"), raw_ip)]
    elif isinstance(raw_ip, list) and raw_ip:
        items = [(join(join(path, "ip"), i), value) for i, value in enumerate(raw_ip)]
    else:
        raise ClientsError(join(path, "ip"), "must be an address or a non-empty list of them")
    ips = []
    for where, value in items:
        try:
            ips.append((where, ipaddress.ip_address(str(value) if value is not None else "")))
        except ValueError:
            raise ClientsError(where, f"{value!r} is not an IP address") from None
    client = Client(path, asn, ips)
    description = node.get("description")
    if description is not None:
        if not isinstance(description, str):
            raise ClientsError(join(path, "description"), "must be a string")
        client.description = description.strip() or None
    if "password" in node:
        if not isinstance(node["password"], str):
            raise ClientsError(join(path, "password"), "must be a string")
        client.not_kept.append(join(path, "password"))
    cfg = node.get("cfg")
    if cfg is not None:
        _cfg(cfg, join(path, "cfg"), client)
    return client


def _cfg(cfg: Any, path: str, client: Client) -> None:
    if not isinstance(cfg, dict):
        raise ClientsError(path, "must be a mapping")
    for key, value in cfg.items():
        where = join(path, str(key))
        if key in BOOL_OPTIONS:
            if not isinstance(value, bool):
                raise ClientsError(where, f"must be true or false, not {value!r}")
            client.not_kept.append(where)
        elif key == "filtering":
            _filtering(value, where, client)
        else:
            _mapping_or_scalar(value, where)
            client.not_kept.append(where)


def _filtering(node: Any, path: str, client: Client) -> None:
    if node is None:
        return
    if not isinstance(node, dict):
        raise ClientsError(path, "must be a mapping")
    for key, value in node.items():
        where = join(path, str(key))
        if key == "irrdb":
            sub = _mapping(value, where)
            for opt, val in sub.items():
                at = join(where, str(opt))
                if opt == "as_sets":
                    client.as_sets = _as_sets(val, at) or None
                elif opt in ("enforce_origin_in_as_set", "enforce_prefix_in_as_set"):
                    if not isinstance(val, bool):
                        raise ClientsError(at, f"must be true or false, not {val!r}")
                    client.not_kept.append(at)
                else:
                    client.not_kept.append(at)
        elif key == "max_prefix":
            sub = _mapping(value, where)
            for opt, val in sub.items():
                at = join(where, str(opt))
                if opt in ("limit_ipv4", "limit_ipv6"):
                    if isinstance(val, bool) or not isinstance(val, int) or val < 0:
                        raise ClientsError(at, f"must be a whole number >= 0, not {val!r}")
                    setattr(client, opt, val)
                elif opt == "action":
                    if val not in MAX_PREFIX_ACTIONS:
                        raise ClientsError(
                            at, f"{val!r} is not one of {', '.join(sorted(MAX_PREFIX_ACTIONS))}"
                        )
                    client.not_kept.append(at)
                else:
                    client.not_kept.append(at)
        elif key == "next_hop":
            sub = _mapping(value, where)
            policy = sub.get("policy")
            if policy is not None and policy not in NEXT_HOP_POLICIES:
                raise ClientsError(
                    join(where, "policy"),
                    f"{policy!r} is not one of {', '.join(sorted(NEXT_HOP_POLICIES))}",
                )
            client.not_kept.append(where)
        else:
            _mapping_or_scalar(value, where)
            client.not_kept.append(where)


def _mapping(node: Any, path: str) -> dict[str, Any]:
    if node is None:
        return {}
    if not isinstance(node, dict):
        raise ClientsError(path, f"must be a mapping, not {type(node).__name__}")
    return node


def _mapping_or_scalar(node: Any, path: str) -> None:
    if isinstance(node, set):
        raise ClientsError(path, "unexpected value")


def _as_sets(node: Any, path: str) -> list[str]:
    if node is None:
        return []
    if not isinstance(node, list):
        raise ClientsError(path, "must be a list of AS-SET names")
    names = []
    for i, name in enumerate(node):
        where = join(path, i)
        if not isinstance(name, str):
            raise ClientsError(where, f"{name!r} is not an AS-SET name")
        try:
            m.as_set_validator(name.strip())
        except ValidationError:
            raise ClientsError(where, f"{name!r} is not an AS-SET or an ASN") from None
        names.append(name.strip())
    return names


# -- import ------------------------------------------------------------------------------------
def import_clients(
    text: str | bytes, exchange: str, *, lan: str | None = None, dry_run: bool = False
) -> ImportReport:
    """Import a clients.yml into exchange ``exchange`` (slug), in one transaction."""
    parsed = parse_clients(text)
    report = ImportReport(dry_run=dry_run, version="clients.yml")
    try:
        ex = m.Exchange.objects.get(slug=exchange)
    except m.Exchange.DoesNotExist:
        raise ClientsError("$", f"no exchange with slug {exchange!r}") from None
    lans = list(ex.lans.all())
    if lan is not None:
        lans = [x for x in lans if x.name == lan]
        if not lans:
            raise ClientsError("$", f"exchange {exchange} has no peering LAN named {lan!r}")
    try:
        with transaction.atomic():
            _Import(ex, lans, parsed, report).run()
            if dry_run:
                transaction.set_rollback(True)
    except ClientsError:
        raise
    except IxfError as exc:  # a model's validation, already named by its path
        raise ClientsError(exc.path, exc.problem) from None
    return report


class _Import:
    def __init__(
        self, ex: m.Exchange, lans: list[m.PeeringLan], parsed: ClientsFile, report: ImportReport
    ) -> None:
        self.ex, self.lans, self.parsed, self.report = ex, lans, parsed, report

    def lan_of(self, where: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> m.PeeringLan:
        found = [
            x
            for x in self.lans
            if (net := (x.ipv4_network if ip.version == 4 else x.ipv6_network)) and ip in net
        ]
        if not found:
            prefixes = (
                ", ".join(p for x in self.lans for p in (x.ipv4_prefix, x.ipv6_prefix) if p)
                or "none"
            )
            raise ClientsError(
                where, f"{ip} is not inside a peering LAN of {self.ex.slug} ({prefixes})"
            )
        if len(found) > 1:
            raise ClientsError(
                where,
                f"{ip} is in several peering LANs ({', '.join(x.name for x in found)}): "
                "choose one with --lan",
            )
        return found[0]

    def run(self) -> None:
        networks: dict[int, m.Network] = {}
        for client in self.parsed.clients:
            for where in client.not_kept:
                self.report.warn(where, "not kept by lakou (no place in the registry yet)")
            net = networks.get(client.asn)
            if net is None:
                net = networks[client.asn] = self.network(client)
            member = m.Member.objects.filter(exchange=self.ex, network=net).first()
            if member is None:
                member = m.Member(exchange=self.ex, network=net)
                save_checked(
                    member,
                    {},
                    report=self.report,
                    kind="member",
                    label=f"{self.ex.slug} AS{client.asn}",
                    paths={},
                    base=client.path,
                )
            for lan, group in self.groups(client):
                self.address(client, member, lan, group)

    def network(self, client: Client) -> m.Network:
        values: dict[str, Any] = {}
        sets = client.as_sets or self.parsed.asn_as_sets.get(client.asn)
        if sets:
            values["as_set"] = " ".join(sets)
        if client.limit_ipv4 is not None:
            values["max_prefix_v4"] = client.limit_ipv4
        if client.limit_ipv6 is not None:
            values["max_prefix_v6"] = client.limit_ipv6
        net = m.Network.objects.filter(asn=client.asn).first()
        if net is None:
            net = m.Network(asn=client.asn, name=client.description or f"AS{client.asn}")
        elif client.description and client.description != net.name:
            self.report.warn(
                join(client.path, "description"),
                f"the registry's name {net.name!r} is kept for AS{client.asn}",
            )
        limits = join(client.path, "cfg.filtering.max_prefix")
        save_checked(
            net,
            values,
            report=self.report,
            kind="network",
            label=f"AS{client.asn}",
            paths={
                "as_set": join(client.path, "cfg.filtering.irrdb.as_sets"),
                "max_prefix_v4": join(limits, "limit_ipv4"),
                "max_prefix_v6": join(limits, "limit_ipv6"),
                "name": join(client.path, "description"),
            },
            base=client.path,
        )
        return net

    def groups(self, client: Client) -> Iterable[tuple[m.PeeringLan, list[tuple[str, Any]]]]:
        """A client's addresses by LAN: first IPv4 with first IPv6, the others alone."""
        by_lan: dict[int, tuple[m.PeeringLan, list[tuple[str, Any]]]] = {}
        for where, ip in client.ips:
            lan = self.lan_of(where, ip)
            by_lan.setdefault(lan.pk, (lan, []))[1].append((where, ip))
        for lan, items in by_lan.values():
            v4 = [i for i in items if i[1].version == 4]
            v6 = [i for i in items if i[1].version == 6]
            while v4 or v6:
                group = [x for x in (v4.pop(0) if v4 else None, v6.pop(0) if v6 else None) if x]
                yield lan, group

    def address(
        self, client: Client, member: m.Member, lan: m.PeeringLan, group: list[tuple[str, Any]]
    ) -> None:
        servers = list(m.RouteServer.objects.filter(lan=lan).order_by("name"))
        if not servers:
            raise ClientsError(
                group[0][0],
                f"{self.ex.slug} has no route server on {lan.name}: add one before its clients",
            )
        wanted = {f"ipv{ip.version}": str(ip) for _, ip in group}
        paths = {f"ipv{ip.version}": where for where, ip in group}
        row = None
        for attr, value in wanted.items():
            found = (
                m.PeeringLanAddress.objects.filter(lan=lan, **{attr: value})
                .select_related("connection__member__network")
                .first()
            )
            if found is None:
                continue
            owner = found.connection.member.network.asn
            if owner != client.asn or (row is not None and found.pk != row.pk):
                raise ClientsError(paths[attr], f"{value} is assigned to AS{owner} in the registry")
            row = found
        values = {k: v for k, v in wanted.items() if row is None or not getattr(row, k)}
        if row is not None and any(
            getattr(row, k) and getattr(row, k) != v for k, v in wanted.items()
        ):
            mismatch = next(
                k for k, v in wanted.items() if getattr(row, k) and getattr(row, k) != v
            )
            raise ClientsError(
                paths[mismatch],
                f"the registry pairs this client's other address with {getattr(row, mismatch)}",
            )
        if row is None:
            conn = m.Connection(member=member)
            save_checked(
                conn,
                {},
                report=self.report,
                kind="connection",
                label=f"{self.ex.slug} AS{client.asn}",
                paths={},
                base=client.path,
            )
            row = m.PeeringLanAddress(connection=conn, lan=lan)
        save_checked(
            row,
            values,
            report=self.report,
            kind="address",
            label=" / ".join(wanted.values()),
            paths=paths,
            base=group[0][0],
        )
        for _, ip in group:
            for rs in servers:
                session = m.RouteServerSession.objects.filter(
                    route_server=rs, address=row, afi=ip.version
                ).first() or m.RouteServerSession(route_server=rs, address=row, afi=ip.version)
                save_checked(
                    session,
                    {"enabled": True},
                    report=self.report,
                    kind="route-server session",
                    label=f"{rs.name} {ip}",
                    paths={},
                    base=paths[f"ipv{ip.version}"],
                )


# -- export ------------------------------------------------------------------------------------
def export_clients_data(exchange: str, *, lan: str | None = None) -> dict[str, Any]:
    """The exchange's route-server clients as clients.yml data (deterministic order)."""
    ex = m.Exchange.objects.get(slug=exchange)
    addresses = (
        m.PeeringLanAddress.objects.filter(lan__exchange=ex, rs_sessions__enabled=True)
        .distinct()
        .select_related("connection__member__network", "lan")
        .prefetch_related("rs_sessions")
    )
    if lan is not None:
        addresses = addresses.filter(lan__name=lan)
    clients: list[tuple[tuple[int, int, int], dict[str, Any]]] = []
    asns: dict[int, dict[str, Any]] = {}
    for addr in addresses:
        net = addr.connection.member.network
        families = sorted({s.afi for s in addr.rs_sessions.all() if s.enabled})
        ips = [v for afi, v in ((4, addr.ipv4), (6, addr.ipv6)) if afi in families and v]
        if not ips:
            continue
        client: dict[str, Any] = {"asn": net.asn, "ip": ips[0] if len(ips) == 1 else ips}
        client["description"] = net.name
        limits = {
            k: v
            for k, v in (("limit_ipv4", net.max_prefix_v4), ("limit_ipv6", net.max_prefix_v6))
            if v is not None
        }
        if limits:
            client["cfg"] = {"filtering": {"max_prefix": limits}}
        if net.as_sets:
            asns[net.asn] = {"as_sets": net.as_sets}
        first = ipaddress.ip_address(ips[0])
        clients.append(((net.asn, first.version, int(first)), client))
    data: dict[str, Any] = {}
    if asns:
        data["asns"] = {f"AS{asn}": asns[asn] for asn in sorted(asns)}
    data["clients"] = [c for _, c in sorted(clients, key=lambda item: item[0])]
    return data


def export_clients(exchange: str, *, lan: str | None = None) -> str:
    """The exchange's route-server clients as clients.yml text."""
    data = export_clients_data(exchange, lan=lan)
    header = (
        f"# arouteserver clients of {exchange}, exported by lakou.\n"
        "# AS-SETs are per network (asns section); max-prefix limits per client.\n"
    )
    return header + yaml.safe_dump(
        data, sort_keys=False, default_flow_style=False, allow_unicode=True
    )
