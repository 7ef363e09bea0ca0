"""The read-only JSON API: exchanges, LANs, members; OpenAPI docs served locally."""

from __future__ import annotations

import pytest
from django.test import Client

from lakou.demo import DemoSummary

pytestmark = pytest.mark.django_db


def get_json(client: Client, url: str) -> object:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:200])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def test_exchanges(client: Client, demo: DemoSummary) -> None:
    data = get_json(client, "/api/exchanges")
    assert isinstance(data, list)
    by_slug = {ex["slug"]: ex for ex in data}
    assert set(by_slug) == {"demo-saint-martin", "demo-saint-barth", "demo-sint-maarten"}
    sxm = by_slug["demo-sint-maarten"]
    assert sxm["demo"] is True and sxm["country"] == "SX" and sxm["territory"] == "Sint Maarten"
    assert sxm["asn"] == 27974
    assert sxm["bridged_to"] == ["demo-saint-barth", "demo-saint-martin"]
    assert sxm["lans"] == [
        {
            "exchange": "demo-sint-maarten",
            "name": "peering",
            "vlan_id": 10,
            "ipv4_prefix": "200.0.22.0/23",
            "ipv6_prefix": "2001:13c7:6002::/48",
            "mtu": 1500,
        }
    ]
    assert [rs["name"] for rs in sxm["route_servers"]] == ["rs1-philipsburg", "rs2-colebay"]
    assert sxm["member_count"] == 5


def test_one_exchange_and_404(client: Client, demo: DemoSummary) -> None:
    data = get_json(client, "/api/exchanges/demo-saint-barth")
    assert isinstance(data, dict) and data["name"] == "Saint-Barthélemy IX (demo)"
    assert client.get("/api/exchanges/nowhere").status_code == 404
    assert client.get("/api/exchanges/nowhere/members").status_code == 404


def test_members(client: Client, demo: DemoSummary) -> None:
    data = get_json(client, "/api/exchanges/demo-saint-martin/members")
    assert isinstance(data, list) and len(data) == 10
    dauphin = next(row for row in data if row["asn"] == 33392)
    assert dauphin["name"] == "Dauphin Telecom"
    assert dauphin["ipv4"] == ["192.0.2.14"] and dauphin["ipv6"] == ["2001:db8:100::14"]
    assert dauphin["route_server_ipv4"] and dauphin["route_server_ipv6"]
    assert dauphin["speed_mbps"] > 0
    assert [row["asn"] for row in data] == sorted(row["asn"] for row in data)
    # nothing personal in the public API
    assert "contacts" not in dauphin and "mac" not in str(data).lower()


def test_lans(client: Client, demo: DemoSummary) -> None:
    data = get_json(client, "/api/lans")
    assert isinstance(data, list)
    assert {(lan["exchange"], lan["vlan_id"]) for lan in data} == {
        ("demo-saint-barth", 200),
        ("demo-saint-martin", 100),
        ("demo-sint-maarten", 10),
    }


def test_read_only(client: Client, demo: DemoSummary) -> None:
    assert client.post("/api/exchanges", {}).status_code == 405
    assert client.delete("/api/exchanges/demo-saint-barth").status_code == 405


def test_openapi_and_docs_offline(client: Client) -> None:
    schema = get_json(client, "/api/openapi.json")
    assert isinstance(schema, dict)
    assert {"/api/exchanges", "/api/exchanges/{slug}/members", "/api/lans"} <= set(schema["paths"])
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/ninja/swagger-ui" in page and "cdn." not in page
