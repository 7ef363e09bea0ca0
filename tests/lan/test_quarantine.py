"""Quarantine onboarding: a quarantined port clean for the period is ready for production;
one that sent forbidden frames in it is blocked, by those findings."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from tests.lan.conftest import AGENT, X, Y, Z, bad_frames, clean_traffic, from_port, members_yaml
from tests.lan.test_hygiene import T0, write_stream

from lakou.cli import main
from lakou.lan import testing as t

HOUR = 3600


def three_hours(tmp_path: Path) -> Path:
    """Everyone's clean traffic every ten minutes for three hours; X misbehaves at 2h30."""
    datagrams = []
    for step in range(19):
        samples = clean_traffic(X, Y) + clean_traffic(Y, Z) + clean_traffic(Z, X)
        if step == 15:
            samples += [from_port(X, f) for f in bad_frames()[:3]]
        datagrams.append(t.sflow_datagram(AGENT, samples, sequence=step + 1))
    capture = write_stream(tmp_path / "hours.pcap", datagrams, start=T0, step=600)
    store = tmp_path / "store"
    members = tmp_path / "members.yaml"
    out = CliRunner().invoke(
        main, ["flows", "replay", str(capture), "--store", str(store), "--members", str(members)]
    )
    assert out.exit_code == 0, out.output
    return store


def quarantine(store: Path, members: Path, hours: str, *extra: str) -> str:
    args = ["lan", "quarantine", "--store", str(store), "--members", str(members)]
    args += ["--clean-hours", hours, "--now", str(T0 + 3 * HOUR), *extra]
    out = CliRunner().invoke(main, args)
    assert out.exit_code == 0, out.output
    return out.output


def test_clean_quarantined_port_is_ready_and_dirty_one_blocked(tmp_path: Path) -> None:
    members = members_yaml(tmp_path / "members.yaml", quarantine=(X["asn"], Z["asn"]))
    store = three_hours(tmp_path)
    text = quarantine(store, members, "2")
    lines = {line.split(" ")[0]: line for line in text.splitlines()}
    assert set(lines) == {"AS64501", "AS64503"}  # Y is in production: not listed
    assert lines["AS64503"].endswith("clean for 2 hours, ready for production")
    assert "blocked by" in lines["AS64501"]
    for kind in ("stp-bpdu (1)", "ipv6-router-advertisement (1)", "arp-foreign-address (1)"):
        assert kind in lines["AS64501"]
    data = json.loads(quarantine(store, members, "2", "--format", "json"))
    by_asn = {s["asn"]: s for s in data}
    assert by_asn[Z["asn"]]["status"] == "ready" and by_asn[Z["asn"]]["findings"] == []
    assert by_asn[X["asn"]]["status"] == "blocked"
    assert by_asn[Z["asn"]]["seen_since"] == T0


def test_not_clean_long_enough_and_findings_before_the_period(tmp_path: Path) -> None:
    members = members_yaml(tmp_path / "members.yaml", quarantine=(X["asn"], Z["asn"]))
    store = three_hours(tmp_path)
    # Four hours asked, three seen: still watching.
    assert "seen for 3.0 of 4 hours" in quarantine(store, members, "4")
    # X's frames were at 2h30; a 20-minute period after them is clean for X too.
    text = quarantine(store, members, "0.25")
    assert text.count("ready for production") == 2, text


def test_a_quarantine_value_that_is_not_a_flag_names_the_file(tmp_path: Path) -> None:
    members = tmp_path / "members.yaml"
    members.write_text("- asn: 64501\n  macs: ['02:00:00:00:00:0a']\n  quarantine: maybe\n")
    out = CliRunner().invoke(
        main,
        [
            *("lan", "quarantine", "--store", str(tmp_path)),
            *("--members", str(members), "--clean-hours", "1"),
        ],
    )
    assert out.exit_code == 1
    assert f"{members}: members[0]: quarantine: 'maybe'" in out.output
    assert "Traceback" not in out.output


def test_the_verdict_speaks_french_and_spanish(tmp_path: Path) -> None:
    members = members_yaml(tmp_path / "members.yaml", quarantine=(Z["asn"],))
    store = three_hours(tmp_path)
    args = ["lan", "quarantine", "--store", str(store), "--members", str(members)]
    args += ["--clean-hours", "2", "--now", str(T0 + 3 * HOUR)]
    french = CliRunner().invoke(main, ["-L", "fr", *args])
    assert "propre depuis 2 heures, prêt pour la production" in french.output, french.output
    spanish = CliRunner().invoke(main, ["-L", "es", *args])
    assert "limpio durante 2 horas, listo para producción" in spanish.output, spanish.output


def test_a_new_mac_in_quarantine_on_a_port_in_production(tmp_path: Path) -> None:
    """Member Z replaces its router: the old MAC is in production, the new one in
    quarantine on the same port; the new router's BPDU blocks the new MAC, and the old
    MAC's entry is not listed."""
    new_mac = "02:00:00:00:00:cc"
    members = tmp_path / "members.yaml"
    members.write_text(
        f"- {{asn: {Z['asn']}, name: Z, vlan: 10, macs: ['{Z['mac']}'], ipv4: {Z['ipv4']}}}\n"
        f"- {{asn: {Z['asn']}, name: Z, vlan: 10, macs: ['{new_mac}'], quarantine: true}}\n"
        f"- {{asn: {X['asn']}, name: X, vlan: 10, macs: ['{X['mac']}'], ipv4: {X['ipv4']}}}\n"
    )
    samples = clean_traffic(Z, X) + clean_traffic(X, Z)
    samples.append(from_port(Z, t.stp_bpdu(new_mac)))
    capture = write_stream(tmp_path / "c.pcap", [t.sflow_datagram(AGENT, samples)])
    store = tmp_path / "store"
    out = CliRunner().invoke(
        main, ["flows", "replay", str(capture), "--store", str(store), "--members", str(members)]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["lan_frames"]["stp-bpdu"] == 1
    args = ["lan", "quarantine", "--store", str(store), "--members", str(members)]
    out = CliRunner().invoke(main, [*args, "--clean-hours", "0.01", "--now", str(T0)])
    assert out.exit_code == 0, out.output
    (line,) = out.output.splitlines()
    assert line.startswith(f"AS{Z['asn']} Z ({new_mac}): blocked by stp-bpdu (1)"), line
