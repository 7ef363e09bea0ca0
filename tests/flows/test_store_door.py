"""The flow store's door: one place knows where the store is, opens it, and reads the
demo's marker (so the portal tells the demo's week from measured traffic without the demo)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lakou.flows import (
    DEMO_MARKER,
    FlowStoreError,
    ParquetStore,
    open_store,
    read_demo_marker,
    store_location,
)
from lakou.flows.config import Config


def test_the_default_store_is_data_dir_flows(tmp_path: Path) -> None:
    where = store_location(Config(), tmp_path)
    assert (where.kind, where.directory, where.location) == (
        "duckdb",
        tmp_path / "flows",
        str(tmp_path / "flows"),
    )
    store = open_store(Config(), tmp_path)
    assert isinstance(store, ParquetStore) and store.root == tmp_path / "flows"


def test_the_command_line_wins_over_the_setting(tmp_path: Path) -> None:
    config = Config(store_dir=str(tmp_path / "set"))
    assert store_location(config, tmp_path).directory == tmp_path / "set"
    given = store_location(config, tmp_path, store_dir=tmp_path / "given")
    assert given.directory == tmp_path / "given"


def test_clickhouse_keeps_lan_tables_only_in_a_named_directory(tmp_path: Path) -> None:
    config = Config(store="clickhouse")
    where = store_location(config, tmp_path)
    assert where.kind == "clickhouse" and where.directory is None
    assert where.location == "127.0.0.1:9000/lakou"
    beside = store_location(config, tmp_path, store_dir=tmp_path / "lan-here")
    assert beside.directory == tmp_path / "lan-here"
    # the LAN tables' reader asks for the files whatever the flow backend
    assert store_location(config, tmp_path, backend="duckdb").directory == tmp_path / "flows"


def test_an_unknown_backend_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(FlowStoreError, match="'mongodb'"):
        open_store(Config(), tmp_path, backend="mongodb")


def test_demo_marker(tmp_path: Path) -> None:
    assert read_demo_marker(tmp_path) is None
    (tmp_path / DEMO_MARKER).write_text(json.dumps({"generator": "lakou demo"}))
    assert read_demo_marker(tmp_path) == {"generator": "lakou demo"}
    (tmp_path / DEMO_MARKER).write_text("[1, 2]")  # not a note
    assert read_demo_marker(tmp_path) is None
    (tmp_path / DEMO_MARKER).write_text("{cut")
    assert read_demo_marker(tmp_path) is None
