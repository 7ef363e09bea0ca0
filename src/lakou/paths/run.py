"""A paths analysis from files: what ``lakou paths analyze`` runs in one call.

:func:`analyze_files` reads the traceroute files (RIPE Atlas, scamper JSON, warts),
assembles the annotator (:func:`~lakou.paths.loading.build_annotator`: IP indexes from
a data directory, the territory's prefix table, the exchanges), analyses each
traceroute and builds the probe matrix, with Python's cyclic garbage collector paused
(:func:`~lakou.paths.analyze.collector_paused`). A file or prefix table that cannot be read
raises :class:`~lakou.paths.territory_report.PathsInputError` naming it; the command
line chooses the output (:meth:`PathsAnalysis.render`: ``to_json``, ``to_jsonl``,
``to_html``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lakou.exchange import Exchange
from lakou.paths.analyze import analyze, collector_paused, mesh
from lakou.paths.cache import Warn
from lakou.paths.config import Config
from lakou.paths.loading import build_annotator
from lakou.paths.sources import read_traceroutes
from lakou.paths.territory_report import PathsInputError
from lakou.territory import Counters, PrefixIndexError, SourceError


@dataclass
class PathsAnalysis:
    """One result per traceroute, the probe matrix, the sources quoted, and what the
    readers skipped (``counters``)."""

    results: list[dict[str, Any]]
    mesh: dict[str, Any]
    sources: list[str]
    counters: Counters

    @property
    def skipped_malformed(self) -> bool:
        """Whether malformed results or traces were skipped (``--lenient``)."""
        dropped = self.counters.dropped
        return bool(dropped.get("malformed") or dropped.get("malformed trace"))

    def to_json(self) -> str:
        return json.dumps(self.results, indent=2) + "\n"

    def to_jsonl(self) -> str:
        return "".join(json.dumps(r) + "\n" for r in self.results)

    def to_html(self) -> str:
        from lakou.paths.report import to_html

        return to_html(self.results, self.mesh, self.sources)

    def render(self, fmt: str = "json") -> str:
        """The results in ``fmt``: ``json``, ``jsonl`` (one line each) or ``html``."""
        if fmt == "jsonl":
            return self.to_jsonl()
        return self.to_html() if fmt == "html" else self.to_json()

    def mesh_json(self) -> str:
        """The probe matrix with its sources (``--mesh-out``)."""
        return json.dumps({**self.mesh, "sources": self.sources}, indent=2) + "\n"


def analyze_files(
    files: Iterable[str | Path],
    countries: Iterable[str],
    *,
    data_dir: str | Path | None = None,
    territory: str | Path | None = None,
    exchanges: Iterable[Exchange] = (),
    config: Config | None = None,
    cache_dir: Path | None = None,
    strict: bool = True,
    warn: Warn | None = None,
) -> PathsAnalysis:
    """Analyse the traceroutes of ``files`` for the territory ``countries``.

    ``strict``: a malformed result fails (else it is skipped and counted);
    ``cache_dir``: where the IP indexes are kept between runs (None: built afresh);
    ``warn`` hears the index cache's warnings.
    """
    counters = Counters()
    with collector_paused():  # no reference cycles made: see collector_paused
        try:
            traces = [
                t for f in files for t in read_traceroutes(f, strict=strict, counters=counters)
            ]
            annotator, sources = build_annotator(
                countries,
                Path(data_dir) if data_dir else None,
                Path(territory) if territory else None,
                exchanges,
                config,
                cache_dir=cache_dir,
                warn=warn,
            )
        except (SourceError, PrefixIndexError, OSError) as exc:
            raise PathsInputError(str(exc)) from None
        results = analyze(traces, annotator)
        return PathsAnalysis(results, mesh(results), sources, counters)
