"""The peering page: peers, whether routes flow (route servers, bilateral BGP seen in
sFlow), policies, requests mailed through a real SMTP server, not-interested marks."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from tests.accounts.conftest import verified_client
from tests.peering.conftest import BARNA, DAUPHIN, IDNCOM, SBIX, SLUG, Peers
from tests.watch.conftest import Mailbox, free_port

from lakou.flows.bgp_sessions import Seen, write_sessions
from lakou.peering.models import NotInterested, PeeringRequest
from lakou.registry import models as m
from lakou.routeserver.lg import api as lg

pytestmark = pytest.mark.django_db

aiosmtpd = pytest.importorskip("aiosmtpd", reason="aiosmtpd (PyPI) is not installed")
from aiosmtpd.controller import Controller  # noqa: E402


@pytest.fixture
def mailbox(settings: Any, peers: Peers) -> Iterator[Mailbox]:
    box = Mailbox(free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    config = settings.LAKOU_CONFIG
    smtp = config.portal.smtp.model_copy(
        update={"host": "127.0.0.1", "port": box.port, "sender": "ix@example.net"}
    )
    settings.LAKOU_CONFIG = config.model_copy(
        update={"portal": config.portal.model_copy(update={"smtp": smtp})}
    )
    try:
        yield box
    finally:
        controller.stop()


def row(html: str, asn: int) -> str:
    start = html.index(f'id="as{asn}"')
    return html[start : html.index("</tr>", start)]


def test_the_page_lists_the_exchanges_other_members_with_what_flows(peers: Peers) -> None:
    now = int(time.time())
    write_sessions(
        peers.flows,
        [
            Seen(DAUPHIN, BARNA, now - 3600, now - 60, 4),  # recent: a bilateral session
            Seen(BARNA, IDNCOM, now - 90 * 86400, now - 60 * 86400, 2),  # long gone
            Seen(DAUPHIN, IDNCOM, now - 60, now - 60, 9),  # not BARNA's
        ],
    )
    client = Client()
    client.force_login(peers.users["barna-user"])
    html = client.get(f"/members/{BARNA}/peering/").content.decode()
    others = {m.network.asn for m in m.Member.objects.filter(exchange__slug=SLUG)} - {BARNA}
    assert others == {SBIX, DAUPHIN, IDNCOM}
    for asn in others:
        assert f'id="as{asn}"' in html
    assert f'id="as{BARNA}"' not in html
    strangers = set(
        m.Member.objects.exclude(exchange__slug=SLUG).values_list("network__asn", flat=True)
    )
    for asn in strangers - others - {BARNA}:
        assert f'id="as{asn}"' not in html, asn
    assert "seen" in row(html, DAUPHIN) and "exchanging" in row(html, DAUPHIN)
    assert "not seen" in row(html, IDNCOM) and "not seen" in row(html, SBIX)
    assert "<form" not in row(html, DAUPHIN)  # a member user reads only


def test_route_server_sessions_both_up_count(
    peers: Peers, settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def neighbour(asn: int, address: str, state: str) -> lg.Neighbour:
        return lg.Neighbour(
            route_server="rs1", session=f"AS{asn}_4_1", asn=asn, address=address,
            description="", state=state, since="", info="", received=1, accepted=1,
            filtered=0, exported=1, uptime_seconds=60 if state == "Established" else None,
        )  # fmt: skip

    monkeypatch.setattr(
        lg,
        "neighbours",
        lambda rs: [
            neighbour(BARNA, "198.51.100.12", "Established"),
            neighbour(DAUPHIN, "198.51.100.11", "Established"),
            neighbour(IDNCOM, "198.51.100.13", "Active"),
        ],
    )
    config = settings.LAKOU_CONFIG
    servers = [lg.RouteServerEndpoint(name="rs1", socket=tmp_path / "rs.ctl", rs_asn=64497)]
    settings.LAKOU_CONFIG = config.model_copy(
        update={"routeserver": config.routeserver.model_copy(update={"route_servers": servers})}
    )
    client = Client()
    client.force_login(peers.users["barna-user"])
    html = client.get(f"/members/{BARNA}/peering/").content.decode()
    assert "rs1 IPv4" in row(html, DAUPHIN)
    assert "rs1" not in row(html, IDNCOM)  # its session is down


def test_a_request_goes_to_the_peering_contact_in_its_language(
    peers: Peers, mailbox: Mailbox
) -> None:
    dauphin = verified_client(peers.users["dauphin-admin"])
    assert (
        dauphin.post(f"/members/{DAUPHIN}/peering/language/", {"language": "es"}).status_code == 302
    )
    barna = verified_client(peers.users["barna-admin"])
    answer = barna.post(f"/members/{BARNA}/peering/{DAUPHIN}/request/")
    assert answer.status_code == 200 and "peering@dauphin.example" in answer.content.decode()
    (message,) = mailbox.messages
    assert mailbox.recipients == [["peering@dauphin.example"]]
    assert message["Content-Language"] == "es" and "Solicitud de peering" in message["Subject"]
    assert "barna-admin@example.org" in message["Reply-To"]
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "198.51.100.12" in body and f"AS{BARNA}" in body
    (sent,) = PeeringRequest.objects.all()
    assert sent.sent_by == peers.users["barna-admin"] and sent.language == "es"
    html = barna.get(f"/members/{BARNA}/peering/").content.decode()
    assert "barna-admin" in row(html, DAUPHIN)
    # once a week per peer: the second is refused, nothing mailed
    again = barna.post(f"/members/{BARNA}/peering/{DAUPHIN}/request/")
    assert again.status_code == 400 and len(mailbox.messages) == 1
    # the peer sees it among the requests received; a third member does not
    received = dauphin.get(f"/members/{DAUPHIN}/peering/").content.decode()
    assert f"AS{BARNA}" in received[received.index('class="data received"') :]
    # a contact-less peer: a message, no mail (SB-IX has only a NOC contact: it is used)
    m.Contact.objects.filter(network__asn=IDNCOM).delete()
    none = barna.post(f"/members/{BARNA}/peering/{IDNCOM}/request/")
    assert none.status_code == 400 and "no peering or NOC contact" in none.content.decode()
    assert barna.post(f"/members/{BARNA}/peering/{SBIX}/request/").status_code == 200
    assert mailbox.recipients[-1] == [f"noc-as{SBIX}@example.net"]


def test_only_the_members_admins_and_staff_write(peers: Peers, mailbox: Mailbox) -> None:
    user = Client()
    user.force_login(peers.users["barna-user"])
    for path in (f"{DAUPHIN}/request/", f"{DAUPHIN}/not-interested/"):
        assert user.post(f"/members/{BARNA}/peering/{path}").status_code == 403
    other = verified_client(peers.users["dauphin-admin"])
    assert other.get(f"/members/{BARNA}/peering/").status_code == 404
    assert other.post(f"/members/{BARNA}/peering/{IDNCOM}/request/").status_code == 404
    staff = verified_client(peers.users["staff"])
    assert staff.get(f"/members/{BARNA}/peering/").status_code == 200
    # not a member of the same exchange: 404
    stranger = (
        m.Member.objects.exclude(exchange__slug=SLUG)
        .exclude(network__memberships__exchange__slug=SLUG)
        .first()
    )
    assert stranger is not None
    admin = verified_client(peers.users["barna-admin"])
    url = f"/members/{BARNA}/peering/{stranger.network.asn}/request/"
    assert admin.post(url).status_code == 404
    assert mailbox.messages == []


def test_not_interested_feeds_announcement_control(peers: Peers) -> None:
    admin = verified_client(peers.users["barna-admin"])
    answer = admin.post(f"/members/{BARNA}/peering/{DAUPHIN}/not-interested/")
    assert answer.status_code == 302
    member = m.Member.objects.get(network__asn=BARNA, exchange__slug=SLUG)
    assert member.route_server_options["attach_custom_communities"] == [f"64497:0:{DAUPHIN}"]
    assert NotInterested.objects.filter(network__asn=BARNA, peer__asn=DAUPHIN).exists()
    html = admin.get(f"/members/{BARNA}/peering/").content.decode()
    assert "not-interested" in row(html, DAUPHIN) and 'name="undo"' in row(html, DAUPHIN)
    # the marked peer does not learn it
    dauphin = verified_client(peers.users["dauphin-admin"]).get(f"/members/{DAUPHIN}/peering/")
    theirs = row(dauphin.content.decode(), BARNA)
    assert 'class="not-interested' not in theirs and " not-interested" not in theirs
    assert 'name="undo"' not in theirs
    admin.post(f"/members/{BARNA}/peering/{DAUPHIN}/not-interested/", {"undo": "1"})
    member.refresh_from_db()
    assert "attach_custom_communities" not in member.route_server_options
    assert not NotInterested.objects.exists()
