"""Staff read the peering requests and marks (the history members see, for every member)."""

from __future__ import annotations

from django.contrib import admin

from lakou.peering.models import NotInterested, PeeringProfile, PeeringRequest


@admin.register(PeeringRequest)
class PeeringRequestAdmin(admin.ModelAdmin):
    list_display = ("created", "network", "peer", "exchange", "sent_by", "language")
    list_filter = ("language",)
    readonly_fields = ("created",)


@admin.register(NotInterested)
class NotInterestedAdmin(admin.ModelAdmin):
    list_display = ("network", "peer", "marked_by", "created")


@admin.register(PeeringProfile)
class PeeringProfileAdmin(admin.ModelAdmin):
    list_display = ("network", "language")
