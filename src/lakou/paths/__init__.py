"""lakou.paths: traceroutes, exchange crossings and paths leaving the territory.

The door for the territory's report (the portal's paths page) is :func:`territory_paths`;
``lakou paths analyze`` calls :func:`analyze_files` (traceroute files in, a
:class:`PathsAnalysis` out: one result per traceroute, the probe matrix, the sources;
:class:`PathsInputError` names a file that cannot be read). Names are loaded on first
use, so reading the settings (``lakou.paths.config``) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.paths.run import PathsAnalysis, analyze_files
    from lakou.paths.territory_report import (
        VERDICTS,
        PathsInputError,
        PathsReport,
        ProbePair,
        describe_verdict,
        territory_paths,
    )

_WHERE = {  # name -> "module"
    "PathsAnalysis": "run",
    "analyze_files": "run",
    "VERDICTS": "territory_report",
    "PathsInputError": "territory_report",
    "PathsReport": "territory_report",
    "ProbePair": "territory_report",
    "describe_verdict": "territory_report",
    "territory_paths": "territory_report",
}

__all__ = [
    "VERDICTS",
    "PathsAnalysis",
    "PathsInputError",
    "PathsReport",
    "ProbePair",
    "analyze_files",
    "describe_verdict",
    "territory_paths",
]


__getattr__ = lazy_door(__name__, _WHERE)
