"""Fuzz the readers added for running an exchange (issue 11, item 5, continued).

The same rules as ``test_fuzz_cli.py`` (no traceback, exit 0 or 1, a refusal names the
file, a refused load leaves the database as it was) for the files the operations
components read: the switches file of the port poller, the contacts and the event state
of ``watch run``, the LAN checks' members file, a PeeringDB dump given to ``peeringdb
load``, a territory inventory given to ``territory lookup --index``, and scamper's warts
files read by ``paths analyze``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from lakou.cli import main

from .mutate import SCALE, json_attacks, mutants, rng, truncations, yaml_attacks
from .test_fuzz_cli import ROOT, _capture, fuzz, shared, text_cases

SWITCHES = b"""switches:
  - name: sw1
    host: 192.0.2.10
    community: public
    ports:
      - {name: Ethernet1, member: AS64501}
"""
CONTACTS = b"""contacts:
  - {email: noc@example.net, asn: 64501, language: fr}
  - {email: staff@example.org, staff: true}
"""
MEMBERS = b"""members:
  - {asn: 64501, name: X, macs: ["02:00:00:00:00:01"], ipv4: 192.0.2.1,
     switch: 192.0.2.250, if_index: 3}
  - {asn: 64502, name: Y, macs: ["02:00:00:00:00:02"], ipv4: 192.0.2.2, quarantine: true}
"""
INVENTORY = {
    "countries": ["SX"],
    "prefixes": [
        {"prefix": "200.0.22.0/23", "asn": 27974, "territory": "SX", "confidence": 1.0},
        {"prefix": "2001:13c7:6002::/48", "asn": None, "territory": "SX"},
    ],
}


def test_fuzz_switches_file(tmp_path: Path) -> None:
    store = tmp_path / "ports-store"
    store.mkdir()
    cases = text_cases(SWITCHES, "switches", yaml_attacks(), 40)
    fuzz(
        "switches.yml",
        cases,
        "switches.yml",
        lambda p: ["ports", "report", "--switches", str(p), "--store", str(store)],
        tmp_path,
    )


def _lan_store(tmp_path: Path) -> tuple[Path, Path]:
    members = tmp_path / "seed-members.yaml"
    members.write_bytes(MEMBERS)
    store = tmp_path / "flows-store"
    pcap = _capture(tmp_path / "seed.pcap")
    out = CliRunner().invoke(
        main, ["flows", "replay", str(pcap), "--store", str(store), "--members", str(members)]
    )
    assert out.exit_code == 0, out.output
    return store, members


def test_fuzz_watch_contacts(tmp_path: Path) -> None:
    store, members = _lan_store(tmp_path)
    state = tmp_path / "events.json"
    watch = [
        "watch",
        "run",
        "--state",
        str(state),
        "--store",
        str(store),
        "--members",
        str(members),
    ]
    # the events open in a first run without contacts: the fuzzed runs have nothing to mail
    out = CliRunner().invoke(main, watch)
    assert out.exit_code == 0, out.output
    watch += ["--smtp-host", "127.0.0.1", "--smtp-port", "9"]
    cases = text_cases(CONTACTS, "contacts", yaml_attacks(), 40)
    fuzz(
        "watch contacts",
        cases,
        "contacts.yaml",
        lambda p: [*watch, "--contacts", str(p)],
        tmp_path,
    )


def test_fuzz_watch_state(tmp_path: Path) -> None:
    store, members = _lan_store(tmp_path)
    first = tmp_path / "first.json"
    watch = ["watch", "run", "--store", str(store), "--members", str(members)]
    out = CliRunner().invoke(main, [*watch, "--state", str(first)])
    assert out.exit_code == 0, out.output
    seed = first.read_bytes()
    cases = text_cases(seed, "events", json_attacks(), 40)
    fuzz(
        "watch state",
        cases,
        "events.json",
        lambda p: [*watch, "--state", str(p)],
        tmp_path,
    )


def test_fuzz_lan_members(tmp_path: Path) -> None:
    store, _ = _lan_store(tmp_path)
    cases = text_cases(MEMBERS, "lan-members", yaml_attacks(), 40)
    fuzz(
        "lan members",
        cases,
        "members.yaml",
        lambda p: ["lan", "report", "--store", str(store), "--members", str(p)],
        tmp_path,
    )


@pytest.mark.django_db
def test_fuzz_peeringdb_dump(tmp_path: Path) -> None:
    seed = (ROOT / "examples" / "peeringdb-networks.json").read_bytes()
    cases = text_cases(seed, "peeringdb", json_attacks(), 50)
    fuzz(
        "peeringdb load",
        cases,
        "dump.json",
        lambda p: ["peeringdb", "load", str(p)],
        tmp_path,
    )


def test_fuzz_territory_index(tmp_path: Path) -> None:
    seed = json.dumps(INVENTORY, indent=1).encode()
    cases = text_cases(seed, "territory-index", json_attacks(), 40)
    fuzz(
        "territory index",
        cases,
        "territory.json",
        lambda p: ["territory", "lookup", "200.0.22.1", "--index", str(p), "--format", "json"],
        tmp_path,
    )


def test_fuzz_warts(tmp_path: Path) -> None:
    seed = shared("traceroutes/scamper/trace_google_dns_v4_default.warts").read_bytes()
    r = rng("warts")
    cases = [("seed", seed), ("empty", b""), ("magic-only", seed[:2])]
    cases += list(mutants(seed, r, 40 * SCALE))
    cases += list(truncations(seed, r, 40 * SCALE))
    fuzz(
        "warts",
        cases,
        "trace.warts",
        lambda p: ["paths", "analyze", str(p), "--countries", "GP", "--no-cache"],
        tmp_path,
    )
