"""URLs the registry serves (the IX-F Member Export at /participants.json)."""

from __future__ import annotations

from django.urls import URLPattern, path

from lakou.registry import views

urlpatterns: list[URLPattern] = [
    path("participants.json", views.participants, name="participants-json"),
]
