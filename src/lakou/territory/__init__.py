"""lakou.territory: the territory's prefixes and networks, from public files.

The door for readers of a built inventory (the portal's territory page) is
:func:`read_territory_report`, and :func:`regional_view` sets it beside the inventories of
neighbouring territories; ``lakou territory build`` calls
:func:`lakou.territory.inventory.build_inventory`. Names are loaded on first use, so
reading the settings (``lakou.territory.config``) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lakou.territory.report import (
        InventoryFileError,
        RegionalView,
        TerritoryReport,
        read_territory_report,
        regional_view,
    )

__all__ = [
    "InventoryFileError",
    "RegionalView",
    "TerritoryReport",
    "read_territory_report",
    "regional_view",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from lakou.territory import report

        return getattr(report, name)
    raise AttributeError(f"module 'lakou.territory' has no attribute {name!r}")
