"""The language switch: Django's ``set_language``, without a CSRF token in the page.

Every page carries the language form. With Django's CSRF token in it, no page could be
the same for two visitors, so none could be kept whole in memory (:mod:`lakou.portal.
pagecache`). The switch changes one preference cookie and nothing else, so the token is
not needed; what CSRF protection would still give, refusing a form posted from another
site, is kept by the browser's own ``Origin`` header (sent with every cross-site POST),
checked against this site and ``portal.trusted_origins`` as Django's CSRF check does,
with ``Referer`` when a request lacks ``Origin``. Every other form keeps its token.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils.http import is_same_domain
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language as django_set_language


def _origin_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def same_site(request: HttpRequest) -> bool:
    """Whether the form was posted from this site (or a trusted origin)."""
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        referer = request.META.get("HTTP_REFERER")
        if referer is None:
            return True  # no browser posts a cross-site form without Origin
        origin = _origin_of(referer)
        if origin is None:
            return False
    try:
        own = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return False
    if origin == own:
        return True
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        if origin == trusted:
            return True
        scheme, _sep, host = trusted.partition("://")
        if (
            host.startswith("*.")
            and origin.startswith(scheme + "://")
            and is_same_domain(origin.split("://", 1)[1], host[1:])
        ):
            return True
    return False


@csrf_exempt
def set_language(request: HttpRequest) -> HttpResponse:
    """Set the language cookie and go back to ``next`` (Django's view), same site only
    (a GET changes nothing: Django's view only goes back)."""
    if request.method == "POST" and not same_site(request):
        return HttpResponseForbidden(_("The language can only be changed from this site."))
    return django_set_language(request)
