"""``lakou lan report --registry``: members, MACs, addresses and quarantine from the
registry give the same findings as the members file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.lan.conftest import X, Y, Z, members_yaml, stream
from tests.lan.test_hygiene import T0, assert_x_findings, write_stream

from lakou.cli import main
from lakou.registry import models as m

pytestmark = pytest.mark.django_db


def registry_members() -> None:
    ex = m.Exchange.objects.create(slug="lan-ix", name="LAN-IX", country="MF")
    lan = m.PeeringLan.objects.create(
        exchange=ex,
        name="peering",
        vlan_id=10,
        ipv4_prefix="192.0.2.0/24",
        ipv6_prefix="2001:db8::/64",
    )
    for member in (X, Y, Z):
        net = m.Network.objects.create(asn=member["asn"], name=f"Member {member['asn']}")
        row = m.Member.objects.create(exchange=ex, network=net)
        state = "quarantine" if member is Z else "active"
        conn = m.Connection.objects.create(member=row, state=state)
        address = m.PeeringLanAddress.objects.create(
            connection=conn, lan=lan, ipv4=member["ipv4"], ipv6=member["ipv6"]
        )
        m.MacAddress.objects.create(address=address, lan=lan, mac=member["mac"])


def test_registry_members_give_the_findings_and_quarantine(tmp_path: Path) -> None:
    registry_members()
    capture = write_stream(tmp_path / "lan.pcap", stream())
    store = tmp_path / "store"
    members = members_yaml(tmp_path / "members.yaml")
    runner = CliRunner()
    out = runner.invoke(
        main, ["flows", "replay", str(capture), "--store", str(store), "--members", str(members)]
    )
    assert out.exit_code == 0, out.output
    args = ["lan", "report", "--store", str(store), "--registry", "--format", "json"]
    out = runner.invoke(main, args)
    assert out.exit_code == 0, out.output
    assert_x_findings(json.loads(out.output))
    args = ["lan", "quarantine", "--store", str(store), "--registry", "--format", "json"]
    out = runner.invoke(main, [*args, "--clean-hours", "0.0005", "--now", str(T0 + 3)])
    assert out.exit_code == 0, out.output
    (status,) = json.loads(out.output)
    assert status["asn"] == Z["asn"] and status["status"] == "ready", status
