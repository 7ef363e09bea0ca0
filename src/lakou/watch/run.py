"""One ``lakou watch run`` in one call: observe, fold into the event book, mail.

:func:`watch_run` makes the observations it is asked for: a flow store's LAN tables
(:class:`LanWatch`: the hygiene findings of the recent window, and a collector that fell
silent) through :mod:`lakou.lan`'s door, route-server sessions (:class:`SessionWatch`:
sessions not established, and members announcing the exchange's own peering-LAN prefixes)
through :mod:`lakou.routeserver`'s looking glass. It reads the contacts file, adds the
contacts the caller gives (the registry's, which the command line reads: the watch stays
without Django; a contacts file entry for the same address wins), then folds and mails
(:func:`~lakou.watch.once.fold_and_tell`) and returns a :class:`WatchReport`.

A source that cannot be read is a :class:`WatchError` naming it (nothing folded, the book
untouched); the book and the contacts keep their own errors (:class:`EventBookError`,
:class:`NotifyError`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import ip_network
from pathlib import Path
from typing import Any

from lakou.i18n import gettext as _
from lakou.watch.events import Observation
from lakou.watch.notify import Contact, Smtp, load_contacts
from lakou.watch.once import WatchReport, fold_and_tell
from lakou.watch.sources import (
    from_collector,
    from_findings,
    from_lan_prefix_routes,
    from_neighbours,
)

__all__ = ["LanWatch", "SessionWatch", "WatchError", "watch_run"]


class WatchError(RuntimeError):
    """A source of observations could not be read: the message names it."""


@dataclass(frozen=True)
class LanWatch:
    """Observe a flow store's LAN tables."""

    store_dir: str
    watchlist: Any  # lakou.lan.Watchlist: the members, their ports, MACs and addresses
    window_seconds: int = 15 * 60  # findings seen this recently are still open
    silent_seconds: int = 10 * 60  # no sample kept this long: the collector is silent


@dataclass(frozen=True)
class SessionWatch:
    """Observe route servers' sessions (and the peering LANs announced to them)."""

    servers: Sequence[Any]  # lakou.routeserver.RouteServerEndpoint
    peering_lans: Sequence[str] = ()  # prefixes, as ip_network reads them


def watch_run(
    state: str | Path,
    now: int,
    *,
    lan: LanWatch | None = None,
    sessions: SessionWatch | None = None,
    contacts_file: str | Path | None = None,
    more_contacts: Iterable[Contact] = (),
    smtp: Smtp | None = None,
    exchange: str = "lakou",
    settle_seconds: int = 0,
) -> WatchReport:
    """Observe ``lan`` and/or ``sessions`` as at ``now``, fold into the book at ``state``,
    mail the changes to the contacts (unless ``smtp`` is None)."""
    if lan is None and sessions is None:
        raise TypeError("watch_run: give lan or sessions to observe")
    observations: dict[str, list[Observation]] = {}
    if lan is not None:
        observations.update(_observe_lan(lan, now))
    if sessions is not None:
        observations.update(_observe_sessions(sessions))
    people = load_contacts(contacts_file) if contacts_file else []
    known = {p.email for p in people}
    people += [p for p in more_contacts if p.email not in known]
    return fold_and_tell(state, now, observations, people, exchange, smtp, settle_seconds)


def _observe_lan(lan: LanWatch, now: int) -> dict[str, list[Observation]]:
    from lakou.lan import LanStoreError, has_lan_data, lan_last_seen, lan_report

    if not has_lan_data(lan.store_dir):
        # a store without LAN tables is no proof of a clean LAN: say so, do not report
        raise WatchError(
            _(
                "{path}/lan: no LAN hygiene data yet; run lakou flows collect or "
                "lakou flows replay with --store {path}"
            ).format(path=lan.store_dir)
        )
    try:
        findings = lan_report(lan.store_dir, lan.watchlist, now - lan.window_seconds, now + 1)
    except LanStoreError as exc:
        raise WatchError(str(exc)) from None
    last = lan_last_seen(lan.store_dir)
    return {
        "lan": from_findings(findings),
        "collector": from_collector(lan.store_dir, last, now, lan.silent_seconds),
    }


def _observe_sessions(watch: SessionWatch) -> dict[str, list[Observation]]:
    from lakou.routeserver import BirdError, lg_neighbours, lg_search

    rows = []
    for rs in watch.servers:
        try:
            rows += lg_neighbours(rs)
        except (BirdError, OSError) as exc:
            raise WatchError(f"{rs.name}: {exc}") from None
    out = {"sessions": from_neighbours(rows)}
    if watch.peering_lans:
        routes = []
        for prefix in watch.peering_lans:
            # The prefix itself, and the longest match for its first address: a more
            # specific announced inside the LAN shows there.
            first = str(next(ip_network(prefix, strict=False).hosts()))
            for wanted in (prefix, first):
                try:
                    routes += lg_search(list(watch.servers), wanted)
                except (BirdError, OSError) as exc:
                    raise WatchError(str(exc)) from None
        out["routes"] = from_lan_prefix_routes(routes, rows, watch.peering_lans)
    return out
