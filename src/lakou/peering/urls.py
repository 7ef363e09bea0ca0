"""URLs of the peering manager (under a member's pages)."""

from __future__ import annotations

from django.urls import path

from lakou.peering import views

app_name = "peering"

urlpatterns = [
    path("members/<int:asn>/peering/", views.peering, name="peering"),
    path("members/<int:asn>/peering/language/", views.language, name="language"),
    path(
        "members/<int:asn>/peering/<int:peer>/request/",
        views.request_peering,
        name="request",
    ),
    path(
        "members/<int:asn>/peering/<int:peer>/not-interested/",
        views.not_interested,
        name="not_interested",
    ),
]
