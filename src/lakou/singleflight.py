"""A small in-memory cache where one caller builds a value and the others never pile up.

The portal keeps a few expensive results in memory (the traffic reports, the public IX-F
export). A plain time-limited cache stampedes: when an entry expires under load, every
request that arrives during the rebuild starts its own rebuild (16 visitors, 16 reports
of a week of flows, seconds of stall). :class:`SingleFlight` gives each key one builder
at a time: while it builds, the others get the previous value if there is one (stale by
at most one build) or, on the very first build, wait for it rather than build again. A
failed build raises in its caller only; the others retry once it is done. Entries are
bounded in number (the oldest go first), so memory stays bounded whatever the keys.
:meth:`SingleFlight.invalidate` drops everything (after a change the value must show at
once, stale values included). With ``background=True`` an expired value is rebuilt by a
thread of its own while every caller, the one that noticed included, gets the previous
value at once: after the first build nobody waits (the builder must then not need the
caller's context: no database connection, no request). Plain threads and a lock: no
Django, no asyncio.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class _Entry(Generic[T]):
    value: T
    made: float
    generation: int


@dataclass
class _Flight:
    done: threading.Event = field(default_factory=threading.Event)


class SingleFlight(Generic[T]):
    """Values built by ``build()`` on first use and again ``max_age`` seconds later."""

    def __init__(self, max_age: float, max_entries: int = 16, background: bool = False) -> None:
        self.max_age = max_age
        self.background = background
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, _Entry[T]] = OrderedDict()
        self._flights: dict[Hashable, _Flight] = {}
        self._generation = 0
        self.builds = 0  # how many times a value was built (tests count them)

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        """The value for ``key``: cached, stale while another caller rebuilds it, or built."""
        while True:
            with self._lock:
                entry = self._entries.get(key)
                fresh = (
                    entry is not None
                    and entry.generation == self._generation
                    and time.monotonic() - entry.made < self.max_age
                )
                if entry is not None and fresh:
                    return entry.value
                flight = self._flights.get(key)
                if flight is not None:
                    if entry is not None and entry.generation == self._generation:
                        return entry.value  # stale by at most the build under way
                else:
                    flight = self._flights[key] = _Flight()
                    generation = self._generation
                    if self.background and entry is not None:
                        stale = entry.value
                        threading.Thread(
                            target=self._build_quietly,
                            args=(key, build, flight, generation),
                            name="singleflight",
                            daemon=True,
                        ).start()
                        return stale
                    break
            flight.done.wait()  # the first build of this key: wait for it, then look again
        return self._build(key, build, flight, generation)

    def _build_quietly(
        self, key: Hashable, build: Callable[[], T], flight: _Flight, generation: int
    ) -> None:
        try:
            self._build(key, build, flight, generation)
        except Exception:  # the stale value stays; the next caller retries
            with self._lock:
                entry = self._entries.get(key)
                if entry is not None:
                    entry.made = time.monotonic() - self.max_age  # due again at once

    def _build(self, key: Hashable, build: Callable[[], T], flight: _Flight, generation: int) -> T:
        try:
            started = time.monotonic()
            value = build()
            with self._lock:
                self.builds += 1
                if generation == self._generation:
                    self._entries[key] = _Entry(value, started, generation)
                    self._entries.move_to_end(key)
                    while len(self._entries) > self.max_entries:
                        self._entries.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()

    def serves(self, value: T) -> bool:
        """Whether ``get`` still answers ``value`` without waiting for a build: it is the
        value held for its key (not replaced, not invalidated), and fresh or being rebuilt
        (what is kept from it, a rendered page, may be kept as long)."""
        with self._lock:
            for key, entry in self._entries.items():
                if entry.value is value:
                    return entry.generation == self._generation and (
                        time.monotonic() - entry.made < self.max_age or key in self._flights
                    )
            return False

    def invalidate(self) -> None:
        """Forget every value: the next caller of each key builds it again."""
        with self._lock:
            self._generation += 1
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
