"""Members change what is theirs: MACs, AS-SET and max-prefix, route-server sessions, contacts.

Each operation checks who acts (staff, or a member admin of the network: member users,
regulators and other members never write), validates with the registry's own rules (the
MAC rule ``normalise_mac`` and its uniqueness on the peering LAN, the AS-SET validator,
the contact fields), and records a :class:`~lakou.accounts.changes.Change`. The change
then applies at once, or waits for staff when an exchange it touches asks for approval
(``Exchange.selfservice_approval``; staff's own changes never wait). Approval replays the
same operation, so it is validated again against the registry as it is then.

A MAC added on an exchange with ``mac_quarantine`` starts in quarantine (in the registry,
marked so); :func:`promote_mac` moves it to production (staff, or the peering-LAN
quarantine check through :func:`promote_ready`), and only then does a MAC it replaces go.
An applied change the route servers depend on (AS-SET, max-prefix, sessions) marks its
exchanges' ``routeserver_changed``: the next ``rs-changes`` run (a timer, every 10
minutes) rebuilds and deploys them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lakou.accounts.changes import (
    APPLIED,
    FAILED,
    KIND_CONTACT,
    KIND_MAC,
    KIND_ROUTING,
    KIND_SESSION,
    PENDING,
    REFUSED,
    VIA_API,
    VIA_PORTAL,
    Change,
)
from lakou.accounts.roles import admin_asns, is_staff
from lakou.registry import models as m

MAX_PREFIX_LIMIT = 10_000_000  # a route server limit above this is a typing error
CONTACT_ROLES = tuple(code for code, _label in m.Contact.ROLE_CHOICES)
ROUTING_FIELDS = ("as_set", "max_prefix_v4", "max_prefix_v6")


class SelfServiceError(ValueError):
    """The change is refused; the message says why in one line (``field``: which input)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class NotAllowed(SelfServiceError):
    """The actor may not change this network (its callers answer 404 or 403)."""


@dataclass(frozen=True)
class Actor:
    """Who makes a change, and through which door (the portal, or an API key)."""

    user: Any
    via: str = VIA_PORTAL
    api_key: Any = None

    @classmethod
    def from_request(cls, request: Any) -> Actor:
        key = getattr(request, "api_key", None)
        return cls(request.user, VIA_API if key is not None else VIA_PORTAL, key)


