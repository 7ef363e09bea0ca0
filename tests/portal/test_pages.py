"""The public pages show what a visitor needs: exchanges, LANs, members, the demo label."""

from __future__ import annotations

import pytest
from django.test import Client

from lakou.demo import DemoSummary
from lakou.registry import models as m

pytestmark = pytest.mark.django_db


def text(client: Client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_home_lists_exchanges_with_lans_members_and_bridges(
    client: Client, demo: DemoSummary
) -> None:
    page = text(client, "/")
    for name in ("Saint-Martin IX (demo)", "Saint-Barthélemy IX (demo)", "Sint Maarten IX (demo)"):
        assert name in page
    for prefix in (
        "192.0.2.0/24",
        "2001:db8:100::/64",
        "198.51.100.0/24",
        "200.0.22.0/23",
        "2001:13c7:6002::/48",
    ):
        assert prefix in page
    assert "VLAN 100" in page and "MTU 1500" in page
    assert "Bridged to" in page
    assert "DEMO DATA" in page
    members = m.Member.objects.count()
    assert f"{members} members in all" in page
    assert "/participants.json" in page and 'href="/admin/"' in page


def test_exchange_page_lists_members_route_servers_and_addresses(
    client: Client, demo: DemoSummary
) -> None:
    page = text(client, "/exchanges/demo-saint-martin/")
    assert "Saint-Martin IX (demo)" in page
    assert "DEMO DATA" in page
    # a member row: ASN, name, policy, speed, addresses, route-server sessions
    assert "AS33392" in page and "Dauphin Telecom" in page
    row = page[page.index('id="as33392"') :]
    row = row[: row.index("</tr>")]
    assert "192.0.2.14" in row and "2001:db8:100::14" in row
    assert "selective" in row and "Gb/s" in row and "IPv4" in row and "IPv6" in row
    # the network that stays off the route servers says so
    row = page[page.index('id="as48252"') :]
    assert ">no<" in row[: row.index("</tr>")]
    assert "rs1-marigot" in page and "AS64496" in page and "BIRD 2 2.0.12" in page
    assert "Sint Maarten IX (demo)" in page  # the bridge
    # members of other exchanges are not listed here
    assert "AS27781" not in page


def test_no_demo_banner_for_a_real_exchange(client: Client) -> None:
    ex = m.Exchange.objects.create(slug="gix", name="GIX", country="GP", city="Baie-Mahault")
    m.PeeringLan.objects.create(
        exchange=ex, name="peering", vlan_id=10, ipv4_prefix="203.0.113.0/24"
    )
    for url in ("/", "/exchanges/gix/"):
        page = text(client, url)
        assert "GIX" in page and "203.0.113.0/24" in page and "Guadeloupe" in page
        assert "DEMO DATA" not in page


def test_empty_install_says_so(client: Client) -> None:
    assert "No exchange yet" in text(client, "/")


def test_unknown_exchange_is_404(client: Client, demo: DemoSummary) -> None:
    assert client.get("/exchanges/nowhere/").status_code == 404


def test_french_from_accept_language(client: Client, demo: DemoSummary) -> None:
    page = text(client, "/", **{"accept-language": "fr"})
    assert '<html lang="fr">' in page
    assert "Points d’échange Internet" in page
    assert "DONNÉES DE DÉMO" in page
    assert "Relié à" in page
    page = text(client, "/exchanges/demo-saint-martin/", **{"accept-language": "fr"})
    assert "Membres" in page and "Serveurs de route" in page and "sélective" in page


def test_language_switch_sets_the_language(client: Client, demo: DemoSummary) -> None:
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert "Points d’échange Internet" in text(client, "/")
    client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert "Puntos de intercambio de Internet" in text(client, "/")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Internet exchange points" in text(client, "/")


def test_pages_use_only_local_assets(client: Client, demo: DemoSummary) -> None:
    for url in ("/", "/exchanges/demo-sint-maarten/"):
        page = text(client, url)
        assert "/static/portal/lakou.css" in page
        for tag in ('src="http', 'href="//', "cdn"):
            assert tag not in page.replace('href="https://www.peeringdb.com', "")
