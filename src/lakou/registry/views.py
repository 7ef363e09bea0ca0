"""The registry's public endpoints: the IX-F Member Export at ``/participants.json``.

Anyone gets the public document (no contact e-mails or phones); a logged-in staff user
gets the full one. ``?exchange=SLUG`` narrows it to one exchange, ``?version=0.7`` or
``0.6`` asks for an older schema. Served with ``Access-Control-Allow-Origin: *`` like
other IXPs' exports, so browser tools can read it; ``Vary: Cookie`` because staff see more.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lakou.registry import models as m
from lakou.registry.ixf.common import EXPORT_VERSIONS
from lakou.registry.ixf.export import export_document


@require_GET
def participants(request: HttpRequest) -> HttpResponse:
    version = request.GET.get("version", "1.0")
    if version not in EXPORT_VERSIONS:
        return HttpResponseBadRequest(
            _("Unknown IX-F schema version %(version)s (use 1.0, 0.7 or 0.6).")
            % {"version": version}
        )
    exchanges = m.Exchange.objects.all()
    slug = request.GET.get("exchange")
    if slug:
        exchanges = m.Exchange.objects.filter(pk=get_object_or_404(m.Exchange, slug=slug).pk)
    staff = bool(request.user.is_authenticated and request.user.is_staff)
    document = export_document(exchanges, version=version, include_contacts=staff)
    response = JsonResponse(document, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Type"] = "application/json; charset=utf-8"
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Cookie"
    response["Cache-Control"] = "private, no-store" if staff else "public, max-age=300"
    return response
