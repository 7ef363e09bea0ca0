"""Create or update the registry from an IX-F Member Export (0.3 to 1.0).

The whole import runs in one transaction: the first problem (named by its JSON path)
rolls everything back, so the database is either fully updated or untouched. Rows are
checked with the models' own ``full_clean()`` before they are saved, and a model's
complaint is reported at the JSON path of the value that caused it.

Matching, so that a second import of the same document changes nothing:
exchanges by ``ixf_id``, then short name or slug; facilities by name; switches and peering
LANs by name (LANs first by 802.1Q tag); networks by ASN; route servers by address.
A member's connections have no identity in IX-F, so they are compared as a whole (ports,
addresses, MACs, route-server sessions) and replaced only when they differ. A field absent
from the document leaves the registry's value alone; members absent from the document are
never deleted.
"""

from __future__ import annotations

import ipaddress
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models as dj
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lakou.registry import models as m
from lakou.registry.ixf.common import ImportReport, IxfError, join
from lakou.registry.ixf.reader import (
    ConnectionDoc,
    Document,
    FamilyDoc,
    IxpDoc,
    MemberDoc,
    SwitchDoc,
    VlanDoc,
    VlanIfDoc,
    load,
)

EXCHANGE_PATHS = {
    "name": "shortname",
    "slug": "shortname",
    "full_name": "name",
    "country": "country",
    "url": "url",
    "support_email": "support_email",
    "support_phone": "support_phone",
    "peeringdb_ix_id": "peeringdb_id",
    "ixf_id": "ixf_id",
    "ixp_id": "ixp_id",
}
DAEMONS = {"bird": "bird2", "bird2": "bird2", "openbgpd": "openbgpd", "bgpd": "openbgpd"}


