"""lakou.routeserver: route-server configurations for BIRD 2 and OpenBGPD, from the
registry or from arouteserver's clients.yml, enriched with IRR and RPKI data, checked,
deployed with a gate, compared, explained.

The door for other components and the command line:

- building: :func:`write_config` (``rs build`` whole, asked by a :class:`BuildRequest`:
  settings resolved, built, checked by the daemon, written; :class:`WrittenConfig`), or its
  parts :func:`clients_from_exchange`, :func:`read_clients`, :func:`policy_for_exchange`,
  :func:`load_policy` / :class:`Policy`,
  :func:`enrich_clients` (IRR, RPKI, PeeringDB data), :func:`build_config`; their errors
  (:class:`BuildError`, :class:`ConfigNotWritten`, :class:`ClientsError`, :class:`PolicyError`,
  :class:`EnrichError`, :class:`IrrError`, :class:`RpkiFileError`) and the filter reasons
  (:class:`FilterReason`, the ``x`` of ``RS:1101:x``);
- deploying: :func:`run_deploy` (``rs deploy`` whole, asked by a :class:`DeployRequest`:
  settings resolved, one server or each in turn, the figures recorded; :class:`DeployRun`,
  :class:`DeployRefused`), or its
  parts :func:`deploy_config`, :class:`RouteGate`, :class:`Bird` / :class:`OpenBgpd`
  (:class:`Daemon`), staged over several servers with :func:`deploy_staged` /
  :class:`Stage` (:class:`StageOutcome`); the figures left for ``/metrics`` (:func:`record_deploy`);
- comparing: :func:`diff_configs` (:class:`ConfigDiff`, :class:`SetChange`,
  :class:`ConfigReadError`);
- the looking glass: ``lg_neighbours``, ``lg_routes``, ``lg_exported``, ``lg_routes_page``,
  ``lg_exported_page``, ``lg_search``, ``lg_explain`` over :class:`RouteServerEndpoint`
  (which ones: ``lg_servers``, or :class:`ServersRefused` naming the option) answering
  :class:`Neighbour`, :class:`RouteView`, :class:`RoutePage`; BIRD's socket
  (:class:`BirdSocket`, :class:`BirdError` and its reasons ``BIRD_TIMEOUT``,
  ``BIRD_UNREACHABLE``);
- the client options' one schema, which the registry's clients.yml import and its admin
  check against (:class:`OptionError`, :func:`check_cfg`, :func:`check_options`, ...).

Names are loaded on first use, so a build loads only what it needs and the portal's looking
glass never loads the renderers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.routeserver.build import (
        BuildError,
        build_config,
        enrich_clients,
        policy_for_exchange,
    )
    from lakou.routeserver.clients import ClientsError, clients_from_exchange, read_clients
    from lakou.routeserver.communities import Reason as FilterReason
    from lakou.routeserver.config import RouteServerEndpoint
    from lakou.routeserver.confread import ConfigReadError
    from lakou.routeserver.deploy import Bird, Daemon, DeployError, OpenBgpd, RouteGate
    from lakou.routeserver.deploy import deploy as deploy_config
    from lakou.routeserver.diff import ConfigDiff, SetChange, diff_configs
    from lakou.routeserver.enrich import EnrichError, IrrError, RpkiFileError
    from lakou.routeserver.exposition import record_deploy
    from lakou.routeserver.lg.api import explain as lg_explain
    from lakou.routeserver.lg.api import exported as lg_exported
    from lakou.routeserver.lg.api import exported_page as lg_exported_page
    from lakou.routeserver.lg.api import neighbours as lg_neighbours
    from lakou.routeserver.lg.api import routes as lg_routes
    from lakou.routeserver.lg.api import routes_page as lg_routes_page
    from lakou.routeserver.lg.api import search as lg_search
    from lakou.routeserver.lg.birdsock import TIMEOUT as BIRD_TIMEOUT
    from lakou.routeserver.lg.birdsock import UNREACHABLE as BIRD_UNREACHABLE
    from lakou.routeserver.lg.birdsock import BirdError, BirdSocket
    from lakou.routeserver.lg.model import Neighbour, RoutePage, RouteView
    from lakou.routeserver.lg.servers import ServersRefused
    from lakou.routeserver.lg.servers import route_servers as lg_servers
    from lakou.routeserver.options import (
        Notes,
        OptionError,
        check_as_set,
        check_cfg,
        check_options,
        check_password,
        check_text,
        first_difference,
        join,
        list_of,
        merge_cfg,
        split_cfg,
    )
    from lakou.routeserver.policy import Policy, PolicyError, load_policy
    from lakou.routeserver.rollout import DeployRefused, DeployRequest, DeployRun, run_deploy
    from lakou.routeserver.staged import Stage, StageOutcome, deploy_staged
    from lakou.routeserver.write import (
        BuildRequest,
        ConfigNotWritten,
        WrittenConfig,
        write_config,
    )

_WHERE = {  # name -> "module" or "module:name there"
    "BuildError": "build",
    "build_config": "build",
    "enrich_clients": "build",
    "policy_for_exchange": "build",
    "ClientsError": "clients",
    "clients_from_exchange": "clients",
    "read_clients": "clients",
    "FilterReason": "communities:Reason",
    "ConfigReadError": "confread",
    "Bird": "deploy",
    "Daemon": "deploy",
    "DeployError": "deploy",
    "OpenBgpd": "deploy",
    "RouteGate": "deploy",
    "deploy_config": "deploy:deploy",
    "ConfigDiff": "diff",
    "SetChange": "diff",
    "diff_configs": "diff",
    "EnrichError": "enrich",
    "IrrError": "enrich",
    "RpkiFileError": "enrich",
    "record_deploy": "exposition",
    "Neighbour": "lg.model",
    "RoutePage": "lg.model",
    "RouteServerEndpoint": "config",
    "RouteView": "lg.model",
    "lg_explain": "lg.api:explain",
    "lg_exported": "lg.api:exported",
    "lg_exported_page": "lg.api:exported_page",
    "lg_neighbours": "lg.api:neighbours",
    "lg_routes": "lg.api:routes",
    "lg_routes_page": "lg.api:routes_page",
    "lg_search": "lg.api:search",
    "ServersRefused": "lg.servers",
    "lg_servers": "lg.servers:route_servers",
    "BIRD_TIMEOUT": "lg.birdsock:TIMEOUT",
    "BIRD_UNREACHABLE": "lg.birdsock:UNREACHABLE",
    "BirdError": "lg.birdsock",
    "BirdSocket": "lg.birdsock",
    "Notes": "options",
    "OptionError": "options",
    "check_as_set": "options",
    "check_cfg": "options",
    "check_options": "options",
    "check_password": "options",
    "check_text": "options",
    "first_difference": "options",
    "join": "options",
    "list_of": "options",
    "merge_cfg": "options",
    "split_cfg": "options",
    "Policy": "policy",
    "PolicyError": "policy",
    "load_policy": "policy",
    "DeployRefused": "rollout",
    "DeployRequest": "rollout",
    "DeployRun": "rollout",
    "run_deploy": "rollout",
    "Stage": "staged",
    "StageOutcome": "staged",
    "deploy_staged": "staged",
    "BuildRequest": "write",
    "ConfigNotWritten": "write",
    "WrittenConfig": "write",
    "write_config": "write",
}

__all__ = [
    "BIRD_TIMEOUT",
    "BIRD_UNREACHABLE",
    "Bird",
    "BirdError",
    "BirdSocket",
    "BuildError",
    "BuildRequest",
    "ClientsError",
    "ConfigDiff",
    "ConfigNotWritten",
    "ConfigReadError",
    "Daemon",
    "DeployError",
    "DeployRefused",
    "DeployRequest",
    "DeployRun",
    "EnrichError",
    "FilterReason",
    "IrrError",
    "Neighbour",
    "Notes",
    "OpenBgpd",
    "OptionError",
    "Policy",
    "PolicyError",
    "RouteGate",
    "RoutePage",
    "RouteServerEndpoint",
    "RouteView",
    "RpkiFileError",
    "ServersRefused",
    "SetChange",
    "Stage",
    "StageOutcome",
    "WrittenConfig",
    "build_config",
    "check_as_set",
    "check_cfg",
    "check_options",
    "check_password",
    "check_text",
    "clients_from_exchange",
    "deploy_config",
    "deploy_staged",
    "diff_configs",
    "enrich_clients",
    "first_difference",
    "join",
    "lg_explain",
    "lg_exported",
    "lg_exported_page",
    "lg_neighbours",
    "lg_routes",
    "lg_routes_page",
    "lg_search",
    "lg_servers",
    "list_of",
    "load_policy",
    "merge_cfg",
    "policy_for_exchange",
    "read_clients",
    "record_deploy",
    "run_deploy",
    "split_cfg",
    "write_config",
]


__getattr__ = lazy_door(__name__, _WHERE)
