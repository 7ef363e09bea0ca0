"""lakou.routeserver: route-server configurations for BIRD 2 and OpenBGPD, from the
registry or from arouteserver's clients.yml, enriched with IRR and RPKI data, checked,
deployed with a gate, compared, explained.

The door for other components: :func:`clients_from_exchange` (an exchange's members as
route-server clients), :func:`policy_for_exchange` and :func:`load_policy` /
:class:`Policy`, :func:`enrich_clients` (IRR, RPKI, PeeringDB data), :func:`build_config`,
:func:`diff_configs`, and the client options' shared vocabulary (:class:`OptionError`,
:func:`join`). Names are loaded on first use, so a build loads only what it needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.routeserver.build import build_config, enrich_clients, policy_for_exchange
    from lakou.routeserver.clients import clients_from_exchange
    from lakou.routeserver.diff import diff_configs
    from lakou.routeserver.options import OptionError, join
    from lakou.routeserver.policy import Policy, PolicyError, load_policy

_WHERE = {
    "build_config": "build",
    "enrich_clients": "build",
    "policy_for_exchange": "build",
    "clients_from_exchange": "clients",
    "diff_configs": "diff",
    "OptionError": "options",
    "join": "options",
    "Policy": "policy",
    "PolicyError": "policy",
    "load_policy": "policy",
}

__all__ = [
    "OptionError",
    "Policy",
    "PolicyError",
    "build_config",
    "clients_from_exchange",
    "diff_configs",
    "enrich_clients",
    "join",
    "load_policy",
    "policy_for_exchange",
]


__getattr__ = lazy_door(__name__, _WHERE)
