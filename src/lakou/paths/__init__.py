"""lakou.paths: traceroutes, exchange crossings and paths leaving the territory.

The door for the territory's report (the portal's paths page) is :func:`territory_paths`;
``lakou paths analyze`` calls :func:`lakou.paths.analyze.analyze` per traceroute. Names
are loaded on first use, so reading the settings (``lakou.paths.config``) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lakou.paths.territory_report import (
        VERDICTS,
        PathsInputError,
        PathsReport,
        ProbePair,
        describe_verdict,
        territory_paths,
    )

__all__ = [
    "VERDICTS",
    "PathsInputError",
    "PathsReport",
    "ProbePair",
    "describe_verdict",
    "territory_paths",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from lakou.paths import territory_report

        return getattr(territory_report, name)
    raise AttributeError(f"module 'lakou.paths' has no attribute {name!r}")
