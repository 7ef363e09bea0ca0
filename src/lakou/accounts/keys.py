"""API keys: made from 32 random bytes, shown once, kept as a SHA-256 digest.

A key reads ``lakou_<prefix>_<secret>``; the prefix (kept in clear) names the key in
lists and revocations, the whole key's digest is what authenticates. Keys carry a scope
(read, or write which includes read) and expire after at most 365 days.
:func:`list_keys` is a user's keys as ``lakou user keys`` lists them (prefixes only).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from lakou.accounts.models import ApiKey

MAX_DAYS = 365
DEFAULT_DAYS = 90
SCOPES = ("read", "write")


class ApiKeyError(ValueError):
    """A key cannot be made or revoked; the message says why."""


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(user: Any, *, scope: str = "read", days: int = DEFAULT_DAYS) -> tuple[ApiKey, str]:
    """A new key for the user: the stored row and the key itself (never stored)."""
    from django.utils.translation import gettext as _

    if scope not in SCOPES:
        raise ApiKeyError(_("scope %(scope)s is not read or write") % {"scope": scope})
    if not 1 <= days <= MAX_DAYS:
        raise ApiKeyError(_("an API key expires after 1 to %(max)d days") % {"max": MAX_DAYS})
    prefix = secrets.token_hex(4)
    key = f"lakou_{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey.objects.create(
        user=user,
        prefix=prefix,
        digest=digest(key),
        scope=scope,
        expires=timezone.now() + timedelta(days=days),
    )
    return row, key


def authenticate(key: str) -> ApiKey | None:
    """The live key matching ``key`` (not revoked, not expired, active user), or None."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "lakou":
        return None
    wanted = digest(key)
    now = timezone.now()
    for row in ApiKey.objects.filter(prefix=parts[1]).select_related("user"):
        if not hmac.compare_digest(row.digest, wanted):
            continue
        if row.revoked is not None or row.expires <= now or not row.user.is_active:
            return None
        ApiKey.objects.filter(pk=row.pk).update(last_used=now)
        return row
    return None


def revoke(user: Any, prefix: str) -> int:
    """Revoke the user's live keys with this prefix; how many were revoked."""
    prefix = prefix.removeprefix("lakou_").split("_")[0]
    return ApiKey.objects.filter(user=user, prefix=prefix, revoked__isnull=True).update(
        revoked=timezone.now()
    )


@dataclass(frozen=True)
class ApiKeyState:
    """One key of :func:`list_keys`: never the key, only its prefix."""

    prefix: str
    scope: str
    expires: datetime
    state: str  # "revoked", "expired" or "live" (words translated when shown)


def list_keys(username: str) -> list[ApiKeyState]:
    """The keys of ``username`` (or :class:`~lakou.accounts.manage.AccountError`)."""
    from lakou.accounts.manage import find_user

    user = find_user(username)
    now = timezone.now()
    return [
        ApiKeyState(
            row.prefix,
            row.scope,
            row.expires,
            "revoked" if row.revoked else "expired" if row.expires <= now else "live",
        )
        for row in ApiKey.objects.filter(user=user)
    ]
