"""Public pages and the public API show no filesystem path and no internal host:port.

The traffic pages used to print the flow store's directory and the text of ClickHouse's
errors (host and port included) to any visitor. Visitors now see what kind of store
answers, or that it does not; staff, logged in, still see where and why.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from lakou.accounts.testing import verified_login
from lakou.demo import DemoSummary
from lakou.portal import traffic_queries

pytestmark = pytest.mark.django_db
PUBLIC = ["/", "/traffic/", "/traffic/demo-saint-martin/", "/lg/"]
API = ["/api/traffic", "/api/traffic/demo-saint-martin"]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed when the block ends: nobody listens


def use_flows(settings: Any, **flows: Any) -> None:
    config = settings.LAKOU_CONFIG
    settings.LAKOU_CONFIG = config.model_copy(
        update={"flows": config.flows.model_copy(update=flows)}
    )
    traffic_queries.clear_cache()


def staff_client() -> Client:
    user = get_user_model().objects.create_superuser("ops", "ops@example.org", "pw-ops-123")
    client = Client()
    verified_login(client, user)  # staff pass the second factor (lakou.accounts)
    return client


def bodies(client: Client) -> str:
    text = "".join(client.get(url).content.decode() for url in PUBLIC)
    return text + "".join(client.get(url).content.decode() for url in API)


def test_the_store_path_is_for_staff_only(demo: DemoSummary, settings: Any, tmp_path: Path) -> None:
    store = tmp_path / "very-private-store"
    use_flows(settings, store_dir=str(store))
    public = bodies(Client())
    assert str(tmp_path) not in public and "very-private-store" not in public
    assert "No flow data yet" in public
    assert str(store) in bodies(staff_client())
    traffic_queries.clear_cache()


def test_clickhouse_errors_are_for_staff_only(demo: DemoSummary, settings: Any) -> None:
    port = closed_port()
    clickhouse = settings.LAKOU_CONFIG.flows.clickhouse.model_copy(
        update={"host": "127.0.0.1", "port": port}
    )
    use_flows(settings, store="clickhouse", clickhouse=clickhouse)
    public = bodies(Client())
    assert f":{port}" not in public and "127.0.0.1" not in public
    assert "cannot be read right now" in public
    staff = bodies(staff_client())
    assert f"127.0.0.1:{port}" in staff
    traffic_queries.clear_cache()
