"""For tests: sign a test client in as a user who has passed the second factor.

Staff and member admins must pass two-factor authentication (``lakou.accounts.twofactor``);
tests that are about something else sign in with this instead of ``force_login``.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def verified_login(client: Client, user: Any) -> Client:
    """``client.force_login(user)`` plus a confirmed TOTP device marked in the session."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="totp", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
