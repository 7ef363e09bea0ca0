"""A signed-in user's own API keys: make one (shown once), list them, revoke one.

``/account/keys/`` (behind the second factor for staff and member admins, like every
private page): scope read or write, expiry in days (1 to 365); the new key is shown on
the answer page only, as ``lakou user apikey`` prints it only once. Nobody sees another
user's keys here (staff see them, without digests, in the admin).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from lakou.accounts import keys
from lakou.accounts.models import ApiKey


def _context(request: HttpRequest, **extra: object) -> dict[str, object]:
    user: Any = request.user  # signed in (login_required)
    rows = ApiKey.objects.filter(user=user).order_by("-created")
    context: dict[str, object] = {
        "keys": list(rows),
        "now": timezone.now(),
        "max_days": keys.MAX_DAYS,
        "default_days": keys.DEFAULT_DAYS,
        "new_key": "",
        "error": "",
    }
    context.update(extra)
    return context


@login_required
def api_keys(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "accounts/api_keys.html", _context(request))
    try:
        days = int(request.POST.get("days", keys.DEFAULT_DAYS))
    except ValueError:
        days = 0
    try:
        _row, key = keys.create_key(
            request.user, scope=request.POST.get("scope", "read"), days=days
        )
    except keys.ApiKeyError as exc:
        return render(
            request, "accounts/api_keys.html", _context(request, error=str(exc)), status=400
        )
    response = render(request, "accounts/api_keys.html", _context(request, new_key=key))
    response["Cache-Control"] = "no-store"  # the key is on this page only
    return response


@login_required
def revoke_key(request: HttpRequest, prefix: str) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    keys.revoke(request.user, prefix)
    return HttpResponseRedirect("/account/keys/")
