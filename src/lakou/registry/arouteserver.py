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
``clients[].password``                       Member.bgp_password (TCP MD5, never published)
every other ``cfg`` option (``passive``,     Member.route_server_options, in the ``cfg``
``gtsm``, ``add_path``, ``next_hop``,        shape (:mod:`lakou.routeserver.options`
``max_prefix.action``, RPKI, reject policy,  checks them against arouteserver's documented
black/white lists, ``custom_options``...)    client options)
===========================================  =============================================

Addresses obey the registry's one rule (:func:`lakou.registry.models.lan_address_problem`):
a client at a route server's own address (a session from that route server to itself), at
the LAN's network or broadcast address or at another network's is refused at its path.

lakou keeps options per *member* (one network at one exchange), arouteserver per client
(one entry of the list): two clients of one AS must therefore carry the same password and
options; a file where they differ is refused with the first differing path, rather than
keeping one and silently changing the other session's behaviour.

The export writes the same shape in a fixed order (clients by ASN then address, ``asns``
by ASN, options in arouteserver's documented order): the AS-SETs go to the ``asns``
section (they are per network in lakou), limits and options to each client's ``cfg``. A
file in that shape round-trips byte for byte; any file round-trips to an equivalent one
(every client gets the same effective AS-SETs, limits, password and options). The export
holds BGP passwords: it is for the route-server operator, never published.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from lakou.inputs import InputError, load_yaml
from lakou.ixf import ImportReport, IxfError, join
from lakou.registry import models as m
from lakou.registry.ixf.import_ import save_checked
from lakou.registry.slugs import UnknownExchange, get_exchange
from lakou.routeserver import (
    Notes,
    check_as_set,
    check_cfg,
    check_password,
    check_text,
    first_difference,
    list_of,
    merge_cfg,
    split_cfg,
)
from lakou.routeserver import OptionError as ClientsError

__all__ = ["ClientsError", "export_clients", "export_clients_data", "import_clients"]

TOP_KEYS = ("asns", "clients")
CLIENT_KEYS = ("asn", "ip", "description", "password", "cfg")
ASN_KEY = re.compile(r"^AS(\d+)$")


@dataclass
class Client:
    path: str
    asn: int
    ips: list[tuple[str, ipaddress.IPv4Address | ipaddress.IPv6Address]]  # (path, address)
    description: str | None = None
    password: str = ""
    options: dict[str, Any] = field(default_factory=dict)  # cfg minus the Network's part
    as_sets: list[str] | None = None
    limit_ipv4: int | None = None
    limit_ipv6: int | None = None


@dataclass
class ClientsFile:
    clients: list[Client]
    asn_as_sets: dict[int, list[str]]
    notes: Notes = field(default_factory=list)


# -- reading -----------------------------------------------------------------------------------
def parse_clients(text: str | bytes) -> ClientsFile:
    """Check a clients.yml completely (no database) and return its typed content."""
    try:
        data = load_yaml(text)
    except InputError as exc:
        if exc.place.startswith("$"):  # a JSON path: the key holding the bad value
            raise ClientsError(exc.place.removeprefix("$.") or "$", exc.problem) from None
        raise ClientsError("$", str(exc)) from None  # line and column first
    if not isinstance(data, dict):
        raise ClientsError("$", _("the file must be a mapping with a 'clients' list"))
    for key in data:
        if key not in TOP_KEYS:
            raise ClientsError(str(key), _("unknown section (expected 'asns' and 'clients')"))
    notes: Notes = []
    asn_as_sets: dict[int, list[str]] = {}
    asns = data.get("asns") or {}
    if not isinstance(asns, dict):
        raise ClientsError("asns", _("must be a mapping of AS<number> to options"))
    for key, options in asns.items():
        where = join("asns", str(key))
        found = ASN_KEY.match(str(key))
        if not found or not 1 <= int(found.group(1)) <= m.ASN_MAX:
            raise ClientsError(where, _("%(key)r is not an ASN written AS<number>") % {"key": key})
        options = options or {}
        if not isinstance(options, dict):
            raise ClientsError(where, _("must be a mapping"))
        for opt in options:
            if opt != "as_sets":
                raise ClientsError(join(where, str(opt)), _("unknown option (only as_sets)"))
        if options.get("as_sets") is not None:
            sets = list_of(check_as_set)(options["as_sets"], join(where, "as_sets"), notes)
            if sets:
                asn_as_sets[int(found.group(1))] = sets
    clients_node = data.get("clients")
    if not isinstance(clients_node, list):
        raise ClientsError("clients", _("missing or not a list"))
    clients = [_client(node, join("clients", i), notes) for i, node in enumerate(clients_node)]
    seen: dict[ipaddress.IPv4Address | ipaddress.IPv6Address, str] = {}
    for client in clients:
        for where, ip in client.ips:
            if ip in seen:
                raise ClientsError(
                    where, _("%(ip)s is already used by %(other)s") % {"ip": ip, "other": seen[ip]}
                )
            seen[ip] = where
    _same_per_member(clients, notes)
    return ClientsFile(clients, asn_as_sets, notes)


def _client(node: Any, path: str, notes: Notes) -> Client:
    if not isinstance(node, dict):
        raise ClientsError(path, _("each client must be a mapping"))
    for key in node:
        if key == "16bit_mapped_asn":
            raise ClientsError(
                join(path, str(key)),
                _("not supported by lakou yet (keep arouteserver for this client)"),
            )
        if key not in CLIENT_KEYS:
            raise ClientsError(join(path, str(key)), _("unknown client option"))
    asn = node.get("asn")
    if isinstance(asn, bool) or not isinstance(asn, int) or not 1 <= asn <= m.ASN_MAX:
        raise ClientsError(
            join(path, "asn"),
            _("%(value)r is not an ASN (1 to %(max)d)") % {"value": asn, "max": m.ASN_MAX},
        )
    raw_ip = node.get("ip")
    if isinstance(raw_ip, str):
        items = [(join(path, "ip"), raw_ip)]
    elif isinstance(raw_ip, list) and raw_ip:
        items = [(join(join(path, "ip"), i), value) for i, value in enumerate(raw_ip)]
    else:
        raise ClientsError(join(path, "ip"), _("must be an address or a non-empty list of them"))
    ips = []
    for where, value in items:
        try:
            ips.append((where, ipaddress.ip_address(str(value) if value is not None else "")))
        except ValueError:
            raise ClientsError(
                where, _("%(value)r is not an IP address") % {"value": value}
            ) from None
    client = Client(path, asn, ips)
    if node.get("description") is not None:
        client.description = check_text(node["description"], join(path, "description"), notes)
        client.description = client.description.strip() or None
    if node.get("password") is not None:
        client.password = check_password(node["password"], join(path, "password"), notes)
    if node.get("cfg") is not None:
        cfg = check_cfg(node["cfg"], join(path, "cfg"), notes)
        client.options, network = split_cfg(cfg)
        client.as_sets = network.get("as_sets") or None
        client.limit_ipv4 = network.get("limit_ipv4")
        client.limit_ipv6 = network.get("limit_ipv6")
    return client


def _same_per_member(clients: list[Client], notes: Notes) -> None:
    """Two clients of one AS must agree on what lakou keeps once per member or network."""
    first: dict[int, Client] = {}
    for client in clients:
        other = first.setdefault(client.asn, client)
        if other is client:
            continue
        if client.password != other.password:
            raise ClientsError(
                join(client.path, "password"),
                _(
                    "differs from %(other)s (AS%(asn)d): lakou keeps one BGP password per "
                    "member; give both clients the same"
                )
                % {"other": join(other.path, "password"), "asn": client.asn},
            )
        differs = first_difference(other.options, client.options, join(client.path, "cfg"))
        if differs:
            raise ClientsError(
                differs,
                _(
                    "differs from %(other)s (AS%(asn)d): lakou keeps one set of route-server "
                    "options per member; give both clients the same"
                )
                % {"other": join(other.path, "cfg"), "asn": client.asn},
            )
        for attr, where in (
            ("as_sets", "cfg.filtering.irrdb.as_sets"),
            ("limit_ipv4", "cfg.filtering.max_prefix.limit_ipv4"),
            ("limit_ipv6", "cfg.filtering.max_prefix.limit_ipv6"),
        ):
            mine, theirs = getattr(client, attr), getattr(other, attr)
            if mine is not None and theirs is not None and mine != theirs:
                raise ClientsError(
                    join(client.path, where),
                    _(
                        "differs from %(other)s (AS%(asn)d): lakou keeps AS-SETs and limits "
                        "per network"
                    )
                    % {"other": join(other.path, where), "asn": client.asn},
                )
            if mine is not None and theirs is None:
                setattr(other, attr, mine)  # the network's value, whichever client gives it
        if client.description and other.description and client.description != other.description:
            notes.append(
                (
                    join(client.path, "description"),
                    _("AS%(asn)d is described as %(name)r by %(other)s: one name per network")
                    % {"asn": client.asn, "name": other.description, "other": other.path},
                )
            )


# -- import ------------------------------------------------------------------------------------
def import_clients(
    text: str | bytes, exchange: str, *, lan: str | None = None, dry_run: bool = False
) -> ImportReport:
    """Import a clients.yml into exchange ``exchange`` (slug), in one transaction."""
    parsed = parse_clients(text)
    report = ImportReport(dry_run=dry_run, version="clients.yml")
    try:
        ex = get_exchange(exchange)
    except UnknownExchange as exc:
        raise ClientsError("$", str(exc)) from None
    lans = list(ex.lans.all())
    if lan is not None:
        lans = [x for x in lans if x.name == lan]
        if not lans:
            raise ClientsError(
                "$",
                _("exchange %(exchange)s has no peering LAN named %(lan)r")
                % {"exchange": exchange, "lan": lan},
            )
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
                where,
                _("%(ip)s is not inside a peering LAN of %(exchange)s (%(prefixes)s)")
                % {"ip": ip, "exchange": self.ex.slug, "prefixes": prefixes},
            )
        if len(found) > 1:
            raise ClientsError(
                where,
                _("%(ip)s is in several peering LANs (%(lans)s): choose one with --lan")
                % {"ip": ip, "lans": ", ".join(x.name for x in found)},
            )
        return found[0]

    def run(self) -> None:
        for where, message in self.parsed.notes:
            self.report.warn(where, message)
        networks: dict[int, m.Network] = {}
        members: dict[int, m.Member] = {}
        for client in self.parsed.clients:
            net = networks.get(client.asn)
            if net is None:
                net = networks[client.asn] = self.network(client)
            member = members.get(client.asn)
            if member is None:  # the clients of one AS agree (checked by parse_clients)
                member = members[client.asn] = self.member(client, net)
            for lan, group in self.groups(client):
                self.address(client, member, lan, group)

    def member(self, client: Client, net: m.Network) -> m.Member:
        """The membership, with the file's password and options (absent means none)."""
        member = m.Member.objects.filter(exchange=self.ex, network=net).first() or m.Member(
            exchange=self.ex, network=net
        )
        save_checked(
            member,
            {"bgp_password": client.password, "route_server_options": client.options},
            report=self.report,
            kind="member",
            label=f"{self.ex.slug} AS{client.asn}",
            paths={
                "bgp_password": join(client.path, "password"),
                "route_server_options": join(client.path, "cfg"),
            },
            base=client.path,
        )
        return member

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
                _("the registry's name %(name)r is kept for AS%(asn)d")
                % {"name": net.name, "asn": client.asn},
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
                _("%(exchange)s has no route server on %(lan)s: add one before its clients")
                % {"exchange": self.ex.slug, "lan": lan.name},
            )
        wanted = {f"ipv{ip.version}": str(ip) for _where, ip in group}
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
                raise ClientsError(
                    paths[attr],
                    _("%(ip)s is assigned to AS%(asn)d in the registry")
                    % {"ip": value, "asn": owner},
                )
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
                _("the registry pairs this client's other address with %(ip)s")
                % {"ip": getattr(row, mismatch)},
            )
        for where, ip in group:  # also for a row kept as it is: never a session with itself
            problem = m.lan_address_problem(lan, str(ip), address=row)
            if problem:
                raise ClientsError(where, problem)
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
        for _where, ip in group:
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
    ex = get_exchange(exchange)
    addresses = (
        m.PeeringLanAddress.objects.filter(lan__exchange=ex, rs_sessions__enabled=True)
        .distinct()
        .select_related("connection__member__network", "lan")
        .order_by("pk")
        .prefetch_related("rs_sessions")
    )
    if lan is not None:
        addresses = addresses.filter(lan__name=lan)
    clients: list[tuple[tuple[int, int, int], dict[str, Any]]] = []
    asns: dict[int, dict[str, Any]] = {}
    for addr in addresses:
        member = addr.connection.member
        net = member.network
        families = sorted({s.afi for s in addr.rs_sessions.all() if s.enabled})
        ips = [v for afi, v in ((4, addr.ipv4), (6, addr.ipv6)) if afi in families and v]
        if not ips:
            continue
        client: dict[str, Any] = {"asn": net.asn, "ip": ips[0] if len(ips) == 1 else ips}
        client["description"] = net.name
        if member.bgp_password:
            client["password"] = member.bgp_password
        try:
            cfg = merge_cfg(member.route_server_options, net.max_prefix_v4, net.max_prefix_v6)
        except ClientsError as exc:  # stored options edited around the admin's checks
            raise ClientsError(
                f"AS{net.asn}.route_server_options{exc.path.removeprefix('cfg')}", exc.problem
            ) from None
        if cfg:
            client["cfg"] = cfg
        if net.as_sets:
            asns[net.asn] = {"as_sets": net.as_sets}
        first = ipaddress.ip_address(ips[0])
        clients.append(((net.asn, first.version, int(first)), client))
    data: dict[str, Any] = {}
    if asns:
        data["asns"] = {f"AS{asn}": asns[asn] for asn in sorted(asns)}
    data["clients"] = [c for _key, c in sorted(clients, key=lambda item: item[0])]
    return data


def export_clients(exchange: str, *, lan: str | None = None) -> str:
    """The exchange's route-server clients as clients.yml text."""
    data = export_clients_data(exchange, lan=lan)
    header = (
        f"# arouteserver clients of {exchange}, exported by lakou.\n"
        "# AS-SETs are per network (asns section); limits and options per client.\n"
        "# Holds the clients' BGP passwords: keep this file private.\n"
    )
    return header + yaml.safe_dump(
        data, sort_keys=False, default_flow_style=False, allow_unicode=True
    )
