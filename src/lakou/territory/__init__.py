"""lakou.territory: the territory's prefixes and networks, from public files.

The door for readers of a built inventory (the portal's territory page) is
:func:`read_territory_report`, and :func:`regional_view` sets it beside the inventories
of neighbouring territories. The prefix index (longest-prefix match
of addresses to origin AS and territory, which the flows and paths engines use, and which
saves and loads itself) is :class:`PrefixIndex`; :func:`read_prefix_table` reads one from
a prefix table CSV or an inventory. ``lakou territory build`` calls :func:`build_territory`
(:func:`discover`, :func:`build_inventory`, one of :data:`EXPORTERS`: a
:class:`BuiltTerritory`) and ``territory lookup`` :func:`lookup_addresses` (an
:class:`AddressLookup`), both refusing with :class:`TerritoryInputError`, in the
directory :func:`territory_data_dir` names; the data-directory lookups
(:func:`index_from_data_dir`) serve ``territory lookup`` and the paths engine; readers of
public files raise :class:`SourceError` and count what they skip in :class:`Counters`
(:func:`open_binary` and :func:`open_text` open a plain, gzip or bzip2 file by its magic
bytes). The exchanges known from the registry, PeeringDB and PCH (the paths engine's
exchange crossings) are an :class:`IxpDirectory`, assembled by :func:`ixp_directory`.
``territory update`` fetches the public files with :func:`update_public_files` (each
through :func:`download_all`).

Names are loaded on first use, so reading the settings (``lakou.territory.config``)
stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.territory.commands import (
        AddressLookup,
        BuiltTerritory,
        TerritoryInputError,
        build_territory,
        lookup_addresses,
        territory_data_dir,
    )
    from lakou.territory.exports import EXPORTERS
    from lakou.territory.index import PrefixIndex, PrefixIndexError, save_arrays
    from lakou.territory.inventory import build_inventory, discover
    from lakou.territory.lookup import DataDirLookup, index_from_data_dir
    from lakou.territory.report import (
        InventoryFileError,
        RegionalView,
        TerritoryReport,
        read_territory_report,
        regional_view,
    )
    from lakou.territory.sources.common import Counters, SourceError, open_binary, open_text
    from lakou.territory.sources.ixf import read_ixf
    from lakou.territory.sources.ixp import IxpDirectory, ixp_directory
    from lakou.territory.table import read_prefix_table
    from lakou.territory.update import download_all, update_public_files

_WHERE = {
    "AddressLookup": "commands",
    "BuiltTerritory": "commands",
    "TerritoryInputError": "commands",
    "build_territory": "commands",
    "lookup_addresses": "commands",
    "territory_data_dir": "commands",
    "InventoryFileError": "report",
    "TerritoryReport": "report",
    "read_territory_report": "report",
    "RegionalView": "report",
    "regional_view": "report",
    "PrefixIndex": "index",
    "PrefixIndexError": "index",
    "read_prefix_table": "table",
    "save_arrays": "index",
    "EXPORTERS": "exports",
    "build_inventory": "inventory",
    "discover": "inventory",
    "DataDirLookup": "lookup",
    "index_from_data_dir": "lookup",
    "Counters": "sources.common",
    "SourceError": "sources.common",
    "read_ixf": "sources.ixf",
    "open_binary": "sources.common",
    "open_text": "sources.common",
    "IxpDirectory": "sources.ixp",
    "ixp_directory": "sources.ixp",
    "download_all": "update",
    "update_public_files": "update",
}

__all__ = [
    "EXPORTERS",
    "AddressLookup",
    "BuiltTerritory",
    "Counters",
    "DataDirLookup",
    "InventoryFileError",
    "IxpDirectory",
    "PrefixIndex",
    "PrefixIndexError",
    "RegionalView",
    "SourceError",
    "TerritoryInputError",
    "TerritoryReport",
    "build_inventory",
    "build_territory",
    "discover",
    "download_all",
    "index_from_data_dir",
    "ixp_directory",
    "lookup_addresses",
    "open_binary",
    "open_text",
    "read_ixf",
    "read_prefix_table",
    "read_territory_report",
    "regional_view",
    "save_arrays",
    "territory_data_dir",
    "update_public_files",
]


__getattr__ = lazy_door(__name__, _WHERE)
