"""The peering page of a member: ``/members/<asn>/peering/`` and its buttons.

Read by the member's users and staff (anyone else: 404, like the member page). The member
admins (and staff) send a request, mark a peer "not interested" (or lift the mark) and
choose the language they receive requests in; the member's users read only (403 on POST).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lakou.accounts import admin_asns, is_staff, may_read_member, network_or_404
from lakou.peering import announce
from lakou.peering.data import peering_view
from lakou.peering.models import LANGUAGES, PeeringProfile
from lakou.peering.request import RequestError, send_request
from lakou.registry import models as m


def _may_write(request: HttpRequest, asn: int) -> bool:
    return is_staff(request.user) or asn in admin_asns(request.user)


def _page(
    request: HttpRequest, asn: int, message: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    view = peering_view(asn)
    profile = PeeringProfile.objects.filter(network=view.network).first()
    context = {
        "network": view.network,
        "view": view,
        "can_write": _may_write(request, asn),
        "languages": LANGUAGES,
        "language": profile.language if profile else "",
        "message": message,
        "error": error,
    }
    return render(request, "peering/peering.html", context, status=status)


@login_required
def peering(request: HttpRequest, asn: int) -> HttpResponse:
    if not may_read_member(request.user, asn):
        raise Http404
    network_or_404(asn)
    return _page(request, asn)


def _pair(request: HttpRequest, asn: int, peer: int) -> tuple[m.Network, m.Network]:
    if not may_read_member(request.user, asn):
        raise Http404
    network = network_or_404(asn)
    if not _may_write(request, asn):
        raise PermissionError
    other = m.Network.objects.filter(asn=peer).first()
    shares = m.Member.objects.filter(network=other, exchange__members__network=network).exists()
    if other is None or other == network or not shares:
        raise Http404
    return network, other


@login_required
@require_POST
def request_peering(request: HttpRequest, asn: int, peer: int) -> HttpResponse:
    try:
        network, other = _pair(request, asn, peer)
    except PermissionError:
        return HttpResponse(status=403)
    try:
        sent = send_request(network, other, request.user)
    except RequestError as exc:
        return _page(request, asn, error=str(exc), status=400)
    return _page(
        request,
        asn,
        message=_("Peering request sent to AS%(asn)s (%(to)s).")
        % {"asn": other.asn, "to": sent.recipients},
    )


@login_required
@require_POST
def not_interested(request: HttpRequest, asn: int, peer: int) -> HttpResponse:
    try:
        network, other = _pair(request, asn, peer)
    except PermissionError:
        return HttpResponse(status=403)
    if request.POST.get("undo"):
        announce.unmark(network, other)
    else:
        announce.mark(network, other, request.user)
    return HttpResponseRedirect(f"/members/{asn}/peering/#as{other.asn}")


@login_required
@require_POST
def language(request: HttpRequest, asn: int) -> HttpResponse:
    if not may_read_member(request.user, asn):
        raise Http404
    network = network_or_404(asn)
    if not _may_write(request, asn):
        return HttpResponse(status=403)
    chosen = request.POST.get("language", "")
    if chosen not in dict(LANGUAGES):
        return _page(request, asn, error=_("Choose French, English or Spanish."), status=400)
    PeeringProfile.objects.update_or_create(network=network, defaults={"language": chosen})
    return HttpResponseRedirect(f"/members/{asn}/peering/")
