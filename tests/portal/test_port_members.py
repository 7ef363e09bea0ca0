"""Staff's per-member port traffic page, and the public page's empty state."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from django.test import Client

from lakou.accounts.testing import verified_login
from lakou.portal import ports_views
from lakou.ports.demo import fill
from lakou.registry import models as m

pytestmark = pytest.mark.django_db


@pytest.fixture
def exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    m.Exchange.objects.create(slug="smart-ix", name="Smart-IX", country="MF")
    store = tmp_path / "ports" / "smart-ix"
    monkeypatch.setattr(ports_views, "store_directory", lambda slug: tmp_path / "ports" / slug)
    return store


@pytest.fixture
def admin_client(client: Client, django_user_model: type) -> Client:
    """A superuser who passed the second factor (staff need it: lakou.accounts)."""
    user = django_user_model.objects.create_superuser("root", "root@example.org", "pw-root-123")
    return verified_login(client, user)


def test_members_page_is_for_staff_only(client: Client, exchange: Path) -> None:
    response = client.get("/traffic/smart-ix/ports/members/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_see_each_members_week(admin_client: Client, exchange: Path) -> None:
    fill(exchange, time.time(), members=4, days=2)
    page = admin_client.get("/traffic/smart-ix/ports/members/").content.decode()
    assert page.count('data-member="member-') == 4
    assert "demo-sw1:ethernet1 (10000 Mb/s)" in page
    for i in range(4):
        assert f'id="member-chart-{i}"' in page
    french = admin_client.get(
        "/traffic/smart-ix/ports/members/", headers={"accept-language": "fr"}
    ).content.decode()
    assert "Trafic des ports des membres, Smart-IX" in french


def test_public_page_without_a_store_says_so(client: Client, exchange: Path) -> None:
    page = client.get("/traffic/smart-ix/ports/").content.decode()
    assert "No port traffic recorded for this exchange yet." in page
    assert client.get("/traffic/nope/ports/members/").status_code in (302, 404)
