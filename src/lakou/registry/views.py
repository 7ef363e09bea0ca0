"""The registry's public endpoints: the IX-F Member Export at ``/participants.json``.

Anyone gets the public document (no contact e-mails or phones); a logged-in staff user
gets the full one. ``?exchange=SLUG`` narrows it to one exchange, ``?version=0.7`` or
``0.6`` asks for an older schema. Served with ``Access-Control-Allow-Origin: *`` like
other IXPs' exports, so browser tools can read it; ``Vary: Cookie`` because staff see more.

The public document is kept in memory, serialized, under the registry's fingerprint
(:mod:`lakou.registry.fingerprint`: one query tells whether anything changed, in this
process or another) and for at most :data:`PUBLIC_CACHE_SECONDS` (bulk updates move no
fingerprint); one request builds it while the others wait (:class:`lakou.singleflight.
SingleFlight`), so a burst of crawlers costs one export. Staff get a fresh build.
"""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from lakou.ixf import EXPORT_VERSIONS
from lakou.registry import models as m
from lakou.registry.fingerprint import registry_fingerprint
from lakou.registry.ixf.export import export_document
from lakou.singleflight import SingleFlight

PUBLIC_CACHE_SECONDS = 60.0
_public: SingleFlight[bytes] = SingleFlight(PUBLIC_CACHE_SECONDS, max_entries=32)


@require_GET
def participants(request: HttpRequest) -> HttpResponse:
    version = request.GET.get("version", "1.0")
    if version not in EXPORT_VERSIONS:
        return HttpResponseBadRequest(
            _("Unknown IX-F schema version %(version)s (use 1.0, 0.7 or 0.6).")
            % {"version": version}
        )
    slug = request.GET.get("exchange") or ""
    if slug:
        get_object_or_404(m.Exchange, slug=slug)
    staff = bool(request.user.is_authenticated and request.user.is_staff)
    if staff:
        body = _document(slug, version, include_contacts=True)
    else:
        key = (slug, version, registry_fingerprint())
        body = _public.get(key, lambda: _document(slug, version, include_contacts=False))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Vary"] = "Cookie"
    response["Cache-Control"] = "private, no-store" if staff else "public, max-age=300"
    return response


def _document(slug: str, version: str, include_contacts: bool) -> bytes:
    exchanges = m.Exchange.objects.all()
    if slug:
        exchanges = exchanges.filter(slug=slug)
    document = export_document(exchanges, version=version, include_contacts=include_contacts)
    return json.dumps(document, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder).encode()
