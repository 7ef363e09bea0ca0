"""Create or update the registry from an IX-F Member Export (0.3 to 1.0).

The document is read and checked whole first by lakou's IX-F reader (:mod:`lakou.ixf`,
no database), so most problems stop the import before anything is written. Then the whole
import runs in one transaction: the first problem (named by its JSON path) rolls
everything back, so the database is either fully updated or untouched. The exchange's own
rows (exchanges, facilities, switches, peering LANs, route servers, bridges: a handful)
are checked with the models' ``full_clean()`` and saved one by one; the members (up to
tens of thousands) are written in bulk by :mod:`lakou.registry.ixf.bulk`, with the same
rules and the same report. A model's complaint is reported at the JSON path of the value
that caused it. Two imports at once take turns: the second waits for the first's
transaction (SQLite's busy timeout, PostgreSQL's advisory lock), or says plainly that
another import is running.

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction
from django.db import models as dj
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lakou import ixf
from lakou.ixf import (
    ConnectionDoc,
    Document,
    ImportReport,
    IxpDoc,
    MemberDoc,
    SwitchDoc,
    VlanDoc,
    VlanIfDoc,
    join,
)
from lakou.registry import models as m
from lakou.registry.ixf.bulk import MemberWriter, validation_error

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


class ImportBusy(Exception):
    """Another import (or another command writing to the registry) holds the database."""


# PostgreSQL advisory lock taken by every IX-F import ("lakouixf" in ASCII, as a number)
ADVISORY_LOCK = 0x6C616B6F75697866


def import_document(
    data: dict[str, Any] | bytes | str,
    *,
    dry_run: bool = False,
    schema_dir: str | Path | None = None,
    merge_duplicates: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    reading: Callable[[str, int, int], None] | None = None,
) -> ImportReport:
    """Import ``data``; with ``dry_run`` the report says what would change, nothing does.

    Two entries naming the same ASN at the same exchange stop the import (each path named)
    unless ``merge_duplicates``, which merges them (the first value wins) with a warning.
    ``progress(phase, done, total)`` is called as members are compared (``members``) and
    their connections written (``connections``); ``reading("read", done, total)`` as the
    document's members are read and checked, before the database is touched.
    """
    report = ImportReport(dry_run=dry_run)
    document = ixf.load(
        data, report, schema_dir, merge_duplicates=merge_duplicates, progress=reading
    )
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":  # SQLite: BEGIN IMMEDIATE already waits
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
            _Importer(document, report, progress).run()
            if dry_run:
                transaction.set_rollback(True)
    except OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise ImportBusy(
            _(
                "another import (or another lakou command) is writing to the registry; "
                "nothing was changed: try again when it has finished"
            )
        ) from None
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

    # -- members: in bulk ------------------------------------------------------------------
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
        MemberWriter(
            report=self.report,
            exchanges=self.exchanges,
            switches=self.switches,
            lans=self.lans,
            single_ixp=self.doc.ixps[0].ixp_id if len(self.doc.ixps) == 1 else None,
            progress=self.progress,
        ).members(split)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "exchange"
    slug, n = base, 1
    while m.Exchange.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
