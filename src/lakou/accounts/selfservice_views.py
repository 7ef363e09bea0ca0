"""The portal's self-service pages: a member admin changes what is its network's.

``/members/<asn>/self-service/`` (member admins and staff; 404 for anyone else): MACs per
peering-LAN address, AS-SET and max-prefix with the route-server preview, route-server
sessions, contacts. ``/members/<asn>/changes/`` is the network's audit log (its member
admins and users, staff). ``/members/changes/`` is staff's queue: approve or refuse the
changes that wait. Every form posts back; each answer says whether the change applied or
waits, or names what is wrong.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from lakou.accounts import selfservice as ss
from lakou.accounts.changes import APPLIED, PENDING, Change
from lakou.accounts.member_data import network_or_404
from lakou.accounts.preview import route_server_preview
from lakou.accounts.roles import is_staff, may_read_member
from lakou.registry import models as m

LOG_ROWS = 200


def outcome_message(change: Change) -> str:
    if change.status == APPLIED:
        return _("Change applied.")
    if change.status == PENDING:
        return _("Change recorded: it waits for staff approval.")
    return _("Change not applied: %(why)s") % {"why": change.message}


def _writable(request: HttpRequest, asn: int) -> m.Network:
    if not ss.may_write(request.user, asn):
        raise Http404
    return network_or_404(asn)


def _page(request: HttpRequest, network: m.Network, **extra: Any) -> dict[str, Any]:
    exchanges = ss.exchanges_of(network)
    context: dict[str, Any] = {
        "network": network,
        "addresses": ss.addresses_of(network),
        "sessions": ss.sessions_of(network),
        "contacts": list(network.contacts.all()),
        "contact_roles": m.Contact.ROLE_CHOICES,
        "approval": [e for e in exchanges if e.selfservice_approval],
        "quarantine": [e for e in exchanges if e.mac_quarantine],
        "rebuild": [e for e in exchanges if ss.rebuild_waiting(e)],
        "pending": ss.pending_changes(network),
        "routing": {
            "as_set": network.as_set,
            "max_prefix_v4": network.max_prefix_v4 or "",
            "max_prefix_v6": network.max_prefix_v6 or "",
        },
        "error": "",
        "error_field": "",
        "previews": None,
    }
    context.update(extra)
    return context


def _routing_values(request: HttpRequest) -> dict[str, Any]:
    return {name: request.POST.get(name, "") for name in ss.ROUTING_FIELDS}


def _do(request: HttpRequest, network: m.Network, action: str) -> Change:
    actor = ss.Actor.from_request(request)
    post = request.POST
    if action == "mac":
        return ss.add_mac(
            actor, network, post.get("address"), post.get("mac", ""), post.get("replace", "")
        )
    if action == "routing":
        return ss.set_routing(actor, network, _routing_values(request))
    if action == "session":
        return ss.set_session(actor, network, post.get("session"), post.get("enabled") == "1")
    if action == "contact":
        return ss.save_contact(actor, network, post, post.get("contact") or None)
    if action == "remove-contact":
        return ss.remove_contact(actor, network, post.get("contact"))
    raise ss.SelfServiceError(_("Unknown action: %(action)s.") % {"action": action[:40]})


@login_required
def self_service(request: HttpRequest, asn: int) -> HttpResponse:
    network = _writable(request, asn)
    if request.method != "POST":
        return render(request, "accounts/self_service.html", _page(request, network))
    action = request.POST.get("action", "")
    if action == "preview":
        values = _routing_values(request)
        try:
            routing = ss.routing_operation(network, values)
        except ss.SelfServiceError as exc:
            context = _page(request, network, error=str(exc), error_field=exc.field)
            context["routing"] = values
            return render(request, "accounts/self_service.html", context, status=400)
        previews = route_server_preview(network, routing=routing)
        context = _page(request, network, previews=previews, proposed=routing)
        context["routing"] = values
        return render(request, "accounts/self_service.html", context)
    try:
        change = _do(request, network, action)
    except ss.NotAllowed:
        raise Http404 from None
    except ss.SelfServiceError as exc:
        context = _page(request, network, error=str(exc), error_field=exc.field)
        if action == "routing":
            context["routing"] = _routing_values(request)
        return render(request, "accounts/self_service.html", context, status=400)
    messages.success(request, outcome_message(change))
    return HttpResponseRedirect(f"/members/{asn}/self-service/")


@login_required
def change_log(request: HttpRequest, asn: int) -> HttpResponse:
    """The network's audit log: its member admins and users, and staff."""
    if not may_read_member(request.user, asn):
        raise Http404
    network = network_or_404(asn)
    rows = Change.objects.filter(network=network).select_related("exchange", "decided_by")
    context = {"network": network, "changes": list(rows[:LOG_ROWS]), "staff_view": False}
    return render(request, "accounts/change_log.html", context)


@login_required
def staff_changes(request: HttpRequest) -> HttpResponse:
    """Staff: the changes that wait, then every member's recent changes."""
    if not is_staff(request.user):
        raise Http404
    rows = Change.objects.select_related("network", "exchange", "decided_by")
    context = {
        "pending": ss.pending_changes(),
        "changes": list(rows.exclude(status=PENDING)[:LOG_ROWS]),
        "quarantined": list(
            m.MacAddress.objects.filter(quarantine=True).select_related(
                "lan__exchange", "address__connection__member__network"
            )
        ),
        "rebuild": [e for e in m.Exchange.objects.order_by("name") if ss.rebuild_waiting(e)],
        "staff_view": True,
    }
    return render(request, "accounts/staff_changes.html", context)


@login_required
def decide(request: HttpRequest, change_id: int) -> HttpResponse:
    if not is_staff(request.user):
        raise Http404
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    change = get_object_or_404(Change, pk=change_id)
    try:
        if request.POST.get("decision") == "approve":
            ss.approve(change, request.user)
            messages.success(request, outcome_message(change))
        else:
            ss.refuse(change, request.user, request.POST.get("reason", ""))
            messages.success(request, _("Change refused."))
    except ss.SelfServiceError as exc:
        messages.error(request, str(exc))
    return HttpResponseRedirect("/members/changes/")


@login_required
def promote(request: HttpRequest, mac_id: int) -> HttpResponse:
    """Staff move a quarantined MAC to production."""
    if not is_staff(request.user):
        raise Http404
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    mac = get_object_or_404(m.MacAddress, pk=mac_id)
    removed = ss.promote_mac(mac)
    text = _("%(mac)s is in production.") % {"mac": mac.mac}
    if removed:
        text += " " + _("Replaced: %(macs)s.") % {"macs": ", ".join(removed)}
    messages.success(request, text)
    return HttpResponseRedirect("/members/changes/")
