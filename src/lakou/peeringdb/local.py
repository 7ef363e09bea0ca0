"""What a command does with the local PeeringDB cache: find it, sync it, load it, read a network.

:func:`cache_file` is the one place that knows the cache's default location
(``<core.data_dir>/peeringdb.sqlite3`` unless ``registry.peeringdb.cache_file`` says
otherwise). :func:`sync_cache` brings it up to date from the API, :func:`load_dumps`
fills it from PeeringDB's JSON files (no network), :func:`network_ports` reads one
network with its exchange ports. Each opens the cache and closes it again; the command
line prints what they return. :func:`object_types` reads the types a sync is limited to
(``--only``, given to :func:`sync_cache` as it is), refusing unknown ones with
:class:`UnknownObjectTypes`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lakou.i18n import gettext as _
from lakou.peeringdb.cache import PeeringDBCache, Progress, SyncReport, TypeReport
from lakou.peeringdb.dump import read_dump
from lakou.peeringdb.schema import OBJECTS

CACHE_NAME = "peeringdb.sqlite3"


def cache_file(configured: str | Path | None, data_dir: str | Path) -> Path:
    """The cache's path: ``configured`` (``registry.peeringdb.cache_file``) if set, else
    ``peeringdb.sqlite3`` in ``data_dir`` (``core.data_dir``)."""
    return Path(configured) if configured else Path(data_dir) / CACHE_NAME


class UnknownObjectTypes(ValueError):
    """Object types lakou does not keep were asked for; the message names them."""


def object_types(only: str) -> tuple[str, ...]:
    """The object types of ``only`` (comma-separated; empty: all of :data:`OBJECTS`)."""
    objects = tuple(o.strip() for o in only.split(",") if o.strip()) or OBJECTS
    unknown = [o for o in objects if o not in OBJECTS]
    if unknown:
        raise UnknownObjectTypes(
            _("unknown object types: %(items)s") % {"items": ", ".join(unknown)}
        )
    return objects


def sync_cache(
    path: str | Path,
    settings: Any,
    *,
    full: bool = False,
    only: str = "",
    progress: Progress | None = None,
    on_retry: Callable[[str, float], None] | None = None,
) -> SyncReport:
    """Sync the cache at ``path`` from the PeeringDB of ``settings`` (a
    :class:`lakou.registry.config.PeeringDBConfig`), the types of ``only`` (``--only``,
    comma-separated; empty: all) or all; ``on_retry`` hears each wait.

    Refuses unknown types with :class:`UnknownObjectTypes` before anything is fetched.
    Raises :class:`~lakou.peeringdb.client.PeeringDBError` or
    :class:`~lakou.peeringdb.cache.PeeringDBCacheError`, the failing type left as it was.
    """
    objects = object_types(only)
    # httpx comes with the sync only: a build asks this module for the cache's place alone
    from lakou.peeringdb.client import PeeringDBClient

    with (
        PeeringDBCache(path) as cache,
        PeeringDBClient.from_config(settings, on_retry=on_retry) as client,
    ):
        return cache.sync(
            client, full=full, objects=objects, page_size=settings.page_size, progress=progress
        )


@dataclass
class LoadedDump:
    """What :func:`load_dumps` stored: per type, and the types lakou does not keep."""

    files: list[str]
    types: list[TypeReport]
    not_kept: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "types": [vars(r) for r in self.types],
            "not_kept": self.not_kept,
        }


def load_dumps(path: str | Path, dumps: Sequence[str | Path]) -> LoadedDump:
    """Fill the cache at ``path`` from PeeringDB JSON files; nothing is written unless
    every file is usable (:class:`~lakou.peeringdb.dump.DumpError` or
    :class:`~lakou.peeringdb.cache.PeeringDBCacheError` otherwise)."""
    dump = read_dump([Path(d) for d in dumps])
    with PeeringDBCache(path) as cache:
        reports = cache.load(dump.objects)
    return LoadedDump(dump.files, reports, dump.not_kept)


@dataclass
class NetworkPorts:
    """A network of the cache (None when absent) and its exchange ports, each with the
    name of its exchange (``ix_name``); ``cache_empty`` says whether the cache holds
    anything at all (the hint when the network is missing)."""

    asn: int
    net: dict[str, Any] | None
    ports: list[dict[str, Any]] = field(default_factory=list)
    cache_empty: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"net": self.net, "netixlan": self.ports}

    def why_missing(self) -> str:
        """What to tell when the network is not in the cache, with the way to get it."""
        hint = (
            _("the cache is empty: run `lakou peeringdb sync` or `lakou peeringdb load`")
            if self.cache_empty
            else _("run `lakou peeringdb sync` if it was added recently")
        )
        return _("AS%(asn)s is not in the local PeeringDB cache (%(hint)s).") % {
            "asn": self.asn,
            "hint": hint,
        }


def network_ports(path: str | Path, asn: int) -> NetworkPorts:
    """The network ``asn`` and its ports, from the cache at ``path``."""
    with PeeringDBCache(path) as cache:
        net = cache.net_by_asn(asn)
        if net is None:
            return NetworkPorts(asn, None, cache_empty=cache.is_empty())
        ports = []
        for port in cache.netixlans_of_asn(asn):
            ixlan = cache.get("ixlan", port["ixlan_id"])
            ix = cache.ix(ixlan["ix_id"]) if ixlan else None
            ports.append(dict(port, ix_name=ix["name"] if ix else f"ixlan {port['ixlan_id']}"))
        return NetworkPorts(asn, net, ports)
