"""The disk cache of the IP indexes: same answers as a fresh build, invalidated when a
source file changes, never trusted when corrupt."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lakou.cli import main
from lakou.paths.cache import (
    IndexCacheWarning,
    cache_path,
    cached_index_from_data_dir,
)
from lakou.territory.index import from_text_column, text_column
from lakou.territory.lookup import index_from_data_dir

PFX2AS = (
    "1.0.4.0\t22\t56203\n8.8.8.0\t24\t15169\n200.0.22.0\t23\t27781_988\n2001:db8::\t32\t64500\n"
)
COUNTRY = "1.0.4.0,1.0.7.255,AU\n8.8.8.0,8.8.8.255,US\n"
ADDRESSES = ["1.0.5.1", "8.8.8.8", "200.0.23.1", "2001:db8::1", "9.9.9.9", "1.0.7.255"]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "routeviews-rv2-pfx2as.txt").write_text(PFX2AS)
    (folder / "ip2country-v4.csv").write_text(COUNTRY)
    return folder


def test_hit_gives_the_same_answers(data_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh, described = index_from_data_dir(data_dir, {"GP"})
    cold, cold_described, status = cached_index_from_data_dir(data_dir, ["GP"], cache)
    assert status == "built" and cache_path(cache, data_dir).exists()
    warm, warm_described, status = cached_index_from_data_dir(data_dir, ["gp"], cache)
    assert status == "hit"
    assert warm_described == cold_described == described
    expected = fresh.lookup(ADDRESSES)
    assert expected[1] == ("8.8.8.0/24", 15169, "US") and expected[4] == (None, None, None)
    assert cold.lookup(ADDRESSES) == warm.lookup(ADDRESSES) == expected
    for a, b in zip(fresh.routings + fresh.locations, warm.routings + warm.locations, strict=True):
        assert list(a.prefix) == list(b.prefix) and list(a.territory) == list(b.territory)
        assert np.array_equal(a.asn, b.asn) and a.territory_names == b.territory_names


def test_changed_or_added_file_invalidates(data_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cached_index_from_data_dir(data_dir, ["GP"], cache)
    table = data_dir / "routeviews-rv2-pfx2as.txt"
    table.write_text(PFX2AS.replace("15169", "64501"))
    os.utime(table, ns=(1, 1))  # even with an mtime going backwards, the size changed
    lookup, _d, status = cached_index_from_data_dir(data_dir, ["GP"], cache)
    assert status == "built" and lookup.lookup(["8.8.8.8"])[0][1] == 64501
    (data_dir / "delegated-lacnic-latest").write_text(
        "2|lacnic|20240101|1|19700101|20240101|+0000\nlacnic|GP|ipv4|9.9.9.0|256|20100101|allocated\n"
    )
    lookup, _d, status = cached_index_from_data_dir(data_dir, ["GP"], cache)
    assert status == "built" and lookup.lookup(["9.9.9.9"])[0][2] == "GP"
    assert cached_index_from_data_dir(data_dir, ["GP"], cache)[2] == "hit"
    # other countries asked for: another signature
    assert cached_index_from_data_dir(data_dir, ["GP", "MF"], cache)[2] == "built"


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[: len(b) // 2],  # cut short
        lambda b: b"not a zip file at all",
        lambda b: b"",
    ],
)
def test_corrupt_cache_is_rebuilt_with_a_warning(
    data_dir: Path, tmp_path: Path, damage: object
) -> None:
    cache = tmp_path / "cache"
    cached_index_from_data_dir(data_dir, ["GP"], cache)
    path = cache_path(cache, data_dir)
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    with pytest.warns(IndexCacheWarning, match="unreadable"):
        lookup, _d, status = cached_index_from_data_dir(data_dir, ["GP"], cache)
    assert status == "rebuilt" and lookup.lookup(["8.8.8.8"])[0][1] == 15169
    assert cached_index_from_data_dir(data_dir, ["GP"], cache)[2] == "hit"  # repaired


def test_cache_missing_an_array_is_rebuilt(data_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cached_index_from_data_dir(data_dir, ["GP"], cache)
    path = cache_path(cache, data_dir)
    with np.load(path) as archive:
        arrays = {k: archive[k] for k in archive.files if not k.endswith("_rows4")}
    with path.open("wb") as handle:
        np.savez(handle, **arrays)
    messages: list[str] = []
    _l, _d, status = cached_index_from_data_dir(data_dir, ["GP"], cache, warn=messages.append)
    assert status == "rebuilt" and "_rows4" in messages[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet=st.characters(blacklist_characters="\n")))))
def test_text_column_round_trip(values: list[str | None]) -> None:
    blob, mask = text_column(values)
    assert from_text_column(blob, mask).tolist() == values


def test_cli_uses_the_cache(data_dir: Path, tmp_path: Path, shared_data: Path) -> None:
    atlas = str(shared_data / "traceroutes" / "ripe-atlas-traceroutes.jsonl")
    cache = tmp_path / "cache"
    args = ["paths", "analyze", atlas, "--data-dir", str(data_dir), "--format", "jsonl"]
    runner = CliRunner()
    first = runner.invoke(main, [*args, "--cache-dir", str(cache)])
    assert first.exit_code == 0, first.output
    assert cache_path(cache, data_dir).exists()
    cache_path(cache, data_dir).write_bytes(b"garbage")
    second = runner.invoke(main, [*args, "--cache-dir", str(cache)])
    assert second.exit_code == 0 and "unreadable" in second.stderr
    assert second.stdout == first.stdout
    third = runner.invoke(main, [*args, "--no-cache"])
    assert third.exit_code == 0 and third.stdout == first.stdout


def test_generator_is_seeded_and_reads_as_atlas(tmp_path: Path) -> None:
    """The differential corpus generator: same seed, same results; lakou reads them."""
    import json

    from lakou.paths.sources import read_traceroutes
    from lakou.paths.testing import PATTERNS, CorpusData, ExchangeSample, generate

    exchange = ExchangeSample(
        "pdb:260",
        "OCIX",
        "200.0.22.0/23",
        {27781: ["200.0.22.10"], 988: ["200.0.22.20"], 52389: ["200.0.22.30"]},
        ["200.0.23.250", "200.0.23.251"],
    )
    routers = {27781: "190.185.96.0", 988: "23.138.120.0", 52389: "190.123.16.0"}
    routers |= {3356: "4.68.1.0", 3215: "62.40.100.0"}
    data = CorpusData([exchange], routers, [3215, 3356])
    first = list(generate(data, 2 * len(PATTERNS), seed=3))
    assert first == list(generate(data, 2 * len(PATTERNS), seed=3))
    assert first != list(generate(data, 2 * len(PATTERNS), seed=4))
    path = tmp_path / "atlas.jsonl"
    path.write_text("".join(json.dumps(result) + "\n" for result, _case in first))
    traces = list(read_traceroutes(path))
    assert len(traces) == len(first)
    for trace, (_result, case) in zip(traces, first, strict=True):
        assert [h.ttl for h in trace.hops] == list(range(1, len(case.roles) + 1))
        silent = [h.ttl for h in trace.hops if h.ip is None]
        assert silent == [i for i, role in enumerate(case.roles, start=1) if role == "*"]
