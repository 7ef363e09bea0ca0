"""The regulator's page: each exchange's aggregates for regulators and staff, nothing of a
member's own (names, addresses, MACs, contacts, its traffic)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.accounts.conftest import World, sign_in, verified_client
from tests.accounts.test_member_traffic import SLUG, store  # noqa: F401 - the flow store fixture

from lakou.portal import ports_views
from lakou.ports.demo import fill
from lakou.registry import models as m

pytestmark = pytest.mark.django_db


def private_strings() -> set[str]:
    found = {n.name for n in m.Network.objects.filter(memberships__isnull=False) if len(n.name) > 4}
    found |= {c.email for c in m.Contact.objects.all() if c.email}
    found |= set(m.MacAddress.objects.values_list("mac", flat=True))
    for a in m.PeeringLanAddress.objects.all():
        found |= {str(ip) for ip in (a.ipv4, a.ipv6) if ip}
    return found


@pytest.mark.usefixtures("store")
def test_the_regulator_reads_aggregates_and_no_member_data(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ports_views, "store_directory", lambda slug: tmp_path / "ports" / slug)
    fill(tmp_path / "ports" / SLUG, time.time(), members=3, days=2)
    client = Client()
    answer = client.post(
        "/account/login/", {"username": "regulator", "password": "Correct-Horse-Battery-42"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/regulator/"
    html = client.get("/regulator/?days=1", headers={"accept-language": "en"}).content.decode()
    for ex in m.Exchange.objects.all():
        section = html[html.index(f'id="ex-{ex.slug}"') :]
        section = section[: section.index("</section>")]
        members = m.Member.objects.filter(exchange=ex).count()
        assert f'<dd class="big">{members}</dd>' in section
        two_rs = sum(
            1
            for mem in m.Member.objects.filter(exchange=ex)
            if m.RouteServerSession.objects.filter(address__connection__member=mem)
            .values("route_server")
            .distinct()
            .count()
            >= 2
        )
        assert f"{two_rs} / {members}" in section
    barth = html[html.index(f'id="ex-{SLUG}"') :]
    barth = barth[: barth.index("</section>")]
    assert "Local share" in barth and "±" in barth  # the flows report's share and error
    assert "Ports, 95th percentile (week)" in barth
    leaked = sorted(s for s in private_strings() if s in html)
    assert not leaked, leaked[:5]


def test_only_regulators_and_staff(world: World) -> None:
    assert Client().get("/regulator/").status_code == 302
    user = Client()
    sign_in(user, "user-a")
    assert user.get("/regulator/").status_code == 404
    assert verified_client(world.users["admin-a"]).get("/regulator/").status_code == 404
    assert verified_client(world.users["staff"]).get("/regulator/").status_code == 200
    # staff and member admins with a password only: no aggregates, no peering page
    unverified = Client()
    sign_in(unverified, "staff")
    assert unverified.get("/regulator/").status_code == 302
    admin = Client()
    sign_in(admin, "admin-a")
    answer = admin.get(f"/members/{world.a.asn}/peering/")
    assert answer.status_code == 302 and "/account/two-factor/" in answer["Location"]


def test_in_french(world: World, settings: Any) -> None:
    client = Client()
    sign_in(client, "regulator")
    html = client.get("/regulator/", headers={"accept-language": "fr"}).content.decode()
    assert "Les points d'échange en un coup d'œil" in html.replace("&#x27;", "'")
