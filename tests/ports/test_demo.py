"""``lakou ports demo``'s engine call: a marked demo store, refilled, never another store."""

from __future__ import annotations

from pathlib import Path

import pytest

from lakou.ports import NotADemoStore, PortStore, make_demo


def test_the_demo_fills_marks_and_refills(tmp_path: Path) -> None:
    directory = tmp_path / "ports" / "demo-ix"
    first = make_demo(directory, members=3, days=1)
    assert first["ports"] == 3 and first["peak_bps"] > 0
    assert (directory / ".lakou-ports-demo").is_file()
    again = make_demo(directory, members=2, days=1)  # replaced, not stacked
    assert again["ports"] == 2
    stored = PortStore(directory).statistics(0, 4e9, 1800)
    assert stored["ports"] == 2


def test_a_store_that_is_not_the_demos_is_left_alone(tmp_path: Path) -> None:
    directory = tmp_path / "real"
    (directory / "raw").mkdir(parents=True)
    (directory / "raw" / "keep.parquet").write_bytes(b"not the demo's")
    with pytest.raises(NotADemoStore) as refused:
        make_demo(directory, members=2, days=1)
    assert refused.value.directory == directory
    assert (directory / "raw" / "keep.parquet").read_bytes() == b"not the demo's"
