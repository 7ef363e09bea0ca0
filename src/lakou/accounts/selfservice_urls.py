"""URLs of members' self-service, its audit log and staff's queue of changes."""

from __future__ import annotations

from django.urls import path

from lakou.accounts import selfservice_views as views

urlpatterns = [
    path("members/<int:asn>/self-service/", views.self_service, name="self_service"),
    path("members/<int:asn>/changes/", views.change_log, name="change_log"),
    path("members/changes/", views.staff_changes, name="staff_changes"),
    path("members/changes/<int:change_id>/decide/", views.decide, name="decide_change"),
    path("members/macs/<int:mac_id>/production/", views.promote, name="promote_mac"),
]