def may_write(user: Any, asn: int) -> bool:
    """Staff, or a member admin of that network; never a member user or a regulator."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_staff(user) or asn in admin_asns(user)


# --- what a network owns ------------------------------------------------------------


def addresses_of(network: m.Network) -> list[m.PeeringLanAddress]:
    return list(
        m.PeeringLanAddress.objects.filter(connection__member__network=network)
        .select_related("lan__exchange", "connection__member__exchange")
        .prefetch_related("macs")
        .order_by("lan__exchange__name", "lan__name", "pk")
    )


def sessions_of(network: m.Network) -> list[m.RouteServerSession]:
    return list(
        m.RouteServerSession.objects.filter(address__connection__member__network=network)
        .select_related("route_server__exchange", "address")
        .order_by("route_server__exchange__name", "route_server__name", "afi", "pk")
    )


def exchanges_of(network: m.Network) -> list[m.Exchange]:
    return list(m.Exchange.objects.filter(members__network=network).distinct().order_by("name"))


def _address(network: m.Network, address_id: Any) -> m.PeeringLanAddress:
    row = (
        m.PeeringLanAddress.objects.filter(pk=_int(address_id), connection__member__network=network)
        .select_related("lan__exchange")
        .first()
    )
    if row is None:
        raise SelfServiceError(_("This network has no such peering-LAN address."), "address")
    return row


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def address_label(address: m.PeeringLanAddress) -> str:
    ips = " / ".join(str(a) for a in (address.ipv4, address.ipv6) if a)
    return f"{address.lan.exchange.name} {address.lan.name} {ips}".strip()


def session_label(session: m.RouteServerSession) -> str:
    ip = getattr(session.address, f"ipv{session.afi}")
    return f"{session.route_server.exchange.name} {session.route_server.name} IPv{session.afi} {ip}"


# --- the operations, each replayable on approval ---------------------------------------


def _apply_mac(network: m.Network, op: dict[str, Any]) -> None:
    address = _address(network, op["address"])
    exchange = address.lan.exchange
    try:
        mac = m.normalise_mac(op["mac"])
    except ValidationError as exc:
        raise SelfServiceError(" ".join(exc.messages), "mac") from None
    replaced = None
    if op.get("replace"):
        try:
            old = m.normalise_mac(op["replace"])
        except ValidationError as exc:
            raise SelfServiceError(" ".join(exc.messages), "replace") from None
        replaced = address.macs.filter(mac=old).first()
        if replaced is None:
            raise SelfServiceError(
                _("%(mac)s is not a MAC address of this peering-LAN address.") % {"mac": old},
                "replace",
            )
    clash = m.MacAddress.objects.filter(lan_id=address.lan_id, mac=mac)
    if replaced is not None:
        clash = clash.exclude(pk=replaced.pk)
    if clash.exists():
        raise SelfServiceError(
            _("%(mac)s is already in use on the peering LAN %(lan)s.")
            % {"mac": mac, "lan": address.lan.name},
            "mac",
        )
    quarantine = exchange.mac_quarantine
    if replaced is not None and not quarantine:
        replaced.delete()
    # in quarantine the replaced MAC stays in production until the new one joins it
    row = m.MacAddress(address=address, mac=mac, quarantine=quarantine)
    try:
        row.full_clean()
    except ValidationError as exc:
        raise SelfServiceError(" ".join(exc.messages), "mac") from None
    row.save()


def _apply_routing(network: m.Network, op: dict[str, Any]) -> None:
    for name in ROUTING_FIELDS:
        if name in op:
            setattr(network, name, op[name])
    try:
        network.full_clean()
    except ValidationError as exc:
        field = next(iter(exc.message_dict), "") if hasattr(exc, "error_dict") else ""
        raise SelfServiceError(" ".join(exc.messages), field) from None
    network.save(update_fields=[n for n in ROUTING_FIELDS if n in op] + ["updated"])


def _session(network: m.Network, session_id: Any) -> m.RouteServerSession:
    row = (
        m.RouteServerSession.objects.filter(
            pk=_int(session_id), address__connection__member__network=network
        )
        .select_related("route_server__exchange", "address")
        .first()
    )
    if row is None:
        raise SelfServiceError(_("This network has no such route-server session."), "session")
    return row


def _apply_session(network: m.Network, op: dict[str, Any]) -> None:
    session = _session(network, op["session"])
    session.enabled = bool(op["enabled"])
    session.save(update_fields=["enabled", "updated"])


def _contact(network: m.Network, contact_id: Any) -> m.Contact:
    row = m.Contact.objects.filter(pk=_int(contact_id), network=network).first()
    if row is None:
        raise SelfServiceError(_("This network has no such contact."), "contact")
    return row


def _apply_contact(network: m.Network, op: dict[str, Any]) -> None:
    fields = op.get("fields")
    if fields is None:
        _contact(network, op["contact"]).delete()
        return
    row = _contact(network, op["contact"]) if op.get("contact") else m.Contact(network=network)
    for name, value in fields.items():
        setattr(row, name, value)
    try:
        row.full_clean()
    except ValidationError as exc:
        field = next(iter(exc.message_dict), "") if hasattr(exc, "error_dict") else ""
        raise SelfServiceError(" ".join(exc.messages), field) from None
    row.save()


APPLY: dict[str, Callable[[m.Network, dict[str, Any]], None]] = {
    KIND_MAC: _apply_mac,
    KIND_ROUTING: _apply_routing,
    KIND_SESSION: _apply_session,
    KIND_CONTACT: _apply_contact,
}
ROUTE_SERVER_KINDS = (KIND_ROUTING, KIND_SESSION)


class _DryRun(Exception):
    pass


def _check(network: m.Network, kind: str, op: dict[str, Any]) -> None:
    """Validate by applying and rolling back: the very checks the change will meet."""
    try:
        with transaction.atomic():
            APPLY[kind](m.Network.objects.get(pk=network.pk), op)
            raise _DryRun
    except _DryRun:
        pass


def mark_route_servers_changed(exchanges: Iterable[m.Exchange]) -> None:
    """The route servers of these exchanges have new inputs: the next rs-changes run
    rebuilds and deploys them (``lakou.operations``)."""
    m.Exchange.objects.filter(pk__in=[e.pk for e in exchanges]).update(
        routeserver_changed=timezone.now()
    )


def _submit(
    actor: Actor,
    network: m.Network,
    kind: str,
    exchanges: list[m.Exchange],
    target: str,
    before: dict[str, Any],
    after: dict[str, Any],
    op: dict[str, Any],
) -> Change:
    if not may_write(actor.user, network.asn):
        raise NotAllowed(_("You may not change this network."))
    waits = not is_staff(actor.user) and any(e.selfservice_approval for e in exchanges)
    change = Change(
        user=actor.user,
        username=actor.user.get_username(),
        network=network,
        exchange=exchanges[0] if len(exchanges) == 1 else None,
        kind=kind,
        target=target[:255],
        before=before,
        after=after,
        operation=op,
        via=actor.via,
        api_prefix=getattr(actor.api_key, "prefix", "") or "",
    )
    with transaction.atomic():
        if waits:
            _check(network, kind, op)
            change.status = PENDING
        else:
            APPLY[kind](network, op)
            change.status = APPLIED
            if kind in ROUTE_SERVER_KINDS:
                mark_route_servers_changed(exchanges)
        change.save()
    return change


def _exchanges_of_change(change: Change) -> list[m.Exchange]:
    if change.exchange is not None:
        return [change.exchange]
    return exchanges_of(change.network)


# --- what members call ------------------------------------------------------------------


def add_mac(
    actor: Actor, network: m.Network, address_id: Any, mac: str, replace: str = ""
) -> Change:
    """Add ``mac`` on one of the network's peering-LAN addresses, or put it in place of
    ``replace`` (a MAC of that address)."""
    address = _address(network, address_id)
    try:
        new = m.normalise_mac(mac)
    except ValidationError as exc:
        raise SelfServiceError(" ".join(exc.messages), "mac") from None
    old = ""
    if (replace or "").strip():
        try:
            old = m.normalise_mac(replace)
        except ValidationError as exc:
            raise SelfServiceError(" ".join(exc.messages), "replace") from None
    op = {"address": address.pk, "mac": new, "replace": old}
    before = {"macs": sorted(x.mac for x in address.macs.all())}
    after_macs = set(before["macs"]) | {new}
    if old and not address.lan.exchange.mac_quarantine:
        after_macs.discard(old)
    after: dict[str, Any] = {"macs": sorted(after_macs)}
    if address.lan.exchange.mac_quarantine:
        after["quarantine"] = [new]
    return _submit(
        actor, network, KIND_MAC, [address.lan.exchange], address_label(address), before, after, op
    )


def _limit(value: Any, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 1 <= number <= MAX_PREFIX_LIMIT:
        raise SelfServiceError(
            _("A max-prefix is a whole number from 1 to %(max)d, or empty.")
            % {"max": MAX_PREFIX_LIMIT},
            field,
        )
    return number


def routing_operation(network: m.Network, values: dict[str, Any]) -> dict[str, Any]:
    """The routing fields that change (``as_set``, ``max_prefix_v4``, ``max_prefix_v6``),
    normalised; an unknown key is refused by name."""
    unknown = sorted(set(values) - set(ROUTING_FIELDS))
    if unknown:
        raise SelfServiceError(
            _("Unknown field: %(names)s.") % {"names": ", ".join(unknown)}, unknown[0]
        )
    op: dict[str, Any] = {}
    if "as_set" in values:
        as_set = " ".join(str(values["as_set"] or "").split())
        if as_set != network.as_set:
            op["as_set"] = as_set
    for name in ("max_prefix_v4", "max_prefix_v6"):
        if name in values:
            limit = _limit(values[name], name)
            if limit != getattr(network, name):
                op[name] = limit
    return op


def set_routing(actor: Actor, network: m.Network, values: dict[str, Any]) -> Change:
    """Change the network's AS-SET and max-prefix limits (IPv4 and IPv6 apart)."""
    op = routing_operation(network, values)
    if not op:
        raise SelfServiceError(_("Nothing to change: these are the values on record."))
    before = {name: getattr(network, name) for name in op}
    target = f"AS{network.asn}"
    return _submit(
        actor, network, KIND_ROUTING, exchanges_of(network), target, before, dict(op), op
    )


