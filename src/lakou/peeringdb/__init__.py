"""PeeringDB: a local cache of the objects lakou uses, and what it tells the registry.

``client`` talks to the PeeringDB REST API within its rate limits, ``cache`` keeps a
plain SQLite copy synced incrementally, ``prefill`` turns a PeeringDB network into a
registry member's values, ``compare`` lists where an exchange and PeeringDB disagree,
``testing`` is a local stand-in of the API for tests. No Django here: the registry
side lives in ``lakou.registry.peeringdb``.

The door for other components (names loaded on first use): :class:`PeeringDBCache`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.peeringdb.cache import PeeringDBCache

_WHERE = {  # name -> "module" or "module:name there"
    "PeeringDBCache": "cache",
}

__all__ = [
    "PeeringDBCache",
]


__getattr__ = lazy_door(__name__, _WHERE)
