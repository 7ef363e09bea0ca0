"""URLs the registry serves (the IX-F Member Export at /participants.json)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
