"""The LAN daemon tests' fixtures: the members file of the LAN tests, a real ClickHouse."""

from tests.lan.conftest import members
from tests.live.flows.conftest import clickhouse

__all__ = ["clickhouse", "members"]
