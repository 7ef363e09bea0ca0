"""lakou.territory: the territory's prefixes and networks, from public files.

The door for readers of a built inventory (the portal's territory page) is
:func:`read_territory_report`; ``lakou territory build`` calls
:func:`lakou.territory.inventory.build_inventory`. The prefix index (longest-prefix match
of addresses to origin AS and territory, which the flows and paths engines use, and which
saves and loads itself) is :class:`PrefixIndex`; :func:`read_prefix_table` reads one from
a prefix table CSV or an inventory. Names are loaded on first use, so
reading the settings (``lakou.territory.config``) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lakou.territory.index import PrefixIndex, PrefixIndexError
    from lakou.territory.report import InventoryFileError, TerritoryReport, read_territory_report
    from lakou.territory.table import read_prefix_table

_WHERE = {
    "InventoryFileError": "report",
    "TerritoryReport": "report",
    "read_territory_report": "report",
    "PrefixIndex": "index",
    "PrefixIndexError": "index",
    "read_prefix_table": "table",
}

__all__ = [
    "InventoryFileError",
    "PrefixIndex",
    "PrefixIndexError",
    "TerritoryReport",
    "read_prefix_table",
    "read_territory_report",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'lakou.territory' has no attribute {name!r}")
    return getattr(importlib.import_module(f"lakou.territory.{module}"), name)
