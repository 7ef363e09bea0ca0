"""lakou.whatif: simulate BGP routing on the AS graph (cable cuts, new members, new peerings).

Pipeline: ``asrel`` (CAIDA files) -> ``graph`` (editable AS graph, exchange hubs, splits;
compiled to CSR arrays) -> ``kernel`` (Gao-Rexford routing tree per destination),
``alldest`` (every destination, aggregates only), ``reach`` (valley-free reachability)
-> ``scenario`` (before/after an event, with/without the exchanges, candidates) ->
``report`` (words, JSON, HTML). No Django: ``exchanges`` takes ``lakou.exchange`` objects.

The door, one call per question, each reading the files itself (:mod:`lakou.whatif.files`):
:func:`route_table` (every AS's route to one destination, a :class:`RouteTable`; route
types named by :data:`ROUTE_TYPE_NAMES`), :func:`reachability` (valley-free paths),
:func:`route_all` (every destination: :class:`AllRoutes`, rows streamed to a CSV),
:func:`provider_customer_cycles`, and :func:`run_scenario_files` (the portal's what-if
page and ``whatif scenario``), whose :class:`ScenarioResult` :func:`headline`,
:func:`state_title`, :func:`who`, :func:`scenario_summary` (JSON) and
:func:`render_html` put in words (:func:`render_report`: the report in text, JSON or
HTML). Unusable files raise :class:`WhatifInputError` (:class:`UnknownAsError`: an AS the
graph lacks; :class:`NoAsRelError`: no AS-relationship file). Names are loaded on first
use, so reading the settings (``lakou.whatif.config``) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.whatif.files import (
        AllRoutes,
        NoAsRelError,
        RouteTable,
        UnknownAsError,
        WhatifInputError,
        provider_customer_cycles,
        reachability,
        read_graph,
        route_all,
        route_table,
        run_scenario_files,
    )
    from lakou.whatif.kernel import ROUTE_TYPE_NAMES
    from lakou.whatif.report import headline, render_html, render_report, state_title, who
    from lakou.whatif.report import summary as scenario_summary
    from lakou.whatif.scenario import STATES, ScenarioResult

_WHERE = {  # name -> "module" or "module:name there"
    "AllRoutes": "files",
    "NoAsRelError": "files",
    "RouteTable": "files",
    "UnknownAsError": "files",
    "WhatifInputError": "files",
    "provider_customer_cycles": "files",
    "reachability": "files",
    "read_graph": "files",
    "route_all": "files",
    "route_table": "files",
    "run_scenario_files": "files",
    "ROUTE_TYPE_NAMES": "kernel",
    "headline": "report",
    "render_html": "report",
    "render_report": "report",
    "scenario_summary": "report:summary",
    "state_title": "report",
    "who": "report",
    "STATES": "scenario",
    "ScenarioResult": "scenario",
}

__all__ = [
    "ROUTE_TYPE_NAMES",
    "STATES",
    "AllRoutes",
    "NoAsRelError",
    "RouteTable",
    "ScenarioResult",
    "UnknownAsError",
    "WhatifInputError",
    "headline",
    "provider_customer_cycles",
    "reachability",
    "read_graph",
    "render_html",
    "render_report",
    "route_all",
    "route_table",
    "run_scenario_files",
    "scenario_summary",
    "state_title",
    "who",
]


__getattr__ = lazy_door(__name__, _WHERE)
