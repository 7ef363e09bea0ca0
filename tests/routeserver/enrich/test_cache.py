"""The IRR/ROA cache: exact round trip, truncation detected, huge AS-SET end to end."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.routeserver.enrich import Bgpq4Source, IrrData, IrrRequest, Roa, enrich
from lakou.routeserver.enrich.cache import CacheError, IrrCache, PrefixBlock, RoaCache, joined
from lakou.routeserver.enrich.testing import serve_whois, synthetic_irr

_v4 = st.tuples(st.integers(0, 255), st.integers(0, 255), st.integers(8, 24)).map(
    lambda t: f"{t[0]}.{t[1]}.0.0/{min(t[2], 16)}"
)


@settings(max_examples=40, deadline=None)
@given(
    origins=st.frozensets(st.integers(1, 2**32 - 1), max_size=20),
    v4=st.lists(_v4, max_size=30, unique=True),
    problems=st.lists(st.text(max_size=40), max_size=3),
    as_sets=st.lists(st.from_regex(r"AS-[A-Z0-9]{1,8}", fullmatch=True), max_size=3),
)
def test_round_trip(
    tmp_path_factory: pytest.TempPathFactory,
    origins: frozenset[int],
    v4: list[str],
    problems: list[str],
    as_sets: list[str],
) -> None:
    cache = IrrCache(tmp_path_factory.mktemp("c"))
    request = IrrRequest(64496, tuple(as_sets))
    data = IrrData(
        asn=64496,
        as_sets=tuple(as_sets),
        origins=origins | {64496},
        prefixes_v4=tuple(v4),
        prefixes_v6=("2001:db8::/32",) if v4 else (),
        source="test",
        fetched_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        problems=tuple(problems),
    )
    cache.save("src", request, data)
    assert cache.load("src", request) == data
    assert cache.load("other-src", request) is None


def test_truncated_entry_is_refused_at_every_cut(tmp_path: Path) -> None:
    cache = IrrCache(tmp_path)
    request = IrrRequest(10, ("AS-X",))
    data = IrrData(
        10,
        ("AS-X",),
        frozenset({10, 11}),
        ("11.0.0.0/24", "11.0.1.0/24"),
        ("2001:db8::/32",),
        "s",
        datetime.now(UTC),
    )
    path = cache.save("s", request, data)
    whole = path.read_bytes()
    for cut in range(len(whole) - 1):
        path.write_bytes(whole[:cut])
        with pytest.raises(CacheError, match=str(path)):
            cache.load("s", request)


@pytest.mark.parametrize(
    ("v4", "v6"),
    [((), ()), (("11.0.0.0/24",), ()), ((), ("2001:db8::/32", "2001:db8:1::/48")),
     (("11.0.0.0/24", "12.0.0.0/8"), ("2001:db8::/32",))],
)  # fmt: skip
def test_prefixes_come_back_as_blocks_of_text(
    tmp_path: Path, v4: tuple[str, ...], v6: tuple[str, ...]
) -> None:
    """Each family is read back as its block of lines: equal to the tuple, its text the
    newline join (what the renderer reads whole), split only when iterated."""
    cache = IrrCache(tmp_path)
    request = IrrRequest(10, ("AS-X",))
    data = IrrData(10, ("AS-X",), frozenset({10}), v4, v6, "s", datetime.now(UTC))
    cache.save("s", request, data)
    loaded = cache.load("s", request)
    assert loaded is not None and loaded == data
    for block, want in ((loaded.prefixes_v4, v4), (loaded.prefixes_v6, v6)):
        assert isinstance(block, PrefixBlock)
        assert block.text == "\n".join(want) == joined(block) == joined(want)
        assert len(block) == len(want) and bool(block) == bool(want)
        assert list(block) == list(want) and block[:] == want and want == block
        assert hash(block) == hash(want)
    # a v6 line among the v4 ones (an altered file) no longer matches the header's counts
    if v4 and v6:
        path = cache.path_for("s", request)
        text = path.read_text()
        path.write_text(text.replace(v6[0] + "\n", "", 1).replace(v4[0], v4[0] + "\n" + v6[0]))
        with pytest.raises(CacheError, match="truncated"):
            cache.load("s", request)


def test_roa_cache_round_trip_and_truncation(tmp_path: Path) -> None:
    cache = RoaCache(tmp_path)
    roas = (Roa(13335, "1.1.1.0/24", 24, "apnic"), Roa(1, "2001:db8::/32", 48, ""))
    cache.save(roas, tmp_path / "vrps.json")
    assert cache.load() == roas
    cache.path.write_bytes(cache.path.read_bytes()[:-5])
    with pytest.raises(CacheError, match="truncated"):
        cache.load()


@pytest.mark.slow
def test_huge_as_set_through_bgpq4_and_the_cache(bgpq4: str, tmp_path: Path) -> None:
    """The AS-HURRICANE-sized client: 28,700 origins, 860k + 630k route objects."""
    synthetic = synthetic_irr(2, huge=True, seed=3)
    assert synthetic.huge is not None
    with serve_whois(synthetic.database) as address:
        source = Bgpq4Source(address, ["RIPE", "ARIN"], timeout=300)
        cold = enrich(synthetic.requests, irr=source, cache_dir=tmp_path)
    huge = cold.irr[synthetic.huge.asn]
    assert len(huge.origins) == 28_700
    assert (len(huge.prefixes_v4), len(huge.prefixes_v6)) == (860_000, 630_000)
    assert huge.problems == ()
    # warm: the server is gone, the cache alone answers and nothing is stale
    warm = enrich(synthetic.requests, irr=source, cache_dir=tmp_path)
    assert warm.irr == cold.irr
    assert not any(d.stale for d in warm.irr.values())
    direct = set(synthetic.database.prefixes(synthetic.huge.origins, 4))
    assert set(huge.prefixes_v4) == direct
