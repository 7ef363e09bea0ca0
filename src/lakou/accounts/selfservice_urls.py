"""URLs of members' self-service, its audit log, staff's queue of changes, and a user's
own API keys."""

from __future__ import annotations

from django.urls import path

from lakou.accounts import key_views
from lakou.accounts import selfservice_views as views

urlpatterns = [
    path("members/<int:asn>/self-service/", views.self_service, name="self_service"),
    path("members/<int:asn>/changes/", views.change_log, name="change_log"),
    path("members/changes/", views.staff_changes, name="staff_changes"),
    path("members/changes/<int:change_id>/decide/", views.decide, name="decide_change"),
    path("members/macs/<int:mac_id>/production/", views.promote, name="promote_mac"),
    path("account/keys/", key_views.api_keys, name="api_keys"),
    path("account/keys/<str:prefix>/revoke/", key_views.revoke_key, name="revoke_key"),
]
