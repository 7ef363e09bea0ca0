"""A scenario run from its two files, for readers that are not the CLI (the portal).

:func:`run_scenario_files` reads the scenario YAML and the CAIDA AS-relationship file,
optionally swaps the scenario's exchanges for the given ones (the registry's), and runs
the scenario. Everything that can go wrong with the files (unreadable, malformed, a
cut naming a link the graph lacks, a provider-customer cycle) becomes one
:class:`WhatifInputError` naming the file and the place.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lakou.exchange import Exchange
from lakou.i18n import gettext as _
from lakou.whatif.asrel import AsRelError, read_asrel
from lakou.whatif.exchanges import Family
from lakou.whatif.graph import AsGraph, GraphError
from lakou.whatif.scenario import ScenarioResult, run_scenario
from lakou.whatif.scenario_file import ScenarioError, load_scenario


class WhatifInputError(ValueError):
    """A scenario or AS-relationship file that cannot be used, with where and why."""


def run_scenario_files(
    scenario: str | Path,
    asrel: str | Path | None = None,
    *,
    exchanges: Iterable[Exchange] | None = None,
    route_server_family: Family = "any",
    strict_asrel: bool = False,
) -> ScenarioResult:
    """Run the scenario file on the AS graph of ``asrel`` (default: the scenario's own
    ``asrel`` key); with ``exchanges``, they replace the scenario's exchanges."""
    try:
        spec = load_scenario(scenario)
    except ScenarioError as exc:
        raise WhatifInputError(str(exc)) from None
    if exchanges is not None:
        from lakou.whatif.exchanges import exchange_specs

        specs = exchange_specs(list(exchanges), route_server_family)
        spec = spec.model_copy(update={"exchanges": specs})
    path = Path(asrel) if asrel else spec.asrel_path()
    if path is None:
        raise WhatifInputError(
            _("{file}: no AS-relationship file (whatif.asrel, or the scenario's asrel key)").format(
                file=scenario
            )
        )
    try:
        graph = AsGraph.from_asrel(read_asrel(path, strict=strict_asrel))
        return run_scenario(spec, graph)
    except (AsRelError, GraphError) as exc:
        raise WhatifInputError(str(exc)) from None
