"""URL map of the portal: public pages, the looking glass, the API, the admin, the IX-F
export, languages."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from lakou.portal import lg_views, views
from lakou.portal.api import api

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("exchanges/<slug:slug>/", views.exchange, name="exchange"),
        path("lg/", lg_views.index, name="lg"),
        path("lg/search/", lg_views.search, name="lg_search"),
        path("lg/<str:rs>/<str:neighbour>/", lg_views.neighbour, name="lg_neighbour"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # the IX-F Member Export at /participants.json
    path("", include("lakou.registry.urls")),
]
