"""Where IRR data comes from: the :class:`IrrSource` protocol and the errors it raises.

A source turns one client's :class:`IrrRequest` into :class:`IrrData`. Problems that leave
usable data (an AS-SET that does not exist, a loop cut) go into ``IrrData.problems``; a
failure that leaves no trustworthy data at all (IRR server down or timing out, bgpq4
missing or crashing, unreadable RPSL) raises :class:`IrrError`, and :func:`enrich` falls
back to the last good cached data for that client.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from lakou.routeserver.enrich.model import IrrData, IrrRequest


class IrrError(Exception):
    """The IRR could not be queried for a client; no data from this attempt is usable."""


@runtime_checkable
class IrrSource(Protocol):
    """Anything that expands a client's AS-SETs and finds the route objects of its origins."""

    @property
    def description(self) -> str:
        """Shown in ``IrrData.source`` and part of the cache key: ``bgpq4 HOST:PORT RIPE``."""
        ...

    def fetch(self, request: IrrRequest) -> IrrData:
        """Query the IRR for one client; raise :class:`IrrError` when it cannot."""
        ...
