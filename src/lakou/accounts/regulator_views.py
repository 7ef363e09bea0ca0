"""The regulator's page ``/regulator/``: each exchange's aggregates (regulators and staff).

Anyone else signed in gets a 404, anonymous visitors the sign-in page. What it shows is
:mod:`lakou.accounts.regulator`'s: counts, totals and shares, never a member's own data.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lakou.accounts.regulator import regulator_view
from lakou.accounts.roles import is_regulator, is_staff
from lakou.portal import TRAFFIC_PERIODS, parse_days


@login_required
@require_GET
def regulator(request: HttpRequest) -> HttpResponse:
    if not (is_regulator(request.user) or is_staff(request.user)):
        raise Http404
    view = regulator_view(parse_days(request.GET.get("days")))
    return render(request, "accounts/regulator.html", {"view": view, "periods": TRAFFIC_PERIODS})
