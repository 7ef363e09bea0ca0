"""PeeringDB: a local cache of the objects lakou uses, and what it tells the registry.

``client`` talks to the PeeringDB REST API within its rate limits, ``cache`` keeps a
plain SQLite copy synced incrementally, ``prefill`` turns a PeeringDB network into a
registry member's values, ``compare`` lists where an exchange and PeeringDB disagree,
``testing`` is a local stand-in of the API for tests. No Django here: the registry
side lives in ``lakou.registry.peeringdb``.

The door: the cache (:class:`PeeringDBCache`, :class:`PeeringDBCacheError`,
:func:`cache_file` its default location) and what the commands do with it
(:func:`sync_cache`, a :class:`SyncReport`, whose network errors are
:class:`PeeringDBError`, limited to the types :func:`object_types` reads, refused with
:class:`UnknownObjectTypes`;
:func:`load_dumps` from PeeringDB's JSON files, refused with :class:`DumpError`;
:func:`network_ports`); the object types kept (:data:`OBJECTS`); what the registry side
uses (:func:`prefill_from_net` and its :class:`Prefill`, :func:`compare_exchange` and its
:class:`Disagreement`, :class:`CompareError`). Names are loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.peeringdb.cache import PeeringDBCache, PeeringDBCacheError, SyncReport
    from lakou.peeringdb.client import PeeringDBError
    from lakou.peeringdb.compare import CompareError, Disagreement
    from lakou.peeringdb.compare import compare as compare_exchange
    from lakou.peeringdb.dump import DumpError
    from lakou.peeringdb.local import (
        LoadedDump,
        NetworkPorts,
        UnknownObjectTypes,
        cache_file,
        load_dumps,
        network_ports,
        object_types,
        sync_cache,
    )
    from lakou.peeringdb.prefill import Prefill, prefill_from_net
    from lakou.peeringdb.schema import OBJECTS

_WHERE = {  # name -> "module" or "module:name there"
    "PeeringDBCache": "cache",
    "PeeringDBCacheError": "cache",
    "SyncReport": "cache",
    "PeeringDBError": "client",
    "CompareError": "compare",
    "Disagreement": "compare",
    "compare_exchange": "compare:compare",
    "DumpError": "dump",
    "LoadedDump": "local",
    "NetworkPorts": "local",
    "cache_file": "local",
    "load_dumps": "local",
    "network_ports": "local",
    "object_types": "local",
    "UnknownObjectTypes": "local",
    "sync_cache": "local",
    "Prefill": "prefill",
    "prefill_from_net": "prefill",
    "OBJECTS": "schema",
}

__all__ = [
    "OBJECTS",
    "CompareError",
    "Disagreement",
    "DumpError",
    "LoadedDump",
    "NetworkPorts",
    "PeeringDBCache",
    "PeeringDBCacheError",
    "PeeringDBError",
    "Prefill",
    "SyncReport",
    "UnknownObjectTypes",
    "cache_file",
    "compare_exchange",
    "load_dumps",
    "network_ports",
    "object_types",
    "prefill_from_net",
    "sync_cache",
]


__getattr__ = lazy_door(__name__, _WHERE)
