"""SingleFlight: one builder per key; the others wait (first build) or get the stale value."""

from __future__ import annotations

import threading

import pytest

from lakou.singleflight import SingleFlight


def test_first_build_once_for_many_callers() -> None:
    cache: SingleFlight[int] = SingleFlight(max_age=3600)
    release = threading.Event()
    entered = threading.Event()

    def build() -> int:
        entered.set()
        release.wait()
        return 42

    results: list[int] = []
    first = threading.Thread(target=lambda: results.append(cache.get("k", build)))
    first.start()
    entered.wait()
    others = [
        threading.Thread(target=lambda: results.append(cache.get("k", build))) for _ in range(8)
    ]
    for t in others:
        t.start()
    release.set()
    for t in [first, *others]:
        t.join()
    assert results == [42] * 9
    assert cache.builds == 1


def test_stale_value_while_rebuilding() -> None:
    cache: SingleFlight[str] = SingleFlight(max_age=0.0)  # always due for a rebuild
    assert cache.get("k", lambda: "old") == "old"
    release, entered = threading.Event(), threading.Event()

    def slow() -> str:
        entered.set()
        release.wait()
        return "new"

    rebuilt: list[str] = []
    builder = threading.Thread(target=lambda: rebuilt.append(cache.get("k", slow)))
    builder.start()
    entered.wait()
    # Another caller during the rebuild: the stale value at once, no second build.
    assert cache.get("k", lambda: pytest.fail("a second builder")) == "old"
    release.set()
    builder.join()
    assert rebuilt == ["new"]
    assert cache.builds == 2


def test_failed_build_raises_in_its_caller_only_and_invalidate() -> None:
    cache: SingleFlight[int] = SingleFlight(max_age=3600, max_entries=2)

    def boom() -> int:
        raise RuntimeError("store down")

    with pytest.raises(RuntimeError):
        cache.get("k", boom)
    assert cache.get("k", lambda: 1) == 1
    cache.invalidate()
    assert cache.get("k", lambda: 2) == 2
    for key in ("a", "b", "c"):
        cache.get(key, lambda: 0)
    assert len(cache) == 2  # bounded: the oldest went


def test_background_rebuild_nobody_waits() -> None:
    cache: SingleFlight[str] = SingleFlight(max_age=0.0, background=True)
    assert cache.get("k", lambda: "old") == "old"  # the first build: in the caller
    release, entered = threading.Event(), threading.Event()

    def slow() -> str:
        entered.set()
        release.wait()
        return "new"

    # Expired: the caller that notices gets the old value at once, a thread rebuilds.
    assert cache.get("k", slow) == "old"
    entered.wait()
    assert cache.get("k", lambda: pytest.fail("a second builder")) == "old"
    release.set()
    while cache.builds < 2:
        threading.Event().wait(0.01)
    cache.max_age = 3600.0
    assert cache.get("k", lambda: pytest.fail("fresh: no build")) == "new"
