"""lakou.registry: the exchange's registry (Django): exchanges, peering LANs, members,
their connections, addresses, MACs and route-server sessions; IX-F and clients.yml
imports and exports; the PeeringDB cache's Django side.

The door for the engines and the command line (each name needs Django set up, as the
command line's ``ctx.setup_django()`` does, before it is used):

- the registry as the engines see it, typed and without Django objects
  (:mod:`lakou.exchange`): :func:`exchange_view` (one exchange by slug),
  :func:`all_exchanges`, :func:`switch_addresses` (the sFlow agents of the exchange's
  switches); :func:`exchange_roll` (``exchange list``'s typed rows, :class:`RollRow`,
  members counted), :func:`exchange_summary` (``exchange show``'s JSON of one exchange);
  :func:`registry_watchlist` (the LAN hygiene checks' ports and MACs),
  :func:`registry_contacts` (who the watch mails); :func:`registry_fingerprint` (one
  query telling whether anything in the registry changed, for the portal's caches);
- the members (``lakou member``): :func:`member_roll` (an exchange's roll call) and
  :func:`member_details` (one network's memberships), :data:`MemberRow` dictionaries,
  refused with :class:`UnknownExchange` or :class:`NotAMember`;
- finding an exchange by slug: :func:`get_exchange`, :func:`unknown_exchange`,
  :class:`UnknownExchange` (its message names the slugs the registry has);
- imports and exports: :func:`export_exchange` (checked against the official schema when
  given one, :class:`ExportInvalid`) and :func:`import_document` (IX-F,
  :class:`ImportBusy`), :func:`import_clients` and :func:`export_clients` (arouteserver's
  clients.yml, :class:`ClientsError`);
- :func:`make_backup` and :func:`restore_backup` (a :class:`RestoreReport`;
  :class:`BackupError`);
- PeeringDB's side: :func:`prefill_member` (a :class:`MemberPrefill`),
  :func:`compare_with_peeringdb`, :class:`PeeringDBRegistryError`;
- for ``lakou ports``: :func:`ports_config` (the switches to poll and the members'
  ports), :func:`port_members` and :func:`registered_macs`.

Django's own ways in (``models``, ``admin``, ``apps``, ``migrations``) are imported by
path. Names are loaded on first use, so importing the door imports no model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.registry.arouteserver import ClientsError, export_clients, import_clients
    from lakou.registry.backup import BackupError, RestoreReport
    from lakou.registry.backup import backup as make_backup
    from lakou.registry.backup import restore as restore_backup
    from lakou.registry.engines import all_exchanges, exchange_view, switch_addresses
    from lakou.registry.fingerprint import registry_fingerprint
    from lakou.registry.ixf.export import ExportInvalid, export_exchange
    from lakou.registry.ixf.import_ import ImportBusy, import_document
    from lakou.registry.lan_view import registry_watchlist
    from lakou.registry.members import MemberRow, NotAMember, member_details, member_roll
    from lakou.registry.peeringdb import MemberPrefill, PeeringDBRegistryError, prefill_member
    from lakou.registry.peeringdb import compare as compare_with_peeringdb
    from lakou.registry.ports import port_members, ports_config, registered_macs
    from lakou.registry.roll import RollRow, exchange_roll, exchange_summary
    from lakou.registry.slugs import UnknownExchange, get_exchange, unknown_exchange
    from lakou.registry.watch_view import registry_contacts

_WHERE = {  # name -> "module" or "module:name there"
    "ClientsError": "arouteserver",
    "export_clients": "arouteserver",
    "import_clients": "arouteserver",
    "BackupError": "backup",
    "RestoreReport": "backup",
    "make_backup": "backup:backup",
    "restore_backup": "backup:restore",
    "all_exchanges": "engines",
    "exchange_view": "engines",
    "switch_addresses": "engines",
    "registry_fingerprint": "fingerprint",
    "ExportInvalid": "ixf.export",
    "export_exchange": "ixf.export",
    "ImportBusy": "ixf.import_",
    "import_document": "ixf.import_",
    "registry_watchlist": "lan_view",
    "MemberRow": "members",
    "NotAMember": "members",
    "member_details": "members",
    "member_roll": "members",
    "MemberPrefill": "peeringdb",
    "PeeringDBRegistryError": "peeringdb",
    "compare_with_peeringdb": "peeringdb:compare",
    "prefill_member": "peeringdb",
    "port_members": "ports",
    "ports_config": "ports",
    "registered_macs": "ports",
    "RollRow": "roll",
    "exchange_roll": "roll",
    "exchange_summary": "roll",
    "UnknownExchange": "slugs",
    "get_exchange": "slugs",
    "unknown_exchange": "slugs",
    "registry_contacts": "watch_view",
}

__all__ = [
    "BackupError",
    "ClientsError",
    "ExportInvalid",
    "ImportBusy",
    "MemberPrefill",
    "MemberRow",
    "NotAMember",
    "PeeringDBRegistryError",
    "RestoreReport",
    "RollRow",
    "UnknownExchange",
    "all_exchanges",
    "compare_with_peeringdb",
    "exchange_roll",
    "exchange_summary",
    "exchange_view",
    "export_clients",
    "export_exchange",
    "get_exchange",
    "import_clients",
    "import_document",
    "make_backup",
    "member_details",
    "member_roll",
    "port_members",
    "ports_config",
    "prefill_member",
    "registered_macs",
    "registry_contacts",
    "registry_fingerprint",
    "registry_watchlist",
    "restore_backup",
    "switch_addresses",
    "unknown_exchange",
]

__getattr__ = lazy_door(__name__, _WHERE)
