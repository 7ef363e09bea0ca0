"""lakou.portal: the Django project (settings, public pages, looking glass, traffic and
territory pages, the API, the admin) over the registry and the engines; served by waitress.

The door for the command line:

- :func:`setup_django` starts Django from a lakou configuration (once per process);
- serving: :func:`parse_listen` (``HOST:PORT``, :class:`ListenError`),
  :func:`refusals_to_serve` (debug mode, a weak secret key, migrations not applied),
  :func:`collect_static`, :func:`serve` (waitress, :data:`DEFAULT_THREADS` threads);
- :data:`HTTP_REGISTRY`, the request counters ``/metrics`` shows.

and for the member, regulator and peering pages built beside it (``lakou.accounts``,
``lakou.peering``), which read what the public pages read:

- the looking glass: :func:`route_servers` (the configured ones), :func:`ask_each` (one
  question to each at once, an answer or a message per server),
  :func:`route_server_neighbours`, :func:`route_rows`, :class:`RouteRow`,
  :class:`NeighbourRow`, :class:`Page`, the bounds :data:`ROUTES_MAX_LIMIT` and
  :data:`ROUTES_MAX_OFFSET`, :func:`visitor_language`; its API schema :class:`RouteOut`
  and :func:`route_out`;
- the traffic pages: :func:`traffic_view` (the flow report as the pages read it: store,
  period, cache), :func:`parse_days`, :data:`TRAFFIC_PERIODS`, :func:`plotly_context`;
- the port pages: :func:`port_store_directory` (an exchange's port store).

Django's own ways in (``apps``, ``settings``, ``urls``, ``models``, ``migrations``) are
imported by path. Names are loaded on first use: importing the package imports no model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.portal.accesslog import REGISTRY as HTTP_REGISTRY
    from lakou.portal.lg_api import RouteOut, route_out
    from lakou.portal.lg_queries import MAX_LIMIT as ROUTES_MAX_LIMIT
    from lakou.portal.lg_queries import MAX_OFFSET as ROUTES_MAX_OFFSET
    from lakou.portal.lg_queries import (
        NeighbourRow,
        Page,
        RouteRow,
        ask_each,
        route_rows,
        route_servers,
        visitor_language,
    )
    from lakou.portal.lg_queries import neighbours as route_server_neighbours
    from lakou.portal.ports_views import store_directory as port_store_directory
    from lakou.portal.server import DEFAULT_THREADS, ListenError, parse_listen, serve
    from lakou.portal.server import prepare as collect_static
    from lakou.portal.server import refusals as refusals_to_serve
    from lakou.portal.setup import setup_django
    from lakou.portal.traffic_queries import PERIODS as TRAFFIC_PERIODS
    from lakou.portal.traffic_queries import parse_days
    from lakou.portal.traffic_queries import traffic as traffic_view
    from lakou.portal.traffic_views import plotly_context

_WHERE = {  # name -> "module" or "module:name there"
    "HTTP_REGISTRY": "accesslog:REGISTRY",
    "DEFAULT_THREADS": "server",
    "ListenError": "server",
    "collect_static": "server:prepare",
    "parse_listen": "server",
    "refusals_to_serve": "server:refusals",
    "serve": "server",
    "setup_django": "setup",
    "RouteOut": "lg_api",
    "route_out": "lg_api",
    "ROUTES_MAX_LIMIT": "lg_queries:MAX_LIMIT",
    "ROUTES_MAX_OFFSET": "lg_queries:MAX_OFFSET",
    "NeighbourRow": "lg_queries",
    "Page": "lg_queries",
    "RouteRow": "lg_queries",
    "ask_each": "lg_queries",
    "route_rows": "lg_queries",
    "route_server_neighbours": "lg_queries:neighbours",
    "route_servers": "lg_queries",
    "visitor_language": "lg_queries",
    "port_store_directory": "ports_views:store_directory",
    "TRAFFIC_PERIODS": "traffic_queries:PERIODS",
    "parse_days": "traffic_queries",
    "traffic_view": "traffic_queries:traffic",
    "plotly_context": "traffic_views",
}

__all__ = [
    "DEFAULT_THREADS",
    "HTTP_REGISTRY",
    "ROUTES_MAX_LIMIT",
    "ROUTES_MAX_OFFSET",
    "TRAFFIC_PERIODS",
    "ListenError",
    "NeighbourRow",
    "Page",
    "RouteOut",
    "RouteRow",
    "ask_each",
    "collect_static",
    "parse_days",
    "parse_listen",
    "plotly_context",
    "port_store_directory",
    "refusals_to_serve",
    "route_out",
    "route_rows",
    "route_server_neighbours",
    "route_servers",
    "serve",
    "setup_django",
    "traffic_view",
    "visitor_language",
]

__getattr__ = lazy_door(__name__, _WHERE)
