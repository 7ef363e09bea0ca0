"""Assemble an :class:`~lakou.paths.analyze.Annotator` from files: a data directory
(IP→ASN, IP→country, RIR, PeeringDB, PCH), the territory's prefix table, IX-F files
and the registry's exchanges (the exchange directory is the territory engine's
:func:`~lakou.territory.ixp_directory`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lakou.exchange import Exchange
from lakou.paths.analyze import Annotator
from lakou.paths.cache import Warn, cached_index_from_data_dir
from lakou.paths.config import Config
from lakou.territory import ixp_directory, read_prefix_table


def build_annotator(
    countries: Iterable[str],
    data_dir: Path | None = None,
    territory_csv: Path | None = None,
    exchanges: Iterable[Exchange] = (),
    config: Config | None = None,
    cache_dir: Path | None = None,
    warn: Warn | None = None,
) -> tuple[Annotator, list[str]]:
    """The annotator and the list of sources it uses (quoted in every report).

    ``cache_dir``: keep the IP→ASN/country indexes there between runs (see
    :mod:`lakou.paths.cache`); ``warn`` receives the cache's warnings.
    """
    wanted = {c.strip().upper() for c in countries}
    sources: list[str] = []
    routing = None
    if data_dir is not None:
        try:
            extra = {"warn": warn} if warn is not None else {}
            routing, described, _status = cached_index_from_data_dir(
                data_dir, wanted, cache_dir, **extra
            )
            sources.append(described)
        except ValueError:
            routing = None  # no IP->ASN or IP->country file there: exchanges only
    territory = read_prefix_table(territory_csv) if territory_csv else None
    if territory_csv:
        sources.append(str(territory_csv))
    ixps = ixp_directory(data_dir, exchanges)
    sources += sorted({s for x in ixps.exchanges.values() for s in x.sources})
    annotator = Annotator(
        wanted, routing=routing, territory=territory, ixps=ixps, config=config or Config()
    )
    return annotator, sources
