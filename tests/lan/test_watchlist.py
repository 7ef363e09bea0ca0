"""Members files as ports to watch: YAML, CSV and IX-F JSON, with their quarantine,
switch port and MAC limit; bad values named with the file and place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lakou.flows.members import MembersFileError
from lakou.lan import load_watchlist


def test_csv_with_ports_and_quarantine(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text(
        "asn,name,vlan,mac,ipv4,ipv6,switch,if_index,quarantine\n"
        "64501,X,10,02:00:00:00:00:0A,192.0.2.10,,192.0.2.250,7,\n"
        "64501,X,10,02-00-00-00-00-0b,192.0.2.10,,192.0.2.250,7,yes\n"
        "64502,Y,10,02:00:00:00:00:0c,192.0.2.11,2001:db8::11,,,\n"
    )
    wl = load_watchlist(path)
    x, y = wl.ports
    assert (x.asn, x.switch, x.if_index, x.quarantine) == (64501, "192.0.2.250", 7, True)
    assert x.macs == ("02:00:00:00:00:0a", "02:00:00:00:00:0b") and x.label == "192.0.2.250:7"
    assert wl.port_of("192.0.2.250", 7, "02:00:00:00:00:99") is x
    assert (y.quarantine, y.switch, y.addresses) == (False, None, ("192.0.2.11", "2001:db8::11"))
    assert wl.port_of("192.0.2.250", 9, "02:00:00:00:00:0c") is y
    assert wl.owner_of("2001:db8::11") == 64502 and wl.owner_of("192.0.2.99") is None


def test_ixf_connection_in_quarantine(tmp_path: Path) -> None:
    def vlan(ip: str, mac: str) -> dict[str, object]:
        return {"vlan_id": 10, "ipv4": {"address": ip, "mac_addresses": [mac]}}

    path = tmp_path / "ixf.json"
    path.write_text(
        json.dumps(
            {
                "version": "1.0",
                "member_list": [
                    {
                        "asnum": 64501,
                        "name": "X",
                        "connection_list": [
                            {
                                "state": "active",
                                "vlan_list": [vlan("192.0.2.10", "02:00:00:00:00:0a")],
                            },
                            {
                                "state": "quarantine",
                                "vlan_list": [vlan("192.0.2.20", "02:00:00:00:00:1a")],
                            },
                        ],
                    }
                ],
            }
        )
    )
    production, new = load_watchlist(path).ports
    assert (production.quarantine, new.quarantine) == (False, True)
    assert new.macs == ("02:00:00:00:00:1a",) and new.addresses == ("192.0.2.20",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "- {asn: 64501, macs: ['x'], switch: 192.0.2.1}\n",
            "members[0]: addresses.0.macs: 'x' is not a MAC address",
        ),
        ("- {asn: 64501, switch: not-an-address}\n", "members[0]: switch: 'not-an-address'"),
        ("- {asn: 64501, if_index: seven}\n", "members[0]: if_index: 'seven': not a number"),
        ("- {asn: 64501, max_macs: many}\n", "members[0]: max_macs: 'many': not a number"),
    ],
)
def test_bad_values_name_the_file_and_place(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    with pytest.raises(MembersFileError) as exc:
        load_watchlist(path)
    assert str(exc.value).startswith(f"{path}: ") and message in str(exc.value)
