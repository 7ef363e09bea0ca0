"""Staff manage memberships, regulators and API keys (a key's digest is never editable).

The second-factor secrets (TOTP keys, recovery codes) and the API keys' digests are
secret fields like the BGP passwords: no admin list filter may reach them, directly or
through a relation (``/admin/auth/user/?totpdevice__key__startswith=`` is refused), so
the admins of users and of django-otp's devices are re-registered with that rule.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from lakou.accounts.models import ApiKey, Membership, Regulator
from lakou.registry.admin import lookup_touches_secret

for _model, _name in ((TOTPDevice, "key"), (StaticToken, "token"), (ApiKey, "digest")):
    _model._meta.get_field(_name).secret = True  # type: ignore[union-attr]


class NoSecretLookups(admin.ModelAdmin):
    """List filters never reach a secret field (no guessing oracle)."""

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        if lookup_touches_secret(self.model, lookup):
            return False
        return bool(super().lookup_allowed(lookup, value, request))


def _guard(model: Any) -> None:
    """Re-register ``model``'s admin with NoSecretLookups in front of its own class."""
    if not admin.site.is_registered(model):
        return
    current = type(admin.site._registry[model])
    guarded = type(f"Guarded{current.__name__}", (NoSecretLookups, current), {})
    admin.site.unregister(model)
    admin.site.register(model, guarded)


for _model in (get_user_model(), TOTPDevice, StaticDevice):
    _guard(_model)


@admin.register(Membership)
class MembershipAdmin(NoSecretLookups):
    list_display = ["user", "network", "role", "created"]
    list_filter = ["role"]
    search_fields = ["user__username", "network__name", "network__asn"]
    raw_id_fields = ["user", "network"]


@admin.register(Regulator)
class RegulatorAdmin(NoSecretLookups):
    list_display = ["user", "created"]
    raw_id_fields = ["user"]


@admin.register(ApiKey)
class ApiKeyAdmin(NoSecretLookups):
    list_display = ["user", "prefix", "scope", "created", "expires", "revoked", "last_used"]
    list_filter = ["scope"]
    search_fields = ["user__username", "prefix"]
    readonly_fields = ["user", "prefix", "scope", "created", "expires", "last_used"]
    exclude = ["digest"]

    def has_add_permission(self, request: object) -> bool:
        return False  # keys are made with `lakou user apikey`, shown once


# The self-service audit log, with approve and refuse actions.
from lakou.accounts import selfservice_admin as _selfservice_admin  # noqa: E402,F401
