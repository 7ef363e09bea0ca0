"""The IX-F Member Export of the registry (schema 1.0, 0.7 or 0.6).

The document is built from the registry in a fixed order, so two exports of the same
data differ only by their timestamp, and an export imported into an empty database
exports again to the same document (the round trip the tests pin). The choices the
schema leaves to the IXP:

- ``ixp_id`` is ``Exchange.ixp_id`` and ``switch.id`` is ``Switch.ixf_switch_id``: numbers
  that stay the same from one export to the next, so consumers (PeeringDB, IXP databases)
  can follow a switch or an exchange. One still without a number gets the next free one
  (the highest in use + 1: a deleted switch's number is never given to another) when it
  is first exported, and keeps it. ``ixp_list`` and ``switch`` are ordered by these
  numbers. A VLAN's ``id`` is its 802.1Q tag, or 4096 + n for a peering LAN without one.
  ``ixf_id`` 0 means "no IX-F id assigned yet".
- Route servers are published the Euro-IX way: a member of type ``ixp`` (the route
  servers' ASN) with one connection per route server whose addresses carry
  ``services: [{type: ixrouteserver, daemon, daemon_version}]`` (0.7: ``service_type``;
  0.6: member type ``routeserver``).
- An exchange bridged to another (Saint-Martin to Sint Maarten) lists the other one as a
  member of type ``ixp``: its ASN, its name and website, policy ``open`` (every member of
  either side may peer across the bridge), one connection without ports or addresses.
  A bridged exchange without an ASN cannot be listed (``asnum`` is required).
- Members whose status is ``disconnected`` are not published. Contacts (e-mails,
  phones) only with ``include_contacts`` (the staff variant).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet

from lakou.i18n import gettext as _
from lakou.ixf import EXPORT_VERSIONS, POLICIES, UNTAGGED_VLAN_BASE, schema_errors
from lakou.registry import models as m

RS_DAEMON_NAMES = {"bird2": "bird", "openbgpd": "openbgpd"}


def timestamp(now: datetime | None = None) -> str:
    """RFC 3339 UTC, to the second: ``2026-11-22T14:03:00Z``."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def date_time(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


class ExportInvalid(ValueError):
    """The export does not validate against the official schema; the message lists why."""


def export_exchange(
    slug: str | None,
    *,
    version: str = "1.0",
    include_contacts: bool = False,
    now: datetime | None = None,
    schema_dir: Path | None = None,
) -> dict[str, Any]:
    """The IX-F document of exchange ``slug`` (all the install's exchanges if ``None``),
    checked against the official schema in ``schema_dir`` when given
    (:class:`ExportInvalid`)."""
    exchanges = m.Exchange.objects.all()
    if slug is not None:
        exchanges = exchanges.filter(slug=slug)
        if not exchanges.exists():
            from lakou.registry.slugs import unknown_exchange

            raise unknown_exchange(slug)
    document = export_document(
        exchanges, version=version, include_contacts=include_contacts, now=now
    )
    errors = schema_errors(document, schema_dir, version) if schema_dir is not None else []
    if errors:
        raise ExportInvalid(_("the export does not validate:") + "\n" + "\n".join(map(str, errors)))
    return document


