"""The MAC census: foreign MACs and too many MACs on a member's port, broadcast rates,
with ports known from the members file or learned from registered MACs."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from tests.lan.conftest import AGENT, PORTS, X, Y, Z, clean_traffic, from_port
from tests.lan.test_hygiene import lan_report, write_stream

from lakou.cli import main
from lakou.lan import testing as t

STRANGER = "02:00:00:00:00:ee"


def replay(tmp_path: Path, members: Path, samples: list[t.Sample]) -> list[dict]:
    capture = write_stream(tmp_path / "c.pcap", [t.sflow_datagram(AGENT, samples)])
    store = tmp_path / "store"
    out = CliRunner().invoke(
        main, ["flows", "replay", str(capture), "--store", str(store), "--members", str(members)]
    )
    assert out.exit_code == 0, out.output
    return lan_report(store, members)


def csv_members(path: Path) -> Path:
    """No ports in this file: the checks learn them from the registered MACs."""
    rows = ["asn,name,vlan,mac,ipv4,ipv6"]
    for m in (X, Y, Z):
        rows.append(f"{m['asn']},AS{m['asn']},10,{m['mac']},{m['ipv4']},{m['ipv6']}")
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_second_mac_on_a_port_is_foreign_and_too_many(tmp_path: Path) -> None:
    members = csv_members(tmp_path / "members.csv")
    samples = clean_traffic(X, Y) + clean_traffic(Y, Z) + clean_traffic(Z, X)
    samples.append(from_port(Y, t.ipv4_unicast(STRANGER, X["mac"], "192.0.2.11", "192.0.2.10")))
    # A frame from a port where no member was ever seen: no one to blame but the port.
    samples.append(
        t.Sample(t.ipv4_unicast("02:00:00:00:00:99", X["mac"], "192.0.2.77", "192.0.2.10"), in_if=9)
    )
    findings = lan_report_of(replay(tmp_path, members, samples))
    assert set(findings) == {
        (Y["asn"], "foreign-mac"),
        (Y["asn"], "too-many-macs"),
        (None, "foreign-mac"),
    }
    foreign = findings[(Y["asn"], "foreign-mac")]
    assert foreign["evidence"]["macs"] == [STRANGER] and foreign["samples"] == 1
    assert foreign["port"] == Y["mac"] and foreign["evidence"]["in_if"] == PORTS[Y["asn"]]
    many = findings[(Y["asn"], "too-many-macs")]
    assert many["evidence"]["macs"] == sorted([Y["mac"], STRANGER])
    assert many["evidence"]["allowed"] == 1
    assert findings[(None, "foreign-mac")]["port"] == f"{AGENT}:9"


def test_broadcast_above_the_threshold(tmp_path: Path) -> None:
    members = csv_members(tmp_path / "members.csv")
    arp = t.arp(1, Z["mac"], Z["ipv4"], X["ipv4"])
    samples = [t.Sample(arp, in_if=PORTS[Z["asn"]], sampling_rate=8192)] * 2
    findings = lan_report_of(replay(tmp_path, members, samples))
    # 2 samples x 8192 over a minute: 273 packets per second of broadcast ARP.
    rate = findings[(Z["asn"], "broadcast-rate")]
    assert rate["evidence"]["broadcast_packets"] == 16384
    assert round(rate["rate_pps"]) == 273
    assert set(findings) == {(Z["asn"], "broadcast-rate")}


def lan_report_of(findings: list[dict]) -> dict[tuple[int | None, str], dict]:
    return {(f["asn"], f["kind"]): f for f in findings}


def test_neighbour_adverts_for_link_local_are_fine_for_others_addresses_not(
    tmp_path: Path,
) -> None:
    from tests.lan.test_frames import neighbour_advert

    members = csv_members(tmp_path / "members.csv")
    # test_frames' advert comes from X's MAC (02:00:00:00:00:0a) on X's port.
    samples = [from_port(X, neighbour_advert("fe80::a")), from_port(X, neighbour_advert(Y["ipv6"]))]
    samples.append(from_port(X, neighbour_advert(X["ipv6"])))
    findings = lan_report_of(replay(tmp_path, members, samples))
    assert set(findings) == {(X["asn"], "nd-foreign-address")}
    found = findings[(X["asn"], "nd-foreign-address")]
    assert found["samples"] == 1 and found["evidence"]["addresses"] == [Y["ipv6"]]
    assert found["evidence"]["address_owners"] == [Y["asn"]]


def test_a_store_without_lan_tables_is_not_a_clean_lan(tmp_path: Path) -> None:
    members = csv_members(tmp_path / "members.csv")
    for command in (["report"], ["quarantine", "--clean-hours", "1"]):
        out = CliRunner().invoke(
            main, ["lan", *command, "--store", str(tmp_path / "empty"), "--members", str(members)]
        )
        assert out.exit_code == 1
        assert f"{tmp_path / 'empty'}/lan: no LAN hygiene data yet" in out.output


def test_maintain_expires_lan_days_with_the_hour_sums(tmp_path: Path) -> None:
    from lakou.lan.store import LanStore

    members = csv_members(tmp_path / "members.csv")
    replay(tmp_path, members, clean_traffic(X, Y))
    store = tmp_path / "store"
    days = sorted(p.parent.name + "/" + p.name for p in (store / "lan").glob("*/day=*"))
    assert days == ["frames/day=2026-09-21", "macs/day=2026-09-21"]
    # The day ended at 1_790_035_200: kept for two days after, not a second more.
    assert LanStore(store).expire(1_790_035_200 + 86400 * 2 - 1, 2) == 0
    runner = CliRunner()
    for keep, left in (("3650", 2), ("1", 0)):
        env = {"LAKOU_FLOWS__RETENTION_DAYS_HOUR": keep}
        out = runner.invoke(main, ["flows", "maintain", "--store", str(store)], env=env)
        assert out.exit_code == 0, out.output
        assert len(list((store / "lan").glob("*/day=*"))) == left
