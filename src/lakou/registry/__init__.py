"""lakou.registry: the exchange's registry (Django): exchanges, peering LANs, members,
their connections, addresses, MACs and route-server sessions; IX-F and clients.yml
imports and exports; the PeeringDB cache's Django side.

The door for the engines and the command line is the registry as the engines see it,
typed and without Django objects (:mod:`lakou.exchange`): :func:`exchange_view` (one
exchange by slug), :func:`all_exchanges`, :func:`switch_addresses` (the sFlow agents of
the exchange's switches); :func:`registry_fingerprint` (one query telling whether
anything in the registry changed, for the portal's caches); PeeringDB's side
(:func:`prefill_member`, :func:`compare_with_peeringdb`, :class:`PeeringDBRegistryError`);
for ``lakou ports``, :func:`ports_config` (the switches to poll and the members' ports),
:func:`port_members` and :func:`registered_macs`. Django's own ways in
(``models``, ``admin``, ``apps``, ``migrations``) are imported by path. Names are loaded
on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lakou.registry.engines import all_exchanges, exchange_view, switch_addresses
    from lakou.registry.fingerprint import registry_fingerprint
    from lakou.registry.peeringdb import (
        MemberPrefill,
        PeeringDBRegistryError,
        prefill_member,
    )
    from lakou.registry.peeringdb import compare as compare_with_peeringdb
    from lakou.registry.ports import port_members, ports_config, registered_macs

__all__ = [
    "MemberPrefill",
    "PeeringDBRegistryError",
    "all_exchanges",
    "compare_with_peeringdb",
    "exchange_view",
    "prefill_member",
    "registry_fingerprint",
    "switch_addresses",
]
__all__ += ["port_members", "ports_config", "registered_macs"]
_PORTS = {"port_members", "ports_config", "registered_macs"}  # in lakou.registry.ports
# PeeringDB's side in the registry (``lakou peeringdb prefill`` and ``compare``)
_PEERINGDB = {
    "MemberPrefill": "MemberPrefill",
    "PeeringDBRegistryError": "PeeringDBRegistryError",
    "compare_with_peeringdb": "compare",
    "prefill_member": "prefill_member",
}


def __getattr__(name: str) -> Any:
    if name == "registry_fingerprint":  # for caches of what is built from the registry
        from lakou.registry import fingerprint

        return fingerprint.registry_fingerprint
    if name in _PEERINGDB:
        from lakou.registry import peeringdb

        return getattr(peeringdb, _PEERINGDB[name])
    if name in _PORTS:
        from lakou.registry import ports

        return getattr(ports, name)
    if name in __all__:
        from lakou.registry import engines

        return getattr(engines, name)
    raise AttributeError(f"module 'lakou.registry' has no attribute {name!r}")
