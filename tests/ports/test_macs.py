"""Discovered MACs beside registered ones: every kind of difference flagged."""

from __future__ import annotations

from lakou.ports.macs import NOT_SEEN, OK, OTHER_MEMBER, UNREGISTERED, compare
from lakou.ports.records import ForwardingEntry


def test_findings() -> None:
    discovered = [
        ("sw1", "Eth1", ForwardingEntry("00:00:5e:00:53:01", 1, 100)),  # alpha's, right port
        ("sw1", "Eth1", ForwardingEntry("00:00:5e:00:53:99", 1, 100)),  # nobody's
        ("sw1", "Eth2", ForwardingEntry("00:00:5e:00:53:02", 2, 100)),  # alpha's MAC at beta
        ("sw1", "uplink", ForwardingEntry("00:00:5e:00:53:03", 48, 100)),  # not a member port
    ]
    registered = {
        "00:00:5e:00:53:01": "alpha",
        "00:00:5e:00:53:02": "alpha",
        "00:00:5e:00:53:03": "gamma",
    }
    ports = {("sw1", "Eth1"): "alpha", ("sw1", "Eth2"): "beta"}
    kinds = {(f.mac, f.kind) for f in compare(discovered, registered, ports)}
    assert kinds == {
        ("00:00:5e:00:53:01", OK),
        ("00:00:5e:00:53:99", UNREGISTERED),
        ("00:00:5e:00:53:02", OTHER_MEMBER),
        # seen only on an uplink, which proves nothing about gamma's port
        ("00:00:5e:00:53:03", NOT_SEEN),
    }
