"""lakou.whatif: simulate BGP routing on the AS graph (cable cuts, new members, new peerings).

Pipeline: ``asrel`` (CAIDA files) -> ``graph`` (editable AS graph, exchange hubs, splits;
compiled to CSR arrays) -> ``kernel`` (Gao-Rexford routing tree per destination),
``alldest`` (every destination, aggregates only), ``reach`` (valley-free reachability)
-> ``scenario`` (before/after an event, with/without the exchanges, candidates) ->
``report`` (words, JSON, HTML). No Django: ``exchanges`` takes ``lakou.exchange`` objects.

The door for readers that are not the CLI (the portal's what-if page) is
:func:`run_scenario_files`, whose :class:`ScenarioResult` :func:`headline` and
:func:`state_title` put in words. Names are loaded on first use, so reading the settings
(``lakou.whatif.config``) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lakou.whatif.files import WhatifInputError, run_scenario_files
    from lakou.whatif.report import headline, state_title, who
    from lakou.whatif.scenario import STATES, ScenarioResult

__all__ = [
    "STATES",
    "ScenarioResult",
    "WhatifInputError",
    "headline",
    "run_scenario_files",
    "state_title",
    "who",
]
_HOME = {
    "STATES": "scenario",
    "ScenarioResult": "scenario",
    "WhatifInputError": "files",
    "run_scenario_files": "files",
    "headline": "report",
    "state_title": "report",
    "who": "report",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        import importlib

        return getattr(importlib.import_module(f"lakou.whatif.{_HOME[name]}"), name)
    raise AttributeError(f"module 'lakou.whatif' has no attribute {name!r}")