def set_session(actor: Actor, network: m.Network, session_id: Any, enabled: bool) -> Change:
    """Enable or disable one of the network's route-server sessions."""
    session = _session(network, session_id)
    if session.enabled == bool(enabled):
        raise SelfServiceError(_("Nothing to change: the session is already so."), "enabled")
    op = {"session": session.pk, "enabled": bool(enabled)}
    return _submit(
        actor,
        network,
        KIND_SESSION,
        [session.route_server.exchange],
        session_label(session),
        {"enabled": session.enabled},
        {"enabled": bool(enabled)},
        op,
    )


def contact_fields(values: dict[str, Any]) -> dict[str, str]:
    role = str(values.get("role") or "").strip()
    if role not in CONTACT_ROLES:
        raise SelfServiceError(
            _("A contact's role is one of %(roles)s.") % {"roles": ", ".join(CONTACT_ROLES)},
            "role",
        )
    fields = {
        "role": role,
        "name": str(values.get("name") or "").strip(),
        "email": str(values.get("email") or "").strip(),
        "phone": str(values.get("phone") or "").strip(),
    }
    if not fields["email"] and not fields["phone"]:
        raise SelfServiceError(_("Give a contact an e-mail address or a phone number."), "email")
    if fields["email"]:
        try:
            validate_email(fields["email"])
        except ValidationError:
            raise SelfServiceError(
                _("%(value)s is not an e-mail address.") % {"value": fields["email"]}, "email"
            ) from None
    return fields


