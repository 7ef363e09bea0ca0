"""What ``lakou territory build`` and ``lookup`` do, for the command line to print.

:func:`territory_data_dir` is the one place that knows where the public files are
(``--data-dir``, else ``territory.data_dir``, else ``<core.data_dir>/territory``).
:func:`build_territory` finds the files, reads the exchanges, builds the inventory and
renders it in one of :data:`~lakou.territory.exports.EXPORTERS` (a :class:`BuiltTerritory`
with its summary counts); :func:`lookup_addresses` answers addresses from a prefix table
or from a data directory (:class:`AddressLookup`). A missing directory, an empty one, a
bad table or a bad address is a :class:`TerritoryInputError` whose message is one line.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lakou.exchange import Exchange
from lakou.i18n import gettext as _
from lakou.territory.config import Config
from lakou.territory.exports import EXPORTERS
from lakou.territory.index import PrefixIndex, PrefixIndexError
from lakou.territory.inventory import Inventory, build_inventory, discover
from lakou.territory.lookup import DataDirLookup, index_from_data_dir
from lakou.territory.table import read_prefix_table


class TerritoryInputError(Exception):
    """The data directory, the prefix table or an address cannot be used (one line)."""


def territory_data_dir(given: str | Path | None, config: Config, core_data_dir: str | Path) -> Path:
    """The public files' directory: ``given``, else ``config.data_dir``, else
    ``territory`` in ``core_data_dir``."""
    return Path(given or config.data_dir or Path(core_data_dir) / "territory")


@dataclass(frozen=True)
class BuiltTerritory:
    """An inventory and its rendering (``text``) in the format asked for."""

    inventory: Inventory
    text: str

    def counts(self) -> dict[str, int]:
        """Prefixes, networks, networks by class (``local``, ``regional``, ``global``,
        ``elsewhere``) and networks to invite (``invite``)."""
        classes = Counter(n.network_class for n in self.inventory.networks)
        return {
            "prefixes": len(self.inventory.prefixes),
            "networks": len(self.inventory.networks),
            "local": classes["local"],
            "regional": classes["regional"],
            "global": classes["global"],
            "elsewhere": classes["elsewhere"],
            "invite": len(self.inventory.invitations()),
        }


def build_territory(
    directory: Path,
    config: Config,
    exchanges: Callable[[], Sequence[Exchange]],
    *,
    fmt: str = "json",
    countries: Iterable[str] | None = None,
    include_global: bool | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuiltTerritory:
    """The territory's inventory from the public files of ``directory``, rendered as
    ``fmt``. ``exchanges`` is asked once the directory is found; ``progress`` hears
    "reading sources" once the files are found, then each step of the build."""
    if not directory.is_dir():
        raise TerritoryInputError(_("data directory not found: {path}").format(path=directory))
    known = exchanges()
    files = discover(directory)
    if files.count() == 0:
        raise TerritoryInputError(_("no source file found in {path}").format(path=directory))
    step = progress or (lambda _message: None)
    step(_("reading sources"))
    inventory = build_inventory(
        files, config, known, progress=step, countries=countries, include_global=include_global
    )
    return BuiltTerritory(inventory, EXPORTERS[fmt](inventory))


@dataclass(frozen=True)
class AddressRow:
    """One address looked up: the matched prefix, its origin AS and territory (None
    when unknown), and the source that answered."""

    ip: str
    prefix: str | None
    asn: int | None
    territory: str | None
    source: str


@dataclass(frozen=True)
class AddressLookup:
    """The addresses looked up, in the order asked, and the source that answered."""

    source: str
    rows: list[AddressRow]

    def as_dicts(self) -> list[dict[str, Any]]:
        return [asdict(row) for row in self.rows]


def lookup_addresses(
    ips: Sequence[str],
    directory: Path,
    countries: Iterable[str] = (),
    *,
    index_file: str | Path | None = None,
) -> AddressLookup:
    """Look ``ips`` up in the prefix table ``index_file`` (an inventory or a prefix CSV),
    else in the public files of ``directory``."""
    try:
        if index_file:
            index: PrefixIndex | DataDirLookup = read_prefix_table(index_file)
            source = str(index_file)
        else:
            index, source = index_from_data_dir(directory, countries)
        results = index.lookup(list(ips))
    except (PrefixIndexError, ValueError, OSError) as exc:
        raise TerritoryInputError(str(exc)) from None
    return AddressLookup(
        source,
        [
            AddressRow(ip, prefix, asn, territory, source)
            for ip, (prefix, asn, territory) in zip(ips, results, strict=True)
        ],
    )