def export_document(
    exchanges: Iterable[m.Exchange],
    *,
    version: str = "1.0",
    include_contacts: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    if version not in EXPORT_VERSIONS:
        raise ValueError(f"IX-F schema version {version!r} not one of {EXPORT_VERSIONS}")
    if not isinstance(exchanges, QuerySet):
        exchanges = m.Exchange.objects.filter(pk__in=[ex.pk for ex in exchanges])
    ordered = assign_ixf_ids(list(with_export_data(exchanges, include_contacts)))
    builder = _Builder(version, include_contacts)
    ixp_list = [builder.ixp(ex, ex.ixp_id or 0) for ex in ordered]
    member_list: list[dict[str, Any]] = []
    for ex in ordered:
        member_list.extend(builder.members(ex, ex.ixp_id or 0))
    return {
        "version": version,
        "timestamp": timestamp(now),
        "ixp_list": ixp_list,
        "member_list": member_list,
    }


def with_export_data(
    exchanges: QuerySet[m.Exchange], include_contacts: bool
) -> QuerySet[m.Exchange]:
    """The exchanges with everything the export reads, in a fixed handful of queries.

    One query per table (exchanges, switches with their facilities, LANs, route servers,
    bridges, members with their networks, connections, ports, addresses, MACs, sessions,
    and contacts for the staff variant), whatever the number of exchanges and members:
    the builder below only walks ``.all()`` of these prefetched relations.
    """
    addresses = m.PeeringLanAddress.objects.prefetch_related("macs", "rs_sessions")
    connections = m.Connection.objects.prefetch_related(
        "ports", Prefetch("addresses", queryset=addresses)
    )
    members = (
        m.Member.objects.exclude(status="disconnected")
        .select_related("network")
        .prefetch_related(Prefetch("connections", queryset=connections))
    )
    if include_contacts:
        members = members.prefetch_related(
            Prefetch("network__contacts", queryset=m.Contact.objects.order_by("role", "pk"))
        )
    return exchanges.prefetch_related(
        Prefetch("switches", queryset=m.Switch.objects.select_related("facility")),
        "lans",
        "route_servers",
        "bridged_to",
        Prefetch("members", queryset=members, to_attr="published_members"),
    )


def lan_ids(exchange: m.Exchange) -> dict[int, int]:
    """Peering LAN pk -> the VLAN id published for it."""
    ids: dict[int, int] = {}
    untagged = 0
    for lan in sorted(exchange.lans.all(), key=_lan_order):
        if lan.vlan_id:
            ids[lan.pk] = lan.vlan_id
        else:
            untagged += 1
            ids[lan.pk] = UNTAGGED_VLAN_BASE + untagged
    return ids


def assign_ixf_ids(exchanges: list[m.Exchange]) -> list[m.Exchange]:
    """Give the exchanges and their switches their IX-F numbers, saving the new ones.

    Returns the exchanges ordered by ``ixp_id``. An exchange or a switch without a number,
    or sharing one with another (only possible by editing around the admin's checks), gets
    the highest number in use + 1, in name order; numbers already given never change.
    """
    if not _needs_numbers(exchanges):  # the usual case: no write, no transaction
        return sorted(exchanges, key=lambda e: e.ixp_id or 0)
    with transaction.atomic():
        taken: set[int] = {
            n for n in m.Exchange.objects.values_list("ixp_id", flat=True) if n is not None
        }
        seen: set[int] = set()
        for ex in sorted(exchanges, key=lambda e: (e.ixp_id is None, e.ixp_id or 0, e.name, e.pk)):
            if ex.ixp_id is not None and ex.ixp_id not in seen:
                seen.add(ex.ixp_id)
                continue
            number = max(taken | {0}) + 1
            ex.ixp_id = number
            taken.add(number)
            seen.add(number)
            m.Exchange.objects.filter(pk=ex.pk).update(ixp_id=ex.ixp_id)
        for ex in exchanges:
            switches = sorted(ex.switches.all(), key=lambda s: s.name)
            numbers = {s.ixf_switch_id for s in switches if s.ixf_switch_id is not None}
            used: set[int] = set()
            for sw in sorted(
                switches, key=lambda s: (s.ixf_switch_id is None, s.ixf_switch_id or 0, s.name)
            ):
                if sw.ixf_switch_id is not None and sw.ixf_switch_id not in used:
                    used.add(sw.ixf_switch_id)
                    continue
                sw.ixf_switch_id = max(numbers | {0}) + 1
                numbers.add(sw.ixf_switch_id)
                used.add(sw.ixf_switch_id)
                m.Switch.objects.filter(pk=sw.pk).update(ixf_switch_id=sw.ixf_switch_id)
    return sorted(exchanges, key=lambda e: e.ixp_id or 0)


def _needs_numbers(exchanges: list[m.Exchange]) -> bool:
    """Whether an exchange or a switch lacks its IX-F number or shares one."""
    numbers = [ex.ixp_id for ex in exchanges]
    if None in numbers or len(set(numbers)) != len(numbers):
        return True
    for ex in exchanges:
        ids = [s.ixf_switch_id for s in ex.switches.all()]
        if None in ids or len(set(ids)) != len(ids):
            return True
    return False


def switch_ids(exchange: m.Exchange) -> dict[int, int]:
    """Switch pk -> its published id (``Switch.ixf_switch_id``, see :func:`assign_ixf_ids`)."""
    return {s.pk: s.ixf_switch_id or 0 for s in exchange.switches.all()}


def _lan_order(lan: m.PeeringLan) -> tuple[int, int, str]:
    return (0 if lan.vlan_id else 1, lan.vlan_id or 0, lan.name)


class _Builder:
    def __init__(self, version: str, include_contacts: bool) -> None:
        self.version = version
        self.include_contacts = include_contacts

    # -- ixp_list -------------------------------------------------------------------
    def ixp(self, ex: m.Exchange, ixp_id: int) -> dict[str, Any]:
        entry: dict[str, Any] = {"ixp_id": ixp_id}
        if ex.ixf_id or self.version != "0.6":
            entry["ixf_id"] = ex.ixf_id or 0
        entry["shortname"] = ex.name
        if ex.full_name:
            entry["name"] = ex.full_name
        if ex.country:
            entry["country"] = ex.country
        if ex.url:
            entry["url"] = ex.url
        if ex.peeringdb_ix_id and self.version != "0.6":
            entry["peeringdb_id"] = ex.peeringdb_ix_id
        if ex.support_email:
            entry["support_email"] = ex.support_email
        if ex.support_phone:
            entry["support_phone"] = ex.support_phone
        entry["peering_policy_list"] = list(POLICIES)
        ids = switch_ids(ex)
        switches = sorted(ex.switches.all(), key=lambda s: ids[s.pk])
        entry["switch"] = [self.switch(s, ids[s.pk]) for s in switches]
        vlan_ids = lan_ids(ex)
        lans = sorted(ex.lans.all(), key=lambda lan: vlan_ids[lan.pk])
        entry["vlan"] = [self.vlan(lan, vlan_ids[lan.pk]) for lan in lans]
        return entry

    def switch(self, sw: m.Switch, switch_id: int) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": switch_id, "name": sw.name}
        fac = sw.facility
        if fac is not None:
            entry["colo"] = fac.name
            if fac.peeringdb_fac_id:
                entry["pdb_facility_id"] = fac.peeringdb_fac_id
            if fac.city:
                entry["city"] = fac.city
            if fac.country:
                entry["country"] = fac.country
        if self.version != "0.6":
            if sw.manufacturer:
                entry["manufacturer"] = sw.manufacturer
            if sw.model and sw.manufacturer:  # the schema: model never without manufacturer
                entry["model"] = sw.model
        if self.version == "1.0" and sw.software:
            entry["software"] = sw.software
        return entry

    def vlan(self, lan: m.PeeringLan, vlan_id: int) -> dict[str, Any]:
        entry: dict[str, Any] = {"id": vlan_id, "name": lan.name}
        for family, prefix in (("ipv4", lan.ipv4_prefix), ("ipv6", lan.ipv6_prefix)):
            if prefix:
                net = ipaddress.ip_network(prefix)
                entry[family] = {"prefix": str(net.network_address), "mask_length": net.prefixlen}
        return entry

    # -- member_list ----------------------------------------------------------------
    def members(self, ex: m.Exchange, ixp_id: int) -> list[dict[str, Any]]:
        vlan_ids = lan_ids(ex)
        sw_ids = switch_ids(ex)
        rs_lans: dict[int, set[int]] = {}
        for rs in ex.route_servers.all():
            rs_lans.setdefault(rs.lan_id, set()).add(rs.pk)
        if not hasattr(ex, "published_members"):  # an exchange not from export_document
            ex = with_export_data(m.Exchange.objects.filter(pk=ex.pk), self.include_contacts).get()
        members: list[m.Member] = getattr(ex, "published_members")  # noqa: B009
        entries: list[tuple[tuple[int, int, str], dict[str, Any]]] = []
        by_asn: dict[int, dict[str, Any]] = {}
        for member in members:
            entry = self.member(member, ixp_id, vlan_ids, sw_ids)
            by_asn[member.network.asn] = entry
            entries.append(((member.network.asn, 0, ""), entry))
        entries.extend(self.route_servers(ex, ixp_id, vlan_ids, by_asn))
        entries.extend(self.bridges(ex, ixp_id))
        return [entry for _key, entry in sorted(entries, key=lambda item: item[0])]

    def member(
        self, member: m.Member, ixp_id: int, vlan_ids: dict[int, int], sw_ids: dict[int, int]
    ) -> dict[str, Any]:
        net = member.network
        entry: dict[str, Any] = {"asnum": net.asn, "member_type": member.member_type}
        entry["name"] = net.name
        if net.website:
            entry["url"] = net.website
        entry["peering_policy"] = net.peering_policy
        if member.member_since:
            entry["member_since"] = date_time(member.member_since)
        if self.include_contacts:
            contacts = list(net.contacts.all())
            emails = [c.email for c in contacts if c.email]
            phones = [c.phone for c in contacts if c.phone]
            if emails:
                entry["contact_email"] = emails
            if phones:
                entry["contact_phone"] = phones
        connections = [
            self.connection(conn, net, ixp_id, vlan_ids, sw_ids)
            for conn in member.connections.all()
        ]
        entry["connection_list"] = sorted(connections, key=_connection_key)
        return entry

    def connection(
        self,
        conn: m.Connection,
        net: m.Network,
        ixp_id: int,
        vlan_ids: dict[int, int],
        sw_ids: dict[int, int],
    ) -> dict[str, Any]:
        ports = sorted(conn.ports.all(), key=lambda p: (sw_ids[p.switch_id], p.name))
        if_list = [{"switch_id": sw_ids[p.switch_id], "if_speed": p.speed_mbps} for p in ports]
        addresses = sorted(
            conn.addresses.all(),
            key=lambda a: (vlan_ids[a.lan_id], _ip_key(a.ipv4), _ip_key(a.ipv6)),
        )
        vlan_list = [self.address(addr, net, vlan_ids) for addr in addresses]
        return {"ixp_id": ixp_id, "state": conn.state, "if_list": if_list, "vlan_list": vlan_list}

    def address(
        self, addr: m.PeeringLanAddress, net: m.Network, vlan_ids: dict[int, int]
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {"vlan_id": vlan_ids[addr.lan_id]}
        macs = sorted(mac.mac for mac in addr.macs.all())
        sessions = {s.afi for s in addr.rs_sessions.all() if s.enabled}
        for afi, value, max_prefix in (
            (4, addr.ipv4, net.max_prefix_v4),
            (6, addr.ipv6, net.max_prefix_v6),
        ):
            if not value:
                continue
            family: dict[str, Any] = {"address": value}
            if net.as_set:
                family["as_macro"] = net.as_set
            if max_prefix is not None:
                family["max_prefix"] = max_prefix
            family["routeserver"] = afi in sessions
            if macs:
                family["mac_addresses"] = macs
            entry[f"ipv{afi}"] = family
        return entry

    # -- the exchange's own participants -------------------------------------------------
    def route_servers(
        self,
        ex: m.Exchange,
        ixp_id: int,
        vlan_ids: dict[int, int],
        by_asn: dict[int, dict[str, Any]],
    ) -> list[tuple[tuple[int, int, str], dict[str, Any]]]:
        grouped: dict[int, list[m.RouteServer]] = {}
        for rs in sorted(ex.route_servers.all(), key=lambda r: r.name):
            grouped.setdefault(rs.asn, []).append(rs)
        out: list[tuple[tuple[int, int, str], dict[str, Any]]] = []
        for asn, servers in sorted(grouped.items()):
            connections = [self.rs_connection(rs, ixp_id, vlan_ids) for rs in servers]
            if asn in by_asn:  # the exchange's own network is also listed as a member
                merged = by_asn[asn]["connection_list"] + connections
                by_asn[asn]["connection_list"] = sorted(merged, key=_connection_key)
                continue
            entry: dict[str, Any] = {
                "asnum": asn,
                "member_type": "routeserver" if self.version == "0.6" else "ixp",
                "name": ex.full_name or ex.name,
            }
            if ex.url:
                entry["url"] = ex.url
            entry["connection_list"] = sorted(connections, key=_connection_key)
            out.append(((asn, 1, ""), entry))
        return out

    def rs_connection(
        self, rs: m.RouteServer, ixp_id: int, vlan_ids: dict[int, int]
    ) -> dict[str, Any]:
        vlan: dict[str, Any] = {"vlan_id": vlan_ids[rs.lan_id]}
        for family, value in (("ipv4", rs.ipv4), ("ipv6", rs.ipv6)):
            if not value:
                continue
            item: dict[str, Any] = {"address": value, "routeserver": False}
            if self.version == "1.0":
                service: dict[str, Any] = {
                    "type": "ixrouteserver",
                    "daemon": RS_DAEMON_NAMES.get(rs.daemon, rs.daemon),
                }
                if rs.version:
                    service["daemon_version"] = rs.version
                item["services"] = [service]
            elif self.version == "0.7":
                item["service_type"] = ["ixrouteserver"]
            vlan[family] = item
        return {"ixp_id": ixp_id, "state": "active", "if_list": [], "vlan_list": [vlan]}

    def bridges(self, ex: m.Exchange, ixp_id: int) -> list[tuple[tuple[int, int, str], Any]]:
        out: list[tuple[tuple[int, int, str], Any]] = []
        for other in ex.bridged_to.all():
            if other.asn is None:
                continue  # asnum is required; documented limit
            entry: dict[str, Any] = {
                "asnum": other.asn,
                "member_type": "ixp",
                "name": other.full_name or other.name,
            }
            if other.url:
                entry["url"] = other.url
            entry["peering_policy"] = "open"
            entry["connection_list"] = [
                {"ixp_id": ixp_id, "state": "active", "if_list": [], "vlan_list": []}
            ]
            out.append(((other.asn, 2, other.name), entry))
        return out


def _ip_key(value: str | None) -> tuple[int, int]:
    if not value:
        return (0, 0)
    addr = ipaddress.ip_address(value)
    return (addr.version, int(addr))


def _connection_key(conn: dict[str, Any]) -> tuple[Any, ...]:
    """Connections in a stable order: by their first port, then their first address."""
    ports = tuple((i.get("switch_id", 0), i.get("if_speed", 0)) for i in conn["if_list"])
    addrs = tuple(
        (
            v["vlan_id"],
            _ip_key(v.get("ipv4", {}).get("address")),
            _ip_key(v.get("ipv6", {}).get("address")),
        )
        for v in conn["vlan_list"]
    )
    return (addrs, ports, conn["state"])
