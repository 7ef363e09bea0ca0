"""The territory's paths in one report: of the probe pairs whose probe is in the territory,
the share whose path stays local (over an exchange or not) and the share that leaves.

:func:`territory_paths` reads traceroute files (RIPE Atlas, scamper JSON, warts), locates
the hops with the territory's prefix table (the inventory of ``lakou territory build``)
and finds exchange crossings with the exchanges it is given, then groups the
traceroutes by (probe, destination). A pair whose probe is outside the territory is
shown, never counted: whether a path "leaves the territory" means nothing for a path
that does not start in it, so with no probe in the territory there is nothing to
measure (``nothing_to_measure``), not 0 % nor 100 %. Each pair carries the evidence of
its traceroutes (the engine's verdicts, the exchanges crossed, the countries crossed).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lakou.exchange import Exchange
from lakou.i18n import gettext as _
from lakou.paths.analyze import analyze
from lakou.paths.config import Config
from lakou.paths.loading import build_annotator
from lakou.paths.sources import read_traceroutes
from lakou.territory import Counters, PrefixIndexError, SourceError

# The verdict of a probe pair, in the order the page shows them.
VIA_EXCHANGE, LOCAL, LEFT, UNKNOWN = "exchange", "local", "left", "unknown"
VERDICTS = (VIA_EXCHANGE, LOCAL, LEFT, UNKNOWN)


class PathsInputError(ValueError):
    """A traceroute file or prefix table that cannot be read (file and place named)."""


@dataclass
class ProbePair:
    probe: str
    destination: str
    probe_country: str | None
    destination_country: str | None
    verdict: str  # one of VERDICTS
    traceroutes: int
    exchanges: list[str]  # exchanges crossed, by name
    countries_crossed: list[str]
    evidence: list[str]  # the engine's verdicts, one line per traceroute


@dataclass
class PathsReport:
    countries: list[str]
    traceroutes: int
    pairs: list[ProbePair]  # pairs whose probe is in the territory: the counted ones
    elsewhere: list[ProbePair]  # pairs whose probe is elsewhere: shown, not counted
    skipped: int = 0  # malformed results skipped
    sources: list[str] = field(default_factory=list)

    @property
    def nothing_to_measure(self) -> bool:
        return not self.pairs

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(VERDICTS, 0)
        for pair in self.pairs:
            out[pair.verdict] += 1
        return out

    def shares(self) -> dict[str, float | None]:
        """Share of the in-territory probe pairs per verdict (they add up to 1)."""
        total = len(self.pairs)
        return {k: (v / total if total else None) for k, v in self.counts().items()}


def _pair_verdict(results: Sequence[dict[str, object]]) -> str:
    if any(r["left_territory"] is True for r in results):
        return LEFT
    if any(r["via_ixp"] and r["left_territory"] is False for r in results):
        return VIA_EXCHANGE
    if any(r["left_territory"] is False for r in results):
        return LOCAL
    return UNKNOWN


def territory_paths(
    files: Iterable[str | Path],
    countries: Iterable[str],
    territory: str | Path | None = None,
    exchanges: Iterable[Exchange] = (),
    config: Config | None = None,
    data_dir: str | Path | None = None,
) -> PathsReport:
    """Analyse ``files`` for the territory ``countries``; see the module docstring.

    ``territory``: the territory's prefix table (inventory JSON or CSV); ``data_dir``:
    public files (IP→ASN, IP→country, PeeringDB, PCH) to locate hops abroad.
    Malformed results are skipped and counted; an unreadable file raises
    :class:`PathsInputError`.
    """
    wanted = [c.strip().upper() for c in countries if c.strip()]
    counters = Counters()
    try:
        traces = [t for f in files for t in read_traceroutes(f, strict=False, counters=counters)]
        annotator, sources = build_annotator(
            wanted,
            Path(data_dir) if data_dir else None,
            Path(territory) if territory else None,
            exchanges,
            config,
            cache_dir=None,
        )
    except (SourceError, PrefixIndexError, OSError, ValueError) as exc:
        raise PathsInputError(str(exc)) from None
    # a reader sees names, not where files sit on the server
    sources = [Path(s).name if "/" in s else s for s in sources]
    results = analyze(traces, annotator)
    grouped: dict[tuple[str, str], list[dict[str, object]]] = {}
    for r in results:
        grouped.setdefault((str(r["probe"]), str(r["destination"])), []).append(r)
    local: list[ProbePair] = []
    elsewhere: list[ProbePair] = []
    for (probe, destination), rs in sorted(grouped.items()):
        crossed: list[str] = []
        for r in rs:
            for c in r["countries_crossed"]:  # type: ignore[attr-defined]
                if c not in crossed:
                    crossed.append(c)
        pair = ProbePair(
            probe=probe,
            destination=destination,
            probe_country=rs[0]["probe_country"],  # type: ignore[arg-type]
            destination_country=rs[0]["destination_country"],  # type: ignore[arg-type]
            verdict=_pair_verdict(rs),
            traceroutes=len(rs),
            exchanges=sorted({c["ixp"] for r in rs for c in r["ixp_crossings"]}),  # type: ignore[attr-defined]
            countries_crossed=crossed,
            evidence=["; ".join(r["verdicts"]) for r in rs],  # type: ignore[arg-type]
        )
        (local if any(r["probe_in_territory"] for r in rs) else elsewhere).append(pair)
    skipped = sum(v for k, v in counters.dropped.items() if "malformed" in k)
    return PathsReport(wanted, len(results), local, elsewhere, skipped, sources)


def describe_verdict(verdict: str) -> str:
    """The verdict in the reader's language."""
    return {
        VIA_EXCHANGE: _("stays local, across an exchange"),
        LOCAL: _("stays local, without an exchange"),
        LEFT: _("leaves the territory"),
        UNKNOWN: _("cannot tell"),
    }[verdict]
