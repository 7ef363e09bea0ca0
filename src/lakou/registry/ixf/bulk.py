"""The members of an IX-F import, written in bulk: networks, contacts, memberships, connections.

An exchange's export lists thousands of members (60,000 for the largest); written one row
at a time with ``full_clean()`` (each a few uniqueness queries) an import took minutes.
Here every row the import may touch is read first, in a few queries, into dictionaries;
each member is compared with them in memory; the rows to create, change or delete are
written with ``bulk_create``/``bulk_update``/one ``delete`` per batch. The result is the
per-row importer's: the same rows, the same report lines in the same order, the same
errors at the same JSON paths, because the rules are the same ones:

- the document's values were checked by the Django-free reader (:mod:`lakou.ixf`);
- networks, contacts and memberships that change are checked with the models' own field
  validators and ``clean()`` (no query: relations and uniqueness come from the
  dictionaries);
- connections, ports, addresses, MACs and sessions are built from checked values, and the
  rules that need the database (an address or MAC already used by another member, a route
  server's address, a port name taken) are checked against the dictionaries, which the
  import keeps up to date as it goes, with the models' messages.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.db import models as dj
from django.utils import timezone
from django.utils.translation import gettext as _

from lakou.ixf import (
    ConnectionDoc,
    FamilyDoc,
    ImportReport,
    IxfError,
    MemberDoc,
    SwitchDoc,
    VlanDoc,
    VlanIfDoc,
    join,
)
from lakou.registry import models as m

BATCH = 500  # rows per INSERT/UPDATE; plans (members) per flush of their connections
IN_BATCH = 5000  # ids per ``IN (...)``: far below SQLite's and PostgreSQL's limits
Progress = Callable[[str, int, int], None]
_Row = TypeVar("_Row", bound=dj.Model)


@dataclass(frozen=True, order=True)
class AddressSpec:
    lan: int
    ipv4: str
    ipv6: str
    macs: tuple[str, ...]
    rs4: bool
    rs6: bool


@dataclass(frozen=True, order=True)
class ConnectionSpec:
    state: str
    ports: tuple[tuple[str, int], ...]
    addresses: tuple[AddressSpec, ...]


@dataclass
class MemberPlan:
    member: Ref
    docs: list[tuple[ConnectionDoc, list[VlanIfDoc]]] = field(default_factory=list)


def chunks(items: Sequence[Any], size: int = IN_BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def relation_names(model: type[dj.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.is_relation]


def validation_error(exc: ValidationError, paths: dict[str, str], base: str) -> IxfError:
    """A model's complaint as an :class:`IxfError` at the JSON path of the field's value."""
    if not hasattr(exc, "error_dict"):
        return IxfError(base, " ".join(exc.messages))
    for name, errors in exc.message_dict.items():
        where = paths.get(name, base) if name != NON_FIELD_ERRORS else base
        return IxfError(where, " ".join(errors))
    return IxfError(base, str(exc))


def check_row(obj: dj.Model, paths: dict[str, str], base: str) -> None:
    """The model's field validators and ``clean()``, without queries (relations and
    uniqueness are the caller's); a complaint is raised at the value's JSON path."""
    try:
        obj.clean_fields(exclude=relation_names(type(obj)))
        obj.clean()
    except ValidationError as exc:
        raise validation_error(exc, paths, base) from None


class Pending:
    """A row not yet inserted; ``pk`` is set when it is (its children refer to it)."""

    __slots__ = ("pk",)

    def __init__(self) -> None:
        self.pk: int | None = None


def insert(model: type[dj.Model], rows: list[dict[str, Any]]) -> list[int]:
    """INSERT ``rows`` (column attname -> plain value: int, str, bool or None, or a
    :class:`Pending` parent) in batches; the new ids, in order.

    The rows a member brings by the thousand (connections, ports, addresses, MACs,
    sessions) skip the model instances ``bulk_create`` would build: the values were
    checked already, and the columns a row does not give take the model's defaults (the
    timestamps: now), prepared once for the database.
    """
    if not rows:
        return []
    meta = model._meta
    given = list(dict.fromkeys(key for row in rows for key in row))  # the union, in order
    by_attname = {f.attname: f for f in meta.concrete_fields}
    now = timezone.now()
    defaults: dict[str, Any] = {}
    for f in meta.concrete_fields:
        if f.primary_key:
            continue
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        defaults[f.attname] = f.get_db_prep_save(now if auto else f.get_default(), connection)
    constants = {str(by_attname[k].column): v for k, v in defaults.items() if k not in given}
    columns = [str(by_attname[name].column) for name in given] + list(constants)
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = f" RETURNING {quote(str(meta.pk.column))}"
    fixed = list(constants.values())
    size = max(1, min(BATCH, 30000 // len(columns)))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for part in chunks(rows, size):
            params: list[Any] = []
            for row in part:
                for name in given:
                    value = row[name] if name in row else defaults[name]
                    params.append(value.pk if isinstance(value, Pending) else value)
                params.extend(fixed)
            cursor.execute(head + ", ".join([one] * len(part)) + tail, params)
            ids.extend(r[0] for r in cursor.fetchall())
    return ids


class NewRows:
    """Rows for :func:`insert`, per model, written in order by :meth:`flush`."""

    def __init__(self) -> None:
        self.rows: dict[type[dj.Model], list[tuple[Pending | None, dict[str, Any]]]] = defaultdict(
            list
        )

    def add(
        self, model: type[dj.Model], values: dict[str, Any], pending: Pending | None = None
    ) -> Pending | None:
        self.rows[model].append((pending, values))
        return pending

    def flush(self, *order: type[dj.Model]) -> None:
        for model in order:
            batch = self.rows.pop(model, [])
            ids = insert(model, [values for _pending, values in batch])
            for (pending, _values), pk in zip(batch, ids, strict=True):
                if pending is not None:
                    pending.pk = pk


@dataclass
class Ref:
    """A row of the import (stored or to be inserted) and what its children and labels need."""

    pending: Pending
    label: str = ""  # the row as the model prints it, for stored rows (``str(member)``)
    asn: int = 0
    slug: str = ""


class Staged:
    """The report's notes and checks of ``save_checked``, for rows written later in bulk.

    New rows are checked with their fields' own validators (``Field.clean``) and queued
    for :func:`insert`; changed stored rows are checked with ``clean_fields()`` and
    ``clean()`` and queued for ``bulk_update``.
    """

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.new = NewRows()
        self.update: dict[type[dj.Model], dict[tuple[str, ...], list[dj.Model]]] = defaultdict(
            lambda: defaultdict(list)
        )

    def add(
        self,
        model: type[dj.Model],
        values: dict[str, Any],
        *,
        kind: str,
        label: str,
        paths: dict[str, str],
        base: str,
        parents: dict[str, Pending] | None = None,
    ) -> Pending:
        """Check and queue a new row (``values`` by field name, ``parents`` by attname)."""
        row: dict[str, Any] = dict(parents or {})
        for name, value in values.items():
            model_field = model._meta.get_field(name)
            try:
                cleaned = model_field.clean(value, None)  # type: ignore[union-attr]
            except ValidationError as exc:
                problem = ValidationError({name: exc.messages})
                raise validation_error(problem, paths, base) from None
            if not isinstance(cleaned, str | int | bool | type(None)):
                cleaned = model_field.get_db_prep_save(cleaned, connection)  # type: ignore[union-attr]
            row[model_field.attname] = cleaned  # type: ignore[union-attr]
        pending = Pending()
        self.new.add(model, row, pending)
        self.report.note_created(kind, label)
        return pending

    def change(
        self,
        obj: dj.Model,
        values: dict[str, Any],
        *,
        kind: str,
        label: str,
        paths: dict[str, str],
        base: str,
    ) -> bool:
        """``save_checked`` for a stored row, queued for ``bulk_update``; False if unchanged."""
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if not changed:
            self.report.note_unchanged(kind)
            return False
        for name in changed:
            setattr(obj, name, values[name])
        check_row(obj, paths, base)
        self.update[type(obj)][tuple(sorted(changed))].append(obj)
        self.report.note_updated(kind, label, changed)
        return True

    def flush(self, *order: type[dj.Model]) -> None:
        """Write the queued rows of ``order``'s models, parents first."""
        now = timezone.now()
        for model in order:
            self.new.flush(model)
            for fields, changed in self.update.pop(model, {}).items():
                for row in changed:
                    row.updated = now  # type: ignore[attr-defined]
                model.objects.bulk_update(  # type: ignore[attr-defined]
                    changed, [*fields, "updated"], batch_size=BATCH
                )


