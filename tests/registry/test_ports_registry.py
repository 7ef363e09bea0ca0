"""Registry link of port traffic: switch SNMP settings and connections -> ports or LAGs
(``lakou ports macs`` on a recorded switch: ``tests/live/registry/test_ports_registry.py``)."""

from __future__ import annotations

import pytest

from lakou.registry import models as m
from lakou.registry.ports import port_members, ports_config, registered_macs

pytestmark = pytest.mark.django_db


def _exchange(agent_port: int = 161) -> m.Exchange:
    ex = m.Exchange.objects.create(slug="smart-ix", name="Smart-IX", country="MF")
    lan = m.PeeringLan.objects.create(
        exchange=ex,
        name="peering",
        vlan_id=100,
        ipv4_prefix="198.51.100.0/24",
        ipv6_prefix="2001:db8:100::/64",
    )
    sw = m.Switch.objects.create(
        exchange=ex,
        name="sw1",
        management_ip="127.0.0.1",
        snmp_version="2c",
        snmp_port=agent_port,
        snmp_community="hpe",
    )
    m.Switch.objects.create(exchange=ex, name="sw2", management_ip="192.0.2.2")  # not polled
    alpha = m.Member.objects.create(
        exchange=ex, network=m.Network.objects.create(asn=64500, name="Alpha")
    )
    beta = m.Member.objects.create(
        exchange=ex, network=m.Network.objects.create(asn=64501, name="Beta")
    )
    c1 = m.Connection.objects.create(member=alpha, name="c1")
    m.Port.objects.create(connection=c1, switch=sw, name="17", speed_mbps=10_000)
    c2 = m.Connection.objects.create(member=beta, name="lag", lag_interface="Trk1")
    m.Port.objects.create(connection=c2, switch=sw, name="1", speed_mbps=10_000)
    m.Port.objects.create(connection=c2, switch=sw, name="2", speed_mbps=10_000)
    a1 = m.PeeringLanAddress.objects.create(lan=lan, connection=c1, ipv4="198.51.100.10")
    a2 = m.PeeringLanAddress.objects.create(lan=lan, connection=c2, ipv4="198.51.100.11")
    m.MacAddress.objects.create(address=a1, mac="00:00:0c:07:ac:32")  # learned behind 17
    m.MacAddress.objects.create(address=a2, mac="02:00:00:00:00:01")  # seen nowhere
    return ex


def test_registry_gives_switches_members_and_macs() -> None:
    _exchange()
    config = ports_config("smart-ix")
    assert [s.name for s in config.switches] == ["sw1"]
    assert config.switches[0].community == "hpe"
    # a LAG is counted by its aggregate interface, once
    assert config.members == {"AS64500": ["sw1:17"], "AS64501": ["sw1:Trk1"]}
    assert port_members("smart-ix")[("sw1", "Trk1")] == "AS64501"
    assert registered_macs("smart-ix") == {
        "00:00:0c:07:ac:32": "AS64500",
        "02:00:00:00:00:01": "AS64501",
    }
