"""lakou.demo: the demonstration install, a component above the registry and the engines.

``lakou demo`` shows a newcomer lakou at work on three demonstration exchanges with real
member networks (Saint-Martin, Saint-Barthélemy, Sint Maarten). The demo

- reads its facts from the files beside this package (:mod:`lakou.demo.data`: the
  invented infrastructure and the member networks derived from public data);
- loads them into the registry (:func:`load_demo`, :func:`ensure_demo_user`; Django);
- makes a synthetic week of sFlow and replays it through the flow engine's pipeline into
  the flow store (:func:`load_demo_traffic`; no Django), marking the store as the demo's
  (the flow store's own marker, :func:`lakou.flows.read_demo_marker`);
- starts a live BIRD route server for one exchange with its members' BGP speakers
  (:func:`start_demo_route_server`);
- does all of it and serves the portal until stopped, in one call (:func:`run_demo`,
  all of ``lakou demo``; :class:`DemoRefused` when the portal will not serve).

It uses the registry, the flow engine, the territory's prefix index and the route-server
engine through their doors; nothing below it imports it. Names are loaded on first use,
so the traffic generator runs without Django.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.demo.data import DemoDataError, demo_prefixes, read_exchanges, read_table
    from lakou.demo.registry import DemoSummary, ensure_demo_user, load_demo
    from lakou.demo.routeserver import (
        DEMO_IRR_DIR,
        DemoRouteServer,
        DemoRouteServerError,
        clean_leftovers,
        missing_daemon,
        start_demo_route_server,
    )
    from lakou.demo.serve import DemoRefused, run_demo
    from lakou.demo.traffic import (
        DemoTraffic,
        DemoTrafficError,
        load_demo_traffic,
        replay_demo_traffic,
        switch_agents,
    )

_WHERE = {
    "DemoDataError": "data",
    "demo_prefixes": "data",
    "read_exchanges": "data",
    "read_table": "data",
    "DemoSummary": "registry",
    "ensure_demo_user": "registry",
    "load_demo": "registry",
    "DemoRouteServer": "routeserver",
    "DEMO_IRR_DIR": "routeserver",
    "DemoRouteServerError": "routeserver",
    "clean_leftovers": "routeserver",
    "missing_daemon": "routeserver",
    "start_demo_route_server": "routeserver",
    "DemoRefused": "serve",
    "run_demo": "serve",
    "DemoTraffic": "traffic",
    "DemoTrafficError": "traffic",
    "load_demo_traffic": "traffic",
    "replay_demo_traffic": "traffic",
    "switch_agents": "traffic",
}

__all__ = [
    "DEMO_IRR_DIR",
    "DemoDataError",
    "DemoRefused",
    "DemoRouteServer",
    "DemoRouteServerError",
    "DemoSummary",
    "DemoTraffic",
    "DemoTrafficError",
    "clean_leftovers",
    "demo_prefixes",
    "ensure_demo_user",
    "load_demo",
    "load_demo_traffic",
    "missing_daemon",
    "read_exchanges",
    "read_table",
    "replay_demo_traffic",
    "run_demo",
    "start_demo_route_server",
    "switch_agents",
]


__getattr__ = lazy_door(__name__, _WHERE)
