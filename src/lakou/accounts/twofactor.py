"""Two-factor authentication (django-otp): enrolment, verification, and the gate.

``RequireTwoFactor`` (after django-otp's ``OTPMiddleware``) sends a signed-in staff
member or member admin who has not passed a second factor in this session to
``/account/two-factor/`` whenever they open a private page (the admin, operations, a
member's page), and treats them as anonymous everywhere else until they do.
Enrolment makes a TOTP device (secret shown once, as text, QR code and ``otpauth://``
address for authenticator apps) and, once a first code is right, ten
single-use recovery codes (a django-otp static device).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lakou.accounts.roles import must_use_two_factor

PRIVATE_PREFIXES = ("/admin/", "/operations/", "/members/", "/account/keys/")
OPEN_PATHS = ("/admin/login/", "/admin/logout/")
TWO_FACTOR_URL = "/account/two-factor/"
HALF_SIGNED_IN_PATHS = (TWO_FACTOR_URL, "/account/logout/", *OPEN_PATHS)
RECOVERY_CODES = 10


def is_verified(request: HttpRequest) -> bool:
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


class RequireTwoFactor:
    """Refuse private pages to staff and member admins until they pass a second factor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if must_use_two_factor(request.user) and not is_verified(request):
            if path.startswith(PRIVATE_PREFIXES) and path not in OPEN_PATHS:
                target = quote(request.get_full_path())
                return HttpResponseRedirect(f"{TWO_FACTOR_URL}?next={target}")
            if path not in HALF_SIGNED_IN_PATHS:
                # Elsewhere (public pages that show staff more, the IX-F export with
                # contacts) a password alone is worth nothing: the visitor is anonymous.
                request.user = AnonymousUser()
        return self.get_response(request)


def confirmed_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp(user: Any) -> TOTPDevice:
    """The user's unconfirmed TOTP device (made on first visit), to confirm with a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="totp", confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The TOTP secret as authenticator apps take it by hand (base32)."""
    return base64.b32encode(device.bin_key).decode("ascii").rstrip("=")


def new_recovery_codes(user: Any) -> list[str]:
    """Replace the user's recovery codes with ten fresh single-use ones."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


def confirm_enrolment(request: HttpRequest, token: str) -> list[str] | None:
    """Confirm the pending TOTP device with a code: the recovery codes, or None if wrong."""
    device = pending_totp(request.user)
    if not device.verify_token(token.strip()):
        return None
    device.confirmed = True
    device.save()
    otp_login(request, device)
    return new_recovery_codes(request.user)


def verify(request: HttpRequest, token: str) -> bool:
    """Check a TOTP or recovery code against the user's devices; mark the session."""
    token = token.strip().replace(" ", "")
    devices: list[Any] = [
        *TOTPDevice.objects.filter(user=request.user, confirmed=True),
        *StaticDevice.objects.filter(user=request.user, confirmed=True),
    ]
    for device in devices:
        if device.verify_token(token):
            otp_login(request, device)
            return True
    return False