class MemberWriter:
    """The members of one import (see the module's paragraph)."""

    def __init__(
        self,
        *,
        report: ImportReport,
        exchanges: dict[int, m.Exchange],
        switches: dict[int, m.Switch],
        lans: dict[int, m.PeeringLan],
        single_ixp: int | None,
        progress: Progress,
    ) -> None:
        self.report = report
        self.exchanges = exchanges  # ixp_id -> row
        self.switches = switches  # id(SwitchDoc) -> row
        self.lans = lans  # id(VlanDoc) -> row
        self.single_ixp = single_ixp
        self.progress = progress
        self.staged = Staged(report)
        self.new = self.staged.new
        self.exchange_ids = sorted({ex.pk for ex in exchanges.values()})
        self._rs_by_lan: dict[int, list[m.RouteServer]] = {}

    # -- networks and their contacts ----------------------------------------------------------
    def networks(self, entries: list[MemberDoc]) -> dict[int, Ref]:
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
                        else "max_prefix_v6"
                    )
                    values[key] = max(values.get(key, 0), family.max_prefix)
            if entry.contact_emails is not None or entry.contact_phones is not None:
                contacts.setdefault(
                    entry.asnum, (entry.contact_emails or [], entry.contact_phones or [])
                )
        asns = list(merged)
        existing: dict[int, m.Network] = {}
        for part in chunks(asns):
            existing.update((n.asn, n) for n in m.Network.objects.filter(asn__in=part))
        current_contacts = self._current_contacts(
            [existing[a].pk for a in contacts if a in existing]
        )
        refs: dict[int, Ref] = {}
        stale_contacts: list[int] = []
        for asn, values in merged.items():
            entry = first[asn]
            macros = values.pop("_macros")
            if macros:
                values["as_set"] = " ".join(macros)
            paths = {
                "name": join(entry.path, "name"),
                "website": join(entry.path, "url"),
                "peering_policy": join(entry.path, "peering_policy"),
                "as_set": join(entry.path, "connection_list"),
                "asn": join(entry.path, "asnum"),
            }
            row = existing.get(asn)
            if row is None:
                pending = self.staged.add(
                    m.Network,
                    {"asn": asn, "name": values.get("name") or f"AS{asn}", **values},
                    kind="network",
                    label=f"AS{asn}",
                    paths=paths,
                    base=entry.path,
                )
                current: list[m.Contact] = []
            else:
                self.staged.change(
                    row, values, kind="network", label=f"AS{asn}", paths=paths, base=entry.path
                )
                pending = Pending()
                pending.pk = row.pk
                current = current_contacts.get(row.pk, [])
            refs[asn] = Ref(pending, asn=asn)
            if asn in contacts:
                stale_contacts += self._contacts(refs[asn], current, *contacts[asn], entry.path)
        for part in chunks(stale_contacts):
            m.Contact.objects.filter(pk__in=part).delete()
        self.staged.flush(m.Network, m.Contact)
        return refs

    def _current_contacts(self, network_ids: list[int]) -> dict[int, list[m.Contact]]:
        found: dict[int, list[m.Contact]] = defaultdict(list)
        for part in chunks(network_ids):
            for contact in m.Contact.objects.filter(network_id__in=part).order_by(
                "network_id", "role", "pk"
            ):
                found[contact.network_id].append(contact)
        return found

    def _contacts(
        self, net: Ref, current: list[m.Contact], emails: list[str], phones: list[str], path: str
    ) -> list[int]:
        """Queue the contacts of ``net``; the ids of its stored contacts to delete."""
        if [c.email for c in current if c.email] == emails and [
            c.phone for c in current if c.phone
        ] == phones:
            self.report.note_unchanged("contact")
            return []
        for _contact in current:
            self.report.note_deleted("contact", f"AS{net.asn}")
        for n, (email, phone) in enumerate(itertools.zip_longest(emails, phones), start=1):
            self.staged.add(
                m.Contact,
                {"role": "noc", "email": email or "", "phone": phone or ""},
                kind="contact",
                label=f"AS{net.asn} #{n}",
                paths={
                    "email": join(path, f"contact_email[{n - 1}]"),
                    "phone": join(path, f"contact_phone[{n - 1}]"),
                },
                base=path,
                parents={"network_id": net.pending},
            )
        return [c.pk for c in current]

    # -- memberships --------------------------------------------------------------------------
    def members(
        self, split: list[tuple[MemberDoc, list[tuple[ConnectionDoc, list[VlanIfDoc]]]]]
    ) -> None:
        networks = self.networks([entry for entry, _conns in split])
        existing = {
            (row.exchange_id, row.network_id): row
            for row in m.Member.objects.filter(exchange_id__in=self.exchange_ids)
        }
        by_pk = {ex.pk: ex for ex in self.exchanges.values()}
        plans: dict[tuple[int, int], MemberPlan] = {}
        for done, (entry, member_conns) in enumerate(split, start=1):
            if done % 100 == 0 or done == len(split):
                self.progress("members", done, len(split))
            targets: list[m.Exchange] = []
            if not member_conns:
                if self.single_ixp is None:
                    self.report.warn(entry.path, "no connection says which exchange: skipped")
                    continue
                targets.append(self.exchanges[self.single_ixp])
            targets += [self.exchanges[conn.ixp.ixp_id] for conn, _vlans in member_conns]
            net = networks[entry.asnum]
            for ex in targets:
                key = (ex.pk, net.asn)
                if key not in plans:
                    row = existing.get((ex.pk, net.pending.pk))  # type: ignore[arg-type]
                    plans[key] = MemberPlan(self.member(entry, by_pk[ex.pk], net, row))
            for conn, vlans in member_conns:
                plans[(self.exchanges[conn.ixp.ixp_id].pk, net.asn)].docs.append((conn, vlans))
        self.staged.flush(m.Member)
        self.connections(list(plans.values()))

    def member(self, entry: MemberDoc, ex: m.Exchange, net: Ref, row: m.Member | None) -> Ref:
        values: dict[str, Any] = {"member_type": entry.member_type}
        if entry.member_since is not None:
            values["member_since"] = entry.member_since
        paths = {
            "member_type": join(entry.path, "member_type"),
            "member_since": join(entry.path, "member_since"),
        }
        label = f"{ex.slug} AS{net.asn}"
        if row is None:
            pending = self.staged.add(
                m.Member,
                {"status": "connected", **values},
                kind="member",
                label=label,
                paths=paths,
                base=entry.path,
                parents={"exchange_id": ex.pk, "network_id": net.pending},  # type: ignore[dict-item]
            )
            return Ref(pending, asn=net.asn, slug=ex.slug)
        self.staged.change(row, values, kind="member", label=label, paths=paths, base=entry.path)
        pending = Pending()
        pending.pk = row.pk
        return Ref(pending, label=str(row), asn=net.asn, slug=ex.slug)

    # -- connections: compared as a whole, replaced when they differ ---------------------------
    def connections(self, plans: list[MemberPlan]) -> None:
        current = self._current_specs()
        replace: list[MemberPlan] = []
        for plan in plans:
            wanted = sorted(self.wanted_spec(c, v) for c, v in plan.docs)
            have = sorted(spec for _pk, spec in current.get(plan.member.pending.pk or 0, []))
            if wanted == have:
                self.report.note_unchanged("connection")
            else:
                replace.append(plan)
        stale: list[int] = []
        for plan in replace:  # all deletions first: an address may move between members
            for pk, _spec in current.get(plan.member.pending.pk or 0, []):
                self.report.note_deleted("connection", f"{plan.member.label} {pk}")
                stale.append(pk)
        for part in chunks(stale, BATCH):
            m.Connection.objects.filter(pk__in=part).delete()
        self._load_taken()
        order = (m.Connection, m.Port, m.PeeringLanAddress, m.MacAddress, m.RouteServerSession)
        for done, plan in enumerate(replace, start=1):
            for n, (conn, vlans) in enumerate(plan.docs, start=1):
                self.create_connection(plan.member, n, conn, vlans)
            if done % BATCH == 0 or done == len(replace):
                self.new.flush(*order)
                self.progress("connections", done, len(replace))

    def _current_specs(self) -> dict[int, list[tuple[int, ConnectionSpec]]]:
        """member id -> [(connection id, spec)] for every member of the import's exchanges."""
        where = {"connection__member__exchange_id__in": self.exchange_ids}
        ports: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for conn_id, switch, speed in m.Port.objects.filter(**where).values_list(
            "connection_id", "switch__name", "speed_mbps"
        ):
            ports[conn_id].append((switch, speed))
        address_where = {"address__" + k: v for k, v in where.items()}
        macs: dict[int, list[str]] = defaultdict(list)
        for addr_id, mac in m.MacAddress.objects.filter(**address_where).values_list(
            "address_id", "mac"
        ):
            macs[addr_id].append(mac)
        sessions: dict[int, set[int]] = defaultdict(set)
        for addr_id, afi in m.RouteServerSession.objects.filter(
            enabled=True, **address_where
        ).values_list("address_id", "afi"):
            sessions[addr_id].add(afi)
        addresses: dict[int, list[AddressSpec]] = defaultdict(list)
        for addr_id, conn_id, lan_id, v4, v6 in m.PeeringLanAddress.objects.filter(
            **where
        ).values_list("id", "connection_id", "lan_id", "ipv4", "ipv6"):
            addresses[conn_id].append(
                AddressSpec(
                    lan_id,
                    v4 or "",
                    v6 or "",
                    tuple(sorted(macs[addr_id])),
                    4 in sessions[addr_id],
                    6 in sessions[addr_id],
                )
            )
        found: dict[int, list[tuple[int, ConnectionSpec]]] = defaultdict(list)
        for conn_id, member_id, state in (
            m.Connection.objects.filter(member__exchange_id__in=self.exchange_ids)
            .order_by("member_id", "name", "pk")
            .values_list("id", "member_id", "state")
        ):
            spec = ConnectionSpec(
                state, tuple(sorted(ports[conn_id])), tuple(sorted(addresses[conn_id]))
            )
            found[member_id].append((conn_id, spec))
        return found

    def rs_lans(self, lan: m.PeeringLan) -> list[m.RouteServer]:
        if lan.pk not in self._rs_by_lan:
            self._rs_by_lan[lan.pk] = list(m.RouteServer.objects.filter(lan=lan).order_by("name"))
        return self._rs_by_lan[lan.pk]

    def routeserver_flag(self, family: FamilyDoc | None, lan: m.PeeringLan) -> bool:
        if family is None or not family.routeserver:
            return False
        if not self.rs_lans(lan):
            self.report.warn(
                join(family.path, "routeserver"),
                f"no route server known on {lan}: the session is not recorded",
            )
            return False
        return True

    def wanted_spec(self, conn: ConnectionDoc, vlans: list[VlanIfDoc]) -> ConnectionSpec:
        ports = tuple(sorted((self.switch(p.switch).name, p.speed) for p in conn.ports))
        addresses = []
        for vif in vlans:
            if not vif.families:
                self.report.warn(vif.path, "no address: skipped")
                continue
            lan = self.lan(vif.vlan)
            macs = sorted({mac for f in vif.families for _where, mac in f.macs})
            addresses.append(
                AddressSpec(
                    lan.pk,
                    vif.ipv4.address if vif.ipv4 else "",
                    vif.ipv6.address if vif.ipv6 else "",
                    tuple(macs),
                    self.routeserver_flag(vif.ipv4, lan),
                    self.routeserver_flag(vif.ipv6, lan),
                )
            )
        return ConnectionSpec(conn.state, ports, tuple(sorted(addresses)))

    def switch(self, doc: SwitchDoc) -> m.Switch:
        return self.switches[id(doc)]

    def lan(self, doc: VlanDoc) -> m.PeeringLan:
        return self.lans[id(doc)]

    # -- what the database already holds, after the deletions ----------------------------------
    def _load_taken(self) -> None:
        """Port names per switch, addresses per LAN and exchange, route servers' addresses,
        MACs per LAN: what a new row must not collide with."""
        switch_ids = sorted({sw.pk for sw in self.switches.values()})
        self.port_names: dict[int, set[str]] = defaultdict(set)
        for part in chunks(switch_ids):
            for switch_id, name in m.Port.objects.filter(switch_id__in=part).values_list(
                "switch_id", "name"
            ):
                self.port_names[switch_id].add(name)
        # (lan id, family, address) -> asn; (exchange id, family, address) -> (pk, asn, lan)
        self.on_lan: dict[tuple[int, str, str], int] = {}
        self.on_exchange: dict[tuple[int, str, str], tuple[int, int, str]] = {}
        rows = m.PeeringLanAddress.objects.filter(lan__exchange_id__in=self.exchange_ids)
        for pk, lan_id, ex_id, lan_name, asn, v4, v6 in rows.values_list(
            "pk",
            "lan_id",
            "lan__exchange_id",
            "lan__name",
            "connection__member__network__asn",
            "ipv4",
            "ipv6",
        ):
            for family, value in (("ipv4", v4), ("ipv6", v6)):
                if value:
                    self._hold(pk, lan_id, ex_id, lan_name, asn, family, value)
        self.rs_addresses: dict[tuple[int, str, str], str] = {}
        for rs in m.RouteServer.objects.filter(exchange_id__in=self.exchange_ids).order_by("name"):
            for family in ("ipv4", "ipv6"):
                value = getattr(rs, family)
                if value:
                    self.rs_addresses.setdefault((rs.exchange_id, family, value), rs.name)
        lan_ids = sorted({lan.pk for lan in self.lans.values()})
        self.mac_owners: dict[tuple[int, str], str] = {}
        for part in chunks(lan_ids):
            for lan_id, mac, v4, v6, slug, name in m.MacAddress.objects.filter(
                lan_id__in=part
            ).values_list(
                "lan_id",
                "mac",
                "address__ipv4",
                "address__ipv6",
                "lan__exchange__slug",
                "lan__name",
            ):
                # the owner as the model prints it (PeeringLanAddress.__str__)
                self.mac_owners[(lan_id, mac)] = (
                    " / ".join(a for a in (v4, v6) if a) or f"{slug}/{name}"
                )

    def _hold(
        self, pk: int, lan_id: int, ex_id: int, lan_name: str, asn: int, family: str, value: str
    ) -> None:
        self.on_lan.setdefault((lan_id, family, value), asn)
        key = (ex_id, family, value)
        if key not in self.on_exchange or self.on_exchange[key][0] > pk:
            self.on_exchange[key] = (pk, asn, lan_name)

    # -- new rows ------------------------------------------------------------------------------
    def create_connection(
        self, member: Ref, n: int, doc: ConnectionDoc, vlans: list[VlanIfDoc]
    ) -> None:
        asn = member.asn
        conn = Pending()
        self.new.add(m.Connection, {"member_id": member.pending, "state": doc.state}, conn)
        self.report.note_created("connection", f"{member.slug} AS{asn} #{n}")
        for k, port in enumerate(doc.ports, start=1):
            switch = self.switch(port.switch)
            name = f"AS{asn}-{n:02d}-{k:02d}"
            taken = self.port_names[switch.pk]
            suffix = 1
            while name in taken:
                suffix += 1
                name = f"AS{asn}-{n:02d}-{k:02d}-{suffix}"
            taken.add(name)
            self.new.add(
                m.Port,
                {
                    "connection_id": conn,
                    "switch_id": switch.pk,
                    "name": name,
                    "speed_mbps": port.speed,
                },
            )
            self.report.note_created("port", f"{switch.name}:{name}")
        for vif in vlans:
            if vif.families:
                self.create_address(member, conn, vif)

    def create_address(self, member: Ref, conn: Pending, vif: VlanIfDoc) -> None:
        lan = self.lan(vif.vlan)
        ex_id = lan.exchange_id
        values: dict[str, str] = {}
        problems: dict[str, str] = {}
        for family, attr in ((vif.ipv4, "ipv4"), (vif.ipv6, "ipv6")):
            if family is None:
                continue
            asn = self.on_lan.get((lan.pk, attr, family.address))
            if asn is not None:
                raise IxfError(
                    join(family.path, "address"),
                    _("%(addr)s is already assigned to AS%(asn)d on %(lan)s")
                    % {"addr": family.address, "asn": asn, "lan": lan},
                )
            values[attr] = family.address
            # the model's rule (lan_address_problem) for what only the database knows
            server = self.rs_addresses.get((ex_id, attr, family.address))
            other = self.on_exchange.get((ex_id, attr, family.address))
            if server is not None:
                problems[attr] = _("%(addr)s is the address of route server %(rs)s.") % {
                    "addr": family.address,
                    "rs": server,
                }
            elif other is not None:
                problems[attr] = _("%(addr)s is already the address of AS%(asn)d on %(lan)s.") % {
                    "addr": family.address,
                    "asn": other[1],
                    "lan": other[2],
                }
        if problems:
            paths = {
                "ipv4": join(vif.path, "ipv4.address"),
                "ipv6": join(vif.path, "ipv6.address"),
            }
            raise validation_error(ValidationError(problems), paths, vif.path)
        label = " / ".join(values.values())  # as the model prints it
        addr = Pending()
        self.new.add(
            m.PeeringLanAddress,
            {
                "connection_id": conn,
                "lan_id": lan.pk,
                "ipv4": values.get("ipv4"),
                "ipv6": values.get("ipv6"),
            },
            addr,
        )
        self.report.note_created("address", label)
        # the next rows see this one, as the per-row import saw the saved rows
        pseudo_pk = 1 << 62  # later than any stored row: a stored one is reported first
        for attr, value in values.items():
            self._hold(pseudo_pk, lan.pk, ex_id, lan.name, member.asn, attr, value)
        seen: set[str] = set()
        for family in vif.families:
            for where, mac in family.macs:
                if mac in seen:
                    continue
                seen.add(mac)
                owner = self.mac_owners.get((lan.pk, mac))
                if owner is not None:
                    raise IxfError(
                        where,
                        _("MAC %(mac)s is already used on %(lan)s by %(addr)s")
                        % {"mac": mac, "lan": lan, "addr": owner},
                    )
                self.mac_owners[(lan.pk, mac)] = label
                self.new.add(m.MacAddress, {"address_id": addr, "lan_id": lan.pk, "mac": mac})
                self.report.note_created("MAC address", mac)
            if family.routeserver and self.rs_lans(lan):
                afi = 6 if family is vif.ipv6 else 4
                for rs in self.rs_lans(lan):
                    self.new.add(
                        m.RouteServerSession,
                        {"route_server_id": rs.pk, "address_id": addr, "afi": afi},
                    )
                    self.report.note_created("route-server session", f"{rs.name} {family.address}")


def _families(entry: MemberDoc) -> Iterable[FamilyDoc]:
    for conn in entry.connections:
        for vif in conn.vlans:
            if vif.service is None:
                yield from vif.families
