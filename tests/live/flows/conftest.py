"""The flows' daemon fixture (a real ClickHouse server) for the flows' daemon tests."""

from tests.flows.conftest import clickhouse

__all__ = ["clickhouse"]
