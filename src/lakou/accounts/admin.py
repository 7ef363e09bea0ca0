"""Staff manage memberships, regulators and API keys (a key's digest is never editable)."""

from __future__ import annotations

from django.contrib import admin

from lakou.accounts.models import ApiKey, Membership, Regulator


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "network", "role", "created"]
    list_filter = ["role"]
    search_fields = ["user__username", "network__name", "network__asn"]
    raw_id_fields = ["user", "network"]


@admin.register(Regulator)
class RegulatorAdmin(admin.ModelAdmin):
    list_display = ["user", "created"]
    raw_id_fields = ["user"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ["user", "prefix", "scope", "created", "expires", "revoked", "last_used"]
    list_filter = ["scope"]
    search_fields = ["user__username", "prefix"]
    readonly_fields = ["user", "prefix", "scope", "created", "expires", "last_used"]
    exclude = ["digest"]

    def has_add_permission(self, request: object) -> bool:
        return False  # keys are made with `lakou user apikey`, shown once
