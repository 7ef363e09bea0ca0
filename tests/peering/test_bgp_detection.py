"""Bilateral BGP sessions seen in sFlow: generated datagrams (the flow engine's real sFlow v5
encoder) replayed by ``lakou flows replay --registry``; only TCP port 179 between two
members' peering-LAN addresses counts, and the peering page then says so."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from tests.peering.conftest import BARNA, DAUPHIN, IDNCOM, Peers

from lakou.cli import main
from lakou.flows import read_bgp_sessions
from lakou.flows.pcap import Datagram, write_pcap
from lakou.flows.testing import SampledFrame, datagram

pytestmark = pytest.mark.django_db(transaction=True)

MAC = "02:00:00:00:00:0{}"
BARNA_IP, DAUPHIN_IP, IDNCOM_IP = "198.51.100.12", "198.51.100.11", "198.51.100.13"


def frames() -> list[SampledFrame]:
    return [
        # BARNA <-> DAUPHIN keepalives, either side's port 179: a session
        SampledFrame(MAC.format(1), MAC.format(2), BARNA_IP, DAUPHIN_IP, 85, 0, 51000, 179),
        SampledFrame(MAC.format(2), MAC.format(1), DAUPHIN_IP, BARNA_IP, 85, 0, 179, 51000),
        # BARNA <-> IDNCOM on the LAN, but HTTPS: not BGP
        SampledFrame(MAC.format(1), MAC.format(3), BARNA_IP, IDNCOM_IP, 1500, 0, 443, 50000),
        # BGP from BARNA to an address that is no member's router
        SampledFrame(MAC.format(1), MAC.format(3), BARNA_IP, "203.0.113.9", 85, 0, 179, 40000),
    ]


def replay(tmp_path: Path, store: Path, start: float) -> dict:
    pcap = tmp_path / "bgp.pcap"
    write_pcap(
        pcap,
        [
            Datagram(
                start + i, "127.0.0.1", 9, "127.0.0.1", 6343, datagram("127.0.0.1", frames(), i + 1)
            )
            for i in range(3)
        ],
    )
    args = ["flows", "replay", str(pcap), "--store", str(store), "--registry"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_bgp_session_between_two_members_is_seen(peers: Peers, tmp_path: Path) -> None:
    start = float(int(time.time()) - 600)
    replay(tmp_path, peers.flows, start)
    (seen,) = read_bgp_sessions(peers.flows)
    assert (seen.a, seen.b) == (DAUPHIN, BARNA)  # lower ASN first
    assert seen.samples == 6 and seen.first == int(start) and seen.last == int(start) + 2
    replay(tmp_path, peers.flows, start + 100)  # a later capture adds to it
    (seen,) = read_bgp_sessions(peers.flows)
    assert seen.samples == 12 and seen.first == int(start) and seen.last == int(start) + 102
    client = Client()
    client.force_login(peers.users["barna-user"])
    html = client.get(f"/members/{BARNA}/peering/").content.decode()
    dauphin = html[html.index(f'id="as{DAUPHIN}"') :]
    assert "seen" in dauphin[: dauphin.index("</tr>")]
    assert "not seen" not in dauphin[: dauphin.index("</tr>")]
    idncom = html[html.index(f'id="as{IDNCOM}"') :]
    assert "not seen" in idncom[: idncom.index("</tr>")]