def import_document(
    data: dict[str, Any] | bytes | str,
    *,
    dry_run: bool = False,
    schema_dir: str | Path | None = None,
    merge_duplicates: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> ImportReport:
    """Import ``data``; with ``dry_run`` the report says what would change, nothing does.

    Two entries naming the same ASN at the same exchange stop the import (each path named)
    unless ``merge_duplicates``, which merges them (the first value wins) with a warning.
    ``progress(phase, done, total)`` is called as members are compared and written.
    """
    report = ImportReport(dry_run=dry_run)
    document = load(data, report, schema_dir, merge_duplicates=merge_duplicates)
    with transaction.atomic():
        _Importer(document, report, progress).run()
        if dry_run:
            transaction.set_rollback(True)
    return report


def save_checked(
    obj: dj.Model,
    values: dict[str, Any],
    *,
    report: ImportReport,
    kind: str,
    label: str,
    paths: dict[str, str],
    base: str,
) -> bool:
    """Set ``values`` on ``obj``, ``full_clean()`` it and save it if new or changed.

    A validation error is re-raised as an :class:`IxfError` at the JSON path of the
    offending field (``paths`` maps model fields to paths; ``base`` is the fallback).
    """
    new = obj.pk is None
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if not new and not changed:
        report.note_unchanged(kind)
        return False
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise validation_error(exc, paths, base) from None
    obj.save()
    if new:
        report.note_created(kind, label)
    else:
        report.note_updated(kind, label, changed)
    return True


def validation_error(exc: ValidationError, paths: dict[str, str], base: str) -> IxfError:
    if not hasattr(exc, "error_dict"):
        return IxfError(base, " ".join(exc.messages))
    for name, errors in exc.message_dict.items():
        where = paths.get(name, base) if name != NON_FIELD_ERRORS else base
        return IxfError(where, " ".join(errors))
    return IxfError(base, str(exc))


@dataclass(frozen=True, order=True)
class _AddressSpec:
    lan: int
    ipv4: str
    ipv6: str
    macs: tuple[str, ...]
    rs4: bool
    rs6: bool


@dataclass(frozen=True, order=True)
class _ConnectionSpec:
    state: str
    ports: tuple[tuple[str, int], ...]
    addresses: tuple[_AddressSpec, ...]


@dataclass
class _MemberPlan:
    member: m.Member
    docs: list[tuple[ConnectionDoc, list[VlanIfDoc]]] = field(default_factory=list)


class _Importer:
    def __init__(
        self,
        document: Document,
        report: ImportReport,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        self.doc = document
        self.report = report
        self.progress = progress or (lambda _phase, _done, _total: None)
        self.exchanges: dict[int, m.Exchange] = {}
        self.switches: dict[int, m.Switch] = {}  # id(SwitchDoc) -> row
        self.lans: dict[int, m.PeeringLan] = {}  # id(VlanDoc) -> row

    def run(self) -> None:
        for ixp in self.doc.ixps:
            ex = self.exchange(ixp)
            self.exchanges[ixp.ixp_id] = ex
            for sw in ixp.switches.values():
                self.switches[id(sw)] = self.switch(ex, sw)
            for vlan in ixp.vlans.values():
                self.lans[id(vlan)] = self.lan(ex, vlan)
        members: list[MemberDoc] = []
        for entry in self.doc.members:
            for conn in entry.connections:
                for vif in conn.vlans:
                    if vif.service == "ixrouteserver":
                        self.route_server(entry, conn, vif)
            if not self.bridge(entry):
                members.append(entry)
        self.members(members)

    # -- exchanges and their infrastructure ------------------------------------------------
    def exchange(self, ixp: IxpDoc) -> m.Exchange:
        ex = None
        if ixp.ixf_id:
            ex = m.Exchange.objects.filter(ixf_id=ixp.ixf_id).first()
        if ex is None:
            candidates = m.Exchange.objects.filter(
                dj.Q(name__iexact=ixp.shortname) | dj.Q(slug=slugify(ixp.shortname))
            )
            if ixp.ixf_id:
                candidates = candidates.filter(ixf_id__isnull=True)
            ex = candidates.order_by("pk").first()
        values = dict(ixp.fields)
        if ex is None:
            ex = m.Exchange(slug=_unique_slug(ixp.shortname))
        else:
            values["name"] = ex.name if ex.name.lower() == ixp.shortname.lower() else ixp.shortname
        if self.doc.version != "0.3":  # 0.3 has no ixp_id: the reader made one up
            other = m.Exchange.objects.filter(ixp_id=ixp.ixp_id).exclude(pk=ex.pk).first()
            if other is None:
                values["ixp_id"] = ixp.ixp_id
            elif ex.ixp_id != ixp.ixp_id:
                self.report.warn(
                    join(ixp.path, "ixp_id"),
                    _(
                        "%(n)d is already the number of %(other)s here: %(name)s gets a new "
                        "one at its first export"
                    )
                    % {"n": ixp.ixp_id, "other": other.name, "name": ixp.shortname},
                )
        paths = {k: join(ixp.path, v) for k, v in EXCHANGE_PATHS.items()}
        save_checked(
            ex,
            values,
            report=self.report,
            kind="exchange",
            label=ixp.shortname,
            paths=paths,
            base=ixp.path,
        )
        return ex

    def switch(self, ex: m.Exchange, sw: SwitchDoc) -> m.Switch:
        facility = None
        if sw.colo:
            facility = m.Facility.objects.filter(name=sw.colo).first() or m.Facility(name=sw.colo)
            values: dict[str, Any] = {}
            if sw.city:
                values["city"] = sw.city
            if sw.country:
                values["country"] = sw.country
            if sw.pdb_facility_id:
                values["peeringdb_fac_id"] = sw.pdb_facility_id
            save_checked(
                facility,
                values,
                report=self.report,
                kind="facility",
                label=sw.colo,
                paths={
                    "name": join(sw.path, "colo"),
                    "city": join(sw.path, "city"),
                    "country": join(sw.path, "country"),
                },
                base=sw.path,
            )
        elif sw.city or sw.country:
            self.report.warn(sw.path, _("city/country without colo: not recorded (no facility)"))
        row = m.Switch.objects.filter(exchange=ex, name=sw.name).first() or m.Switch(
            exchange=ex, name=sw.name
        )
        values = {}
        if facility is not None:
            values["facility"] = facility
        if sw.explicit_id:
            other = (
                m.Switch.objects.filter(exchange=ex, ixf_switch_id=sw.doc_id)
                .exclude(pk=row.pk)
                .first()
            )
            if other is None:
                values["ixf_switch_id"] = sw.doc_id
            elif row.ixf_switch_id != sw.doc_id:
                self.report.warn(
                    join(sw.path, "id"),
                    _(
                        "%(n)d is already the number of switch %(other)s here: %(name)s gets a "
                        "new one at its first export"
                    )
                    % {"n": sw.doc_id, "other": other.name, "name": sw.name},
                )
        for key in ("manufacturer", "model", "software"):
            if getattr(sw, key) is not None:
                values[key] = getattr(sw, key)
        save_checked(
            row,
            values,
            report=self.report,
            kind="switch",
            label=f"{ex.slug}/{sw.name}",
            paths={
                **{k: join(sw.path, k) for k in ("name", "manufacturer", "model", "software")},
                "ixf_switch_id": join(sw.path, "id"),
            },
            base=sw.path,
        )
        return row

    def lan(self, ex: m.Exchange, vlan: VlanDoc) -> m.PeeringLan:
        tag = vlan.doc_id if 1 <= vlan.doc_id <= 4094 else None
        row = None
        if tag is not None:
            row = m.PeeringLan.objects.filter(exchange=ex, vlan_id=tag).first()
        if row is None and vlan.name:
            row = m.PeeringLan.objects.filter(exchange=ex, name=vlan.name).first()
        for net, attr in ((vlan.ipv4, "ipv4_prefix"), (vlan.ipv6, "ipv6_prefix")):
            if row is None and net is not None:
                row = m.PeeringLan.objects.filter(exchange=ex, **{attr: str(net)}).first()
        values: dict[str, Any] = {}
        if row is None:
            row = m.PeeringLan(exchange=ex, name=vlan.name or f"vlan-{vlan.doc_id}", vlan_id=tag)
        elif vlan.name:
            values["name"] = vlan.name
        if tag is not None:
            values["vlan_id"] = tag
        if vlan.ipv4 is not None:
            values["ipv4_prefix"] = str(vlan.ipv4)
        if vlan.ipv6 is not None:
            values["ipv6_prefix"] = str(vlan.ipv6)
        save_checked(
            row,
            values,
            report=self.report,
            kind="peering LAN",
            label=f"{ex.slug}/{vlan.name or vlan.doc_id}",
            paths={
                "name": join(vlan.path, "name"),
                "vlan_id": join(vlan.path, "id"),
                "ipv4_prefix": join(vlan.path, "ipv4"),
                "ipv6_prefix": join(vlan.path, "ipv6"),
            },
            base=vlan.path,
        )
        return row

    # -- the exchange's own participants -----------------------------------------------------
    def route_server(self, entry: MemberDoc, conn: ConnectionDoc, vif: VlanIfDoc) -> None:
        ex = self.exchanges[conn.ixp.ixp_id]
        lan = self.lans[id(vif.vlan)]
        v4 = vif.ipv4.address if vif.ipv4 else None
        v6 = vif.ipv6.address if vif.ipv6 else None
        found = m.RouteServer.objects.filter(exchange=ex, lan=lan).filter(
            dj.Q(ipv4=v4) if v4 else dj.Q(ipv6=v6)
        )
        row = found.first()
        values: dict[str, Any] = {"asn": entry.asnum}
        if row is None:
            names = set(m.RouteServer.objects.filter(exchange=ex).values_list("name", flat=True))
            name = next(f"rs{n}" for n in itertools.count(1) if f"rs{n}" not in names)
            router_id = v4 or str(
                ipaddress.IPv4Address(int(ipaddress.IPv6Address(v6 or "::")) & 0xFFFFFFFF)
            )
            row = m.RouteServer(exchange=ex, lan=lan, name=name, router_id=router_id)
        if v4:
            values["ipv4"] = v4
        if v6:
            values["ipv6"] = v6
        family = next(f for f in vif.families if f.service == "ixrouteserver")
        if family.daemon:
            daemon = DAEMONS.get(family.daemon.lower().split()[0])
            if daemon is None:
                self.report.warn(
                    join(family.path, "services"),
                    _("daemon %(daemon)r is not BIRD or OpenBGPD: not recorded")
                    % {"daemon": family.daemon},
                )
            else:
                values["daemon"] = daemon
        if family.daemon_version:
            values["version"] = family.daemon_version
        save_checked(
            row,
            values,
            report=self.report,
            kind="route server",
            label=f"{ex.slug} AS{entry.asnum} {v4 or v6}",
            paths={
                "ipv4": join(vif.path, "ipv4.address"),
                "ipv6": join(vif.path, "ipv6.address"),
                "asn": join(entry.path, "asnum"),
                "version": join(family.path, "services"),
            },
            base=vif.path,
        )

    def bridge(self, entry: MemberDoc) -> bool:
        """An ``ixp`` member with bare connections naming another exchange is a bridge."""
        if entry.member_type != "ixp" or entry.routeserver_type or not entry.connections:
            return False
        if any(c.ports or c.vlans for c in entry.connections):
            return False
        for conn in entry.connections:
            here = self.exchanges[conn.ixp.ixp_id]
            other = self.bridged_exchange(entry, here)
            if other is None:
                return False
            if other.asn != entry.asnum:
                save_checked(
                    other,
                    {"asn": entry.asnum},
                    report=self.report,
                    kind="exchange",
                    label=other.name,
                    paths={"asn": join(entry.path, "asnum")},
                    base=entry.path,
                )
            if here.bridged_to.filter(pk=other.pk).exists():
                self.report.note_unchanged("bridge")
            else:
                here.bridged_to.add(other)
                self.report.note_created("bridge", f"{here.slug} <-> {other.slug}")
        return True

    def bridged_exchange(self, entry: MemberDoc, here: m.Exchange) -> m.Exchange | None:
        name = (entry.name or "").lower()
        for ixp in self.doc.ixps:
            ex = self.exchanges[ixp.ixp_id]
            names = {ixp.shortname.lower(), str(ixp.fields.get("full_name", "")).lower()}
            if ex.pk != here.pk and name and name in names:
                return ex
        return (
            m.Exchange.objects.exclude(pk=here.pk)
            .filter(dj.Q(asn=entry.asnum) | dj.Q(name__iexact=name) | dj.Q(full_name__iexact=name))
            .order_by("pk")
            .first()
            if name
            else None
        )

    # -- members ---------------------------------------------------------------------------
    def members(self, entries: list[MemberDoc]) -> None:
        split: list[tuple[MemberDoc, list[tuple[ConnectionDoc, list[VlanIfDoc]]]]] = []
        for entry in entries:
            member_conns = []
            for conn in entry.connections:
                vlans = [v for v in conn.vlans if v.service is None]
                for v in conn.vlans:
                    if v.service == "ixroutecollector":
                        self.report.warn(v.path, _("route collector: not recorded"))
                if conn.vlans and not vlans and not conn.ports:
                    continue  # a route server's connection, recorded above
                member_conns.append((conn, vlans))
            if member_conns or not entry.connections:  # else: only route servers/collectors
                split.append((entry, member_conns))
        networks = self.networks([entry for entry, _conns in split])
        plans: dict[tuple[int, int], _MemberPlan] = {}
        for done, (entry, member_conns) in enumerate(split, start=1):
            if done % 100 == 0 or done == len(split):
                self.progress("members", done, len(split))
            targets: list[tuple[m.Exchange, ConnectionDoc | None]] = []
            if not member_conns:
                if len(self.doc.ixps) != 1:
                    self.report.warn(entry.path, _("no connection says which exchange: skipped"))
                    continue
                targets.append((self.exchanges[self.doc.ixps[0].ixp_id], None))
            for conn, _vlans in member_conns:
                targets.append((self.exchanges[conn.ixp.ixp_id], conn))
            net = networks[entry.asnum]
            for ex, _conn in targets:
                key = (ex.pk, net.pk)
                if key not in plans:
                    plans[key] = _MemberPlan(self.member(entry, ex, net))
            for conn, vlans in member_conns:
                plans[(self.exchanges[conn.ixp.ixp_id].pk, net.pk)].docs.append((conn, vlans))
        replace: list[_MemberPlan] = []
        for plan in plans.values():
            wanted = sorted(self.wanted_spec(plan.member, c, v) for c, v in plan.docs)
            if wanted == sorted(self.current_spec(plan.member)):
                self.report.note_unchanged("connection")
            else:
                replace.append(plan)
        for plan in replace:  # all deletions first: an address may move between members
            for old in plan.member.connections.all():
                self.report.note_deleted("connection", f"{plan.member} {old.pk}")
                old.delete()
        for done, plan in enumerate(replace, start=1):
            if done % 100 == 0 or done == len(replace):
                self.progress("connections", done, len(replace))
            for n, (conn, vlans) in enumerate(plan.docs, start=1):
                self.create_connection(plan.member, n, conn, vlans)

    def networks(self, entries: list[MemberDoc]) -> dict[int, m.Network]:
        """One row per ASN, merging the entries that name it (the first value wins)."""
        merged: dict[int, dict[str, Any]] = {}
        first: dict[int, MemberDoc] = {}
        contacts: dict[int, tuple[list[str], list[str]]] = {}
        for entry in entries:
            values = merged.setdefault(entry.asnum, {})
            first.setdefault(entry.asnum, entry)
            for key, value in (
                ("name", entry.name),
                ("website", entry.url),
                ("peering_policy", entry.policy),
            ):
                if value is not None:
                    values.setdefault(key, value)
            macros: list[str] = values.setdefault("_macros", [])
            for family in _families(entry):
                if family.as_macro:
                    macros.extend(x for x in family.as_macro.split() if x not in macros)
                if family.max_prefix is not None:
                    key = (
                        "max_prefix_v4"
                        if "ipv4" in family.path.rsplit(".", 1)[-1]
                        else ("max_prefix_v6")
                    )
                    values[key] = max(values.get(key, 0), family.max_prefix)
            if entry.contact_emails is not None or entry.contact_phones is not None:
                contacts.setdefault(
                    entry.asnum, (entry.contact_emails or [], entry.contact_phones or [])
                )
        rows: dict[int, m.Network] = {}
        for asn, values in merged.items():
            entry = first[asn]
            macros = values.pop("_macros")
            if macros:
                values["as_set"] = " ".join(macros)
            row = m.Network.objects.filter(asn=asn).first()
            if row is None:
                row = m.Network(asn=asn, name=values.get("name") or f"AS{asn}")
            save_checked(
                row,
                values,
                report=self.report,
                kind="network",
                label=f"AS{asn}",
                paths={
                    "name": join(entry.path, "name"),
                    "website": join(entry.path, "url"),
                    "peering_policy": join(entry.path, "peering_policy"),
                    "as_set": join(entry.path, "connection_list"),
                    "asn": join(entry.path, "asnum"),
                },
                base=entry.path,
            )
            rows[asn] = row
            if asn in contacts:
                self.contacts(row, *contacts[asn], path=entry.path)
        return rows

    def contacts(self, net: m.Network, emails: list[str], phones: list[str], path: str) -> None:
        current = list(net.contacts.order_by("role", "pk"))
        if [c.email for c in current if c.email] == emails and [
            c.phone for c in current if c.phone
        ] == phones:
            self.report.note_unchanged("contact")
            return
        for contact in current:
            contact.delete()
            self.report.note_deleted("contact", f"AS{net.asn}")
        for n, (email, phone) in enumerate(itertools.zip_longest(emails, phones), start=1):
            save_checked(
                m.Contact(network=net, role="noc"),
                {"email": email or "", "phone": phone or ""},
                report=self.report,
                kind="contact",
                label=f"AS{net.asn} #{n}",
                paths={
                    "email": join(path, f"contact_email[{n - 1}]"),
                    "phone": join(path, f"contact_phone[{n - 1}]"),
                },
                base=path,
            )

    def member(self, entry: MemberDoc, ex: m.Exchange, net: m.Network) -> m.Member:
        row = m.Member.objects.filter(exchange=ex, network=net).first()
        values: dict[str, Any] = {"member_type": entry.member_type}
        if row is None:
            row = m.Member(exchange=ex, network=net, status="connected")
        if entry.member_since is not None:
            values["member_since"] = entry.member_since
        save_checked(
            row,
            values,
            report=self.report,
            kind="member",
            label=f"{ex.slug} AS{net.asn}",
            paths={
                "member_type": join(entry.path, "member_type"),
                "member_since": join(entry.path, "member_since"),
            },
            base=entry.path,
        )
        return row

    # -- connections -------------------------------------------------------------------------
    def rs_lans(self, lan: m.PeeringLan) -> list[m.RouteServer]:
        return list(m.RouteServer.objects.filter(lan=lan).order_by("name"))

    def routeserver_flag(self, family: FamilyDoc | None, lan: m.PeeringLan) -> bool:
        if family is None or not family.routeserver:
            return False
        if not self.rs_lans(lan):
            self.report.warn(
                join(family.path, "routeserver"),
                _("no route server known on %(lan)s: the session is not recorded") % {"lan": lan},
            )
            return False
        return True

    def wanted_spec(
        self, member: m.Member, conn: ConnectionDoc, vlans: list[VlanIfDoc]
    ) -> _ConnectionSpec:
        ports = tuple(sorted((self.switches[id(p.switch)].name, p.speed) for p in conn.ports))
        addresses = []
        for vif in vlans:
            if not vif.families:
                self.report.warn(vif.path, "no address: skipped")
                continue
            lan = self.lans[id(vif.vlan)]
            macs = sorted({mac for f in vif.families for _where, mac in f.macs})
            addresses.append(
                _AddressSpec(
                    lan.pk,
                    vif.ipv4.address if vif.ipv4 else "",
                    vif.ipv6.address if vif.ipv6 else "",
                    tuple(macs),
                    self.routeserver_flag(vif.ipv4, lan),
                    self.routeserver_flag(vif.ipv6, lan),
                )
            )
        return _ConnectionSpec(conn.state, ports, tuple(sorted(addresses)))

    def current_spec(self, member: m.Member) -> Iterable[_ConnectionSpec]:
        for conn in member.connections.all():
            ports = tuple(sorted((p.switch.name, p.speed_mbps) for p in conn.ports.all()))
            addresses = []
            for addr in conn.addresses.all():
                sessions = {s.afi for s in addr.rs_sessions.all() if s.enabled}
                addresses.append(
                    _AddressSpec(
                        addr.lan_id,
                        addr.ipv4 or "",
                        addr.ipv6 or "",
                        tuple(sorted(mac.mac for mac in addr.macs.all())),
                        4 in sessions,
                        6 in sessions,
                    )
                )
            yield _ConnectionSpec(conn.state, ports, tuple(sorted(addresses)))

    def create_connection(
        self, member: m.Member, n: int, doc: ConnectionDoc, vlans: list[VlanIfDoc]
    ) -> None:
        asn = member.network.asn
        conn = m.Connection(member=member)
        save_checked(
            conn,
            {"state": doc.state},
            report=self.report,
            kind="connection",
            label=f"{member.exchange.slug} AS{asn} #{n}",
            paths={},
            base=doc.path,
        )
        for k, port in enumerate(doc.ports, start=1):
            switch = self.switches[id(port.switch)]
            name = f"AS{asn}-{n:02d}-{k:02d}"
            taken = set(switch.ports.values_list("name", flat=True))
            suffix = 1
            while name in taken:
                suffix += 1
                name = f"AS{asn}-{n:02d}-{k:02d}-{suffix}"
            save_checked(
                m.Port(connection=conn, switch=switch),
                {"name": name, "speed_mbps": port.speed},
                report=self.report,
                kind="port",
                label=f"{switch.name}:{name}",
                paths={
                    "switch": join(port.path, "switch_id"),
                    "speed_mbps": join(port.path, "if_speed"),
                },
                base=port.path,
            )
        for vif in vlans:
            if vif.families:
                self.create_address(conn, vif)

    def create_address(self, conn: m.Connection, vif: VlanIfDoc) -> None:
        lan = self.lans[id(vif.vlan)]
        values: dict[str, Any] = {}
        for family, attr in ((vif.ipv4, "ipv4"), (vif.ipv6, "ipv6")):
            if family is None:
                continue
            taken = (
                m.PeeringLanAddress.objects.filter(lan=lan, **{attr: family.address})
                .select_related("connection__member__network")
                .first()
            )
            if taken is not None:
                raise IxfError(
                    join(family.path, "address"),
                    _("%(addr)s is already assigned to AS%(asn)d on %(lan)s")
                    % {
                        "addr": family.address,
                        "asn": taken.connection.member.network.asn,
                        "lan": lan,
                    },
                )
            values[attr] = family.address
        addr = m.PeeringLanAddress(connection=conn, lan=lan)
        save_checked(
            addr,
            values,
            report=self.report,
            kind="address",
            label=" / ".join(str(v) for v in values.values()),
            paths={
                "ipv4": join(vif.path, "ipv4.address"),
                "ipv6": join(vif.path, "ipv6.address"),
                "lan": join(vif.path, "vlan_id"),
            },
            base=vif.path,
        )
        seen: set[str] = set()
        for family in vif.families:
            for where, mac in family.macs:
                if mac in seen:
                    continue
                seen.add(mac)
                owner = m.MacAddress.objects.filter(lan=lan, mac=mac).first()
                if owner is not None:
                    raise IxfError(
                        where,
                        _("MAC %(mac)s is already used on %(lan)s by %(addr)s")
                        % {"mac": mac, "lan": lan, "addr": owner.address},
                    )
                save_checked(
                    m.MacAddress(address=addr, lan=lan),
                    {"mac": mac},
                    report=self.report,
                    kind="MAC address",
                    label=mac,
                    paths={"mac": where},
                    base=where,
                )
            if family.routeserver and self.rs_lans(lan):
                afi = 6 if family is vif.ipv6 else 4
                for rs in self.rs_lans(lan):
                    save_checked(
                        m.RouteServerSession(route_server=rs, address=addr, afi=afi),
                        {},
                        report=self.report,
                        kind="route-server session",
                        label=f"{rs.name} {family.address}",
                        paths={},
                        base=join(family.path, "routeserver"),
                    )


def _families(entry: MemberDoc) -> Iterable[FamilyDoc]:
    for conn in entry.connections:
        for vif in conn.vlans:
            if vif.service is None:
                yield from vif.families


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "exchange"
    slug, n = base, 1
    while m.Exchange.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
