"""Sign-in, sign-out, two-factor enrolment and verification, and a member's own page."""

from __future__ import annotations

import segno
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lakou.accounts import invites, mail, twofactor
from lakou.accounts.manage import AccountError
from lakou.accounts.member_data import member_facts, network_or_404
from lakou.accounts.roles import (
    admin_asns,
    is_regulator,
    is_staff,
    may_read_member,
    member_asns,
)


class SignIn(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        asns = sorted(member_asns(self.request.user))
        if not asns and is_regulator(self.request.user):
            return "/regulator/"
        return f"/members/{asns[0]}/" if asns else "/"


class SetPassword(auth_views.PasswordResetConfirmView):
    """The one-time address `lakou user add` prints: choose a password."""

    template_name = "accounts/set_password.html"
    success_url = "/account/password-set/"


def password_set(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/password_set.html")


class SignOut(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return "/"
    return target


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device (first time) or check a code (every sign-in)."""
    target = _next(request)
    enrolled = twofactor.confirmed_totp(request.user) is not None
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "")
        if enrolled:
            if twofactor.verify(request, token):
                return HttpResponseRedirect(target)
        else:
            codes = twofactor.confirm_enrolment(request, token)
            if codes is not None:
                return render(
                    request, "accounts/recovery_codes.html", {"codes": codes, "next": target}
                )
        error = _("That code is not right; try the current one.")
    context: dict[str, object] = {"enrolled": enrolled, "error": error, "next": target}
    if not enrolled:
        device = twofactor.pending_totp(request.user)
        context["secret"] = twofactor.secret_text(device)
        context["otpauth"] = device.config_url
        context["qr"] = segno.make(device.config_url).svg_data_uri(scale=4)
    return render(request, "accounts/two_factor.html", context)


@login_required
def member_page(request: HttpRequest, asn: int) -> HttpResponse:
    """A member's own page: for its users and staff; anyone else gets a 404."""
    if not may_read_member(request.user, asn):
        raise Http404
    facts = member_facts(asn)
    can_manage = is_staff(request.user) or asn in admin_asns(request.user)
    return render(request, "accounts/member.html", {"facts": facts, "can_manage": can_manage})


def _manageable(request: HttpRequest, asn: int) -> None:
    if not (is_staff(request.user) or asn in admin_asns(request.user)):
        raise Http404


@login_required
def member_users(request: HttpRequest, asn: int) -> HttpResponse:
    """The network's users: its member admins invite and remove them (and staff)."""
    _manageable(request, asn)
    network = network_or_404(asn)
    error = link = ""
    mailed = ""
    if request.method == "POST":
        try:
            _user, path = invites.invite(
                network,
                request.POST.get("username", ""),
                request.POST.get("email", ""),
                request.POST.get("role", ""),
            )
        except AccountError as err:
            error = str(err)
        else:
            link = request.build_absolute_uri(path) if path else ""
            mailed, error = mail.send_invitation(_user, network, link, request.user)
            link = "" if mailed else link  # mailed: the admin need not see it
    context = {"network": network, "users": invites.users_of(network), "error": error}
    context["link"] = link
    context["mailed"] = mailed
    return render(request, "accounts/member_users.html", context)


@login_required
def remove_member_user(request: HttpRequest, asn: int, user_id: int) -> HttpResponse:
    _manageable(request, asn)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    network = network_or_404(asn)
    try:
        invites.remove(network, user_id)
    except AccountError as err:
        context = {"network": network, "users": invites.users_of(network), "error": str(err)}
        return render(request, "accounts/member_users.html", context, status=400)
    return HttpResponseRedirect(f"/members/{asn}/users/")