def _contact_facts(row: m.Contact) -> dict[str, str]:
    return {"role": row.role, "name": row.name, "email": row.email, "phone": row.phone}


def save_contact(
    actor: Actor, network: m.Network, values: dict[str, Any], contact_id: Any = None
) -> Change:
    """Add a contact (NOC, technical, peering policy, abuse, billing), or change one."""
    fields = contact_fields(values)
    before: dict[str, Any] = {}
    if contact_id:
        before = _contact_facts(_contact(network, contact_id))
    op = {"contact": _int(contact_id) or None, "fields": fields}
    label = f"{fields['role']} {fields['email'] or fields['phone']}"
    return _submit(
        actor, network, KIND_CONTACT, exchanges_of(network), label, before, dict(fields), op
    )


def remove_contact(actor: Actor, network: m.Network, contact_id: Any) -> Change:
    row = _contact(network, contact_id)
    op = {"contact": row.pk, "fields": None}
    label = f"{row.role} {row.email or row.phone}"
    return _submit(
        actor, network, KIND_CONTACT, exchanges_of(network), label, _contact_facts(row), {}, op
    )


# --- staff decide ---------------------------------------------------------------------------


def pending_changes(network: m.Network | None = None) -> list[Change]:
    rows = Change.objects.filter(status=PENDING).select_related("network", "exchange", "user")
    if network is not None:
        rows = rows.filter(network=network)
    return list(rows.order_by("created", "id"))


def approve(change: Change, staff_user: Any) -> Change:
    """Apply a waiting change (validated again now); FAILED with the reason if the
    registry no longer allows it."""
    if not is_staff(staff_user):
        raise NotAllowed(_("Only staff approve changes."))
    if change.status != PENDING:
        raise SelfServiceError(_("This change is not waiting for approval."))
    change.decided_by, change.decided_at = staff_user, timezone.now()
    try:
        with transaction.atomic():
            APPLY[change.kind](change.network, change.operation)
            if change.kind in ROUTE_SERVER_KINDS:
                mark_route_servers_changed(_exchanges_of_change(change))
    except SelfServiceError as exc:
        change.status, change.message = FAILED, str(exc)
    else:
        change.status = APPLIED
    change.save()
    return change


def refuse(change: Change, staff_user: Any, reason: str = "") -> Change:
    if not is_staff(staff_user):
        raise NotAllowed(_("Only staff refuse changes."))
    if change.status != PENDING:
        raise SelfServiceError(_("This change is not waiting for approval."))
    change.status, change.message = REFUSED, reason.strip()
    change.decided_by, change.decided_at = staff_user, timezone.now()
    change.save()
    return change


# --- quarantine to production -----------------------------------------------------------


@transaction.atomic
def promote_mac(mac: m.MacAddress) -> list[str]:
    """Move a quarantined MAC to production; the MAC it replaces (if a self-service
    change asked so) leaves the address now. The MACs removed."""
    if not mac.quarantine:
        return []
    mac.quarantine = False
    mac.save(update_fields=["quarantine", "updated"])
    removed = []
    asked = Change.objects.filter(
        kind=KIND_MAC, status=APPLIED, operation__address=mac.address_id, operation__mac=mac.mac
    ).order_by("-created", "-id")
    for change in asked[:1]:
        old = str(change.operation.get("replace") or "")
        if old:
            try:
                old = m.normalise_mac(old)
            except ValidationError:
                continue
            gone = m.MacAddress.objects.filter(address_id=mac.address_id, mac=old)
            if gone.exists():
                gone.delete()
                removed.append(old)
    return removed


def promote_ready(statuses: Iterable[Any]) -> list[str]:
    """From the peering-LAN quarantine report on the registry's watchlist
    (``lakou.lan.quarantine_report``): move the quarantined MACs of every port ``ready``
    for production. The MACs moved."""
    moved = []
    for status in statuses:
        if getattr(status, "status", "") != "ready":
            continue
        for text in str(status.port).split(","):
            for row in m.MacAddress.objects.filter(mac=text.strip(), quarantine=True):
                promote_mac(row)
                moved.append(row.mac)
    return moved


def rebuild_waiting(exchange: m.Exchange) -> bool:
    """Whether an applied change is newer than the last successful rebuild (rs-refresh
    or rs-changes)."""
    if exchange.routeserver_changed is None:
        return False
    from lakou.operations.models import JobRun

    last = (
        JobRun.objects.filter(job__in=("rs-refresh", "rs-changes"), outcome="succeeded")
        .order_by("-started_at")
        .first()
    )
    return last is None or last.started_at < exchange.routeserver_changed
