"""URL map of the portal: public pages, the looking glass, the API, the admin, the IX-F
export, languages."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from lakou.operations import metrics_view
from lakou.portal import language, lg_views, ports_views, territory_views, traffic_views, views
from lakou.portal.api import api

portal_patterns = (
    [
        path("", views.home, name="home"),
        path("exchanges/<slug:slug>/", views.exchange, name="exchange"),
        path("lg/", lg_views.index, name="lg"),
        path("lg/search/", lg_views.search, name="lg_search"),
        path("lg/<str:rs>/<str:neighbour>/", lg_views.neighbour, name="lg_neighbour"),
        path("lg/<str:rs>/<str:neighbour>/exported/", lg_views.exported, name="lg_exported"),
        path("traffic/", traffic_views.overview, name="traffic"),
        path(
            "traffic/plotly-<str:version>.min.js",
            traffic_views.plotly_js,
            name="traffic_plotly",
        ),
        path(
            "traffic/plotly-<str:version>.css",
            traffic_views.plotly_stylesheet,
            name="traffic_plotly_css",
        ),
        path("traffic/<slug:slug>/", traffic_views.exchange, name="traffic_exchange"),
        path("traffic/<slug:slug>/ports/", ports_views.exchange_ports, name="traffic_ports"),
        path(
            "traffic/<slug:slug>/ports/members/",
            ports_views.exchange_port_members,
            name="traffic_port_members",
        ),
        path("territory/", territory_views.territory, name="territory"),
        path("territory/paths/", territory_views.paths, name="territory_paths"),
        path("territory/whatif/", territory_views.whatif, name="territory_whatif"),
    ],
    "portal",
)

urlpatterns = [
    path("", include(portal_patterns)),
    path("", include("lakou.accounts.urls")),
    path("", include("lakou.peering.urls")),
    path("admin/", admin.site.urls),
    path("operations/", include("lakou.operations.urls")),
    path("metrics", metrics_view, name="metrics"),
    path("api/", api.urls),
    # Django's language switch without a CSRF token in every page (lakou.portal.language)
    path("i18n/setlang/", language.set_language, name="set_language"),
    # the IX-F Member Export at /participants.json (``Cache-Control: public`` for anonymous
    # visitors: lakou.portal.pagecache keeps it like the other public pages)
    path("", include("lakou.registry.urls")),
]
