"""Fuzz every reader through the command line (issue 11, item 5).

Each reader gets seeded mutations of small real inputs (the test fixtures, and the public
data set in ../shared/data when present) plus structural attacks (depth, 5,000-digit
numbers, lone surrogates, NUL/ESC, non-UTF-8, truncation at every offset of a small file),
and each input runs the real ``lakou`` command through click's CliRunner. For every input:
no traceback, the exit code is 0 or 1 (2 only for a refused option), a refusal names the
file, and a refused import leaves the registry's rows as they were.

``LAKOU_FUZZ_SCALE`` multiplies the number of mutants (``make fuzz`` runs 20x for nightly
use); ``LAKOU_FUZZ_SEED`` changes the draw. The default run stays within a few minutes on
two cores. The counts are printed at the end (see ``conftest.py``).
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.flows.pcap import Datagram, write_pcap
from lakou.flows.testing import SampledFrame, datagram
from lakou.registry.testing import registry_models

from .conftest import TALLY
from .mutate import SCALE, json_attacks, mutants, rng, truncations, yaml_attacks

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
FIXTURES = TESTS / "registry" / "fixtures"
SHARED = ROOT.parent / "shared" / "data"

Cases = Iterable[tuple[str, bytes]]


def shared(relative: str) -> Path:
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"public data set file not found: {path} (set up ../shared/data)")
    return path


def head(path: Path, lines: int) -> bytes:
    with path.open("rb") as handle:
        return b"".join(handle.readline() for _ in range(lines))


def rows() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in registry_models()}


def fuzz(
    reader: str,
    cases: Cases,
    filename: str,
    args: Callable[[Path], list[str]],
    tmp_path: Path,
    *,
    database: bool = False,
    names: Callable[[Path], str] | None = None,
) -> None:
    """Run ``lakou *args(path)`` on each case written to ``tmp_path/<case>/filename``."""
    runner = CliRunner()
    tally = TALLY[reader]
    for label, data in cases:
        folder = tmp_path / label
        folder.mkdir()
        path = folder / filename
        path.write_bytes(data)
        before = rows() if database else None
        result = runner.invoke(main, ["--language", "en", *args(path)])
        where = f"{reader} {label}: {result.output[-600:]!r}"
        assert "Traceback" not in result.output, where
        assert result.exception is None or isinstance(result.exception, SystemExit), where + repr(
            result.exception
        )
        assert result.exit_code in (0, 1, 2), where
        tally["tried"] += 1
        if result.exit_code == 0:
            tally["accepted"] += 1
        elif result.exit_code == 2 and "Invalid value:" in result.output:
            tally["refused"] += 1  # an option the input made wrong (``--dest`` not in the graph)
        else:
            expected = names(path) if names else path.name
            assert expected in result.output, where
            if database:
                assert rows() == before, where  # a refused import writes nothing
            tally["refused"] += 1
        shutil.rmtree(folder, ignore_errors=True)


def text_cases(seed: bytes, name: str, attacks: Cases, count: int) -> Iterator[tuple[str, bytes]]:
    r = rng(name)
    yield "seed", seed
    yield from attacks
    yield from mutants(seed, r, count * SCALE)
    yield from truncations(seed, r, max(8, count // 4) * SCALE)


# -- registry imports ----------------------------------------------------------------------
@pytest.mark.django_db
def test_fuzz_ixf_import(tmp_path: Path) -> None:
    seed = (FIXTURES / "ixf" / "ixpmanager-like-0.6.json").read_bytes()
    cases = text_cases(seed, "ixf", json_attacks(), 60)
    fuzz(
        "ixf import",
        cases,
        "export.json",
        lambda p: ["ixf", "import", str(p)],
        tmp_path,
        database=True,
    )


@pytest.mark.django_db
def test_fuzz_ixf_validate(tmp_path: Path) -> None:
    schema = shared("ixf-schema")
    seed = (FIXTURES / "ixf" / "ams-like-1.0.json").read_bytes()
    cases = text_cases(seed, "ixf-validate", json_attacks(), 30)
    fuzz(
        "ixf validate",
        cases,
        "export.json",
        lambda p: ["ixf", "validate", str(p), "--schema", str(schema)],
        tmp_path,
    )


def _sample_registry() -> None:
    path = FIXTURES / "ixf" / "sample_registry.py"
    spec = importlib.util.spec_from_file_location("sample_registry", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build()


@pytest.mark.django_db
def test_fuzz_clients_import(tmp_path: Path) -> None:
    _sample_registry()
    seed = (FIXTURES / "clients" / "exact.yml").read_bytes()
    cases = text_cases(seed, "clients", yaml_attacks(), 60)
    fuzz(
        "clients import",
        cases,
        "clients.yml",
        lambda p: ["clients", "import", "--exchange", "smart-ix", str(p)],
        tmp_path,
        database=True,
    )


# -- configuration and policy --------------------------------------------------------------
def test_fuzz_lakou_yml(tmp_path: Path) -> None:
    seed = CliRunner().invoke(main, ["config", "dump"]).output.encode()
    assert b"core:" in seed
    cases = text_cases(seed, "lakou.yml", yaml_attacks(), 60)
    fuzz(
        "lakou.yml", cases, "lakou.yml", lambda p: ["--config", str(p), "config", "check"], tmp_path
    )


POLICY = b"""rs_asn: 64999
router_id: 192.0.2.1
rs_ipv4: 192.0.2.1
rs_ipv6: 2001:db8::1
next_hop: {mode: same_as}
as_path: {enforce_first_as: true, max_length: 32, reject_bogon_asns: true}
prefixes: {ipv4_min_length: 8, ipv4_max_length: 24, ipv6_min_length: 12, ipv6_max_length: 48}
max_prefix: {action: restart, default_ipv4: 170000, default_ipv6: 12000}
timers: {hold: 90, keepalive: 30}
"""


def _rs_build(tmp_path: Path, *extra: str) -> list[str]:
    out = tmp_path / "bird.conf"
    clients = FIXTURES / "clients" / "exact.yml"
    return ["rs", "build", "--clients", str(clients), "--out", str(out), "--no-check", *extra]


def test_fuzz_policy_yml(tmp_path: Path) -> None:
    cases = text_cases(POLICY, "policy", yaml_attacks(), 40)
    fuzz(
        "policy.yml",
        cases,
        "policy.yml",
        lambda p: _rs_build(tmp_path, "--no-irr", "--policy", str(p)),
        tmp_path,
    )


# -- flows ---------------------------------------------------------------------------------
FRAME = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "192.0.2.2")


def _capture(path: Path) -> Path:
    write_pcap(
        path,
        [
            Datagram(
                1_790_000_000.0 + i,
                "127.0.0.1",
                9,
                "127.0.0.1",
                6343,
                datagram("127.0.0.1", [FRAME] * 2, i + 1),
            )
            for i in range(3)
        ],
    )
    return path


MEMBERS_YML = b"""members:
  - {asn: 64500, name: Dauphin, vlan: 10, macs: ['02:00:00:00:00:01'], ipv4: 192.0.2.1}
  - {asn: 64501, name: Orange, vlan: 10, macs: ['02:00:00:00:00:02']}
"""
MEMBERS_CSV = b"asn,name,vlan,mac\n64500,A,10,02:00:00:00:00:01\n64501,B,10,02:00:00:00:00:02\n"


@pytest.mark.parametrize(
    "name,seed,attacks",
    [
        ("members.yml", MEMBERS_YML, yaml_attacks),
        ("members.csv", MEMBERS_CSV, lambda: iter(())),
        (
            "members.json",
            (FIXTURES / "ixf" / "ixpmanager-like-0.6.json").read_bytes(),
            json_attacks,
        ),
    ],
)
def test_fuzz_members_files(tmp_path: Path, name: str, seed: bytes, attacks: Any) -> None:
    pcap = _capture(tmp_path / "capture.pcap")
    store = tmp_path / "store"
    cases = text_cases(seed, name, attacks(), 30)
    fuzz(
        f"members {name.split('.')[1]}",
        cases,
        name,
        lambda p: ["flows", "replay", str(pcap), "--store", str(store), "--members", str(p)],
        tmp_path,
    )


def test_fuzz_prefix_table(tmp_path: Path) -> None:
    pcap = _capture(tmp_path / "capture.pcap")
    store = tmp_path / "store"
    seed = b"prefix,asn,territory\n192.0.2.0/24,64500,GP\n2001:db8::/32,64501,MF\n"
    cases = text_cases(seed, "prefixes", [("binary", bytes(range(256)) * 4)], 30)
    fuzz(
        "prefix table CSV",
        cases,
        "prefixes.csv",
        lambda p: ["flows", "replay", str(pcap), "--store", str(store), "--prefixes", str(p)],
        tmp_path,
    )


def _captures() -> list[Path]:
    if not (SHARED / "flows").is_dir():
        return []
    return sorted((SHARED / "flows" / "sflow").glob("*.pcap"))[:1] + sorted(
        (SHARED / "flows" / "netflow").glob("*.pcap")
    )


@pytest.mark.parametrize("kind", ["sflow", "netflow-v5", "netflow-v9-ipfix", "pcapng"])
def test_fuzz_captures(tmp_path: Path, kind: str) -> None:
    captures = _captures()
    if kind == "sflow":
        seed = _capture(tmp_path / "seed.pcap").read_bytes()
        real = [p for p in captures if p.parent.name == "sflow"]
        if real:
            seed = real[0].read_bytes()[:4096]
    elif kind == "netflow-v5":
        seed = shared("flows/netflow/nfv5.pcap").read_bytes()
    elif kind == "netflow-v9-ipfix":
        seed = shared("flows/netflow/data+templates.pcap").read_bytes()
    else:
        seed = _pcapng(_capture(tmp_path / "seed.pcap").read_bytes())
    r = rng(f"capture-{kind}")
    cases = [("seed", seed), ("empty", b""), ("magic", b"ABCD" * 8)]
    cases += list(mutants(seed, r, 80 * SCALE)) + list(truncations(seed, r, 40 * SCALE))
    fuzz(f"capture {kind}", cases, "capture.pcap", lambda p: ["flows", "decode", str(p)], tmp_path)


def _pcapng(pcap: bytes) -> bytes:
    """The same datagrams in a minimal pcapng (section header, interface, enhanced packets)."""
    import struct

    def block(kind: int, body: bytes) -> bytes:
        body += b"\0" * (-len(body) % 4)
        size = len(body) + 12
        return struct.pack("<II", kind, size) + body + struct.pack("<I", size)

    link = struct.unpack("<I", pcap[20:24])[0]
    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", link, 0, 262144))
    offset = 24
    while offset + 16 <= len(pcap):
        sec, usec, caplen, length = struct.unpack("<IIII", pcap[offset : offset + 16])
        data = pcap[offset + 16 : offset + 16 + caplen]
        stamp = sec * 1_000_000 + usec
        out += block(
            6, struct.pack("<IIIII", 0, stamp >> 32, stamp & 0xFFFFFFFF, caplen, length) + data
        )
        offset += 16 + caplen
    return out


# -- territory sources ---------------------------------------------------------------------
def _territory(name: str, seed: bytes, count: int, tmp_path: Path, reader: str) -> None:
    cases = text_cases(
        seed,
        reader,
        [
            ("not-utf8", seed[:200] + b"\xff\xfe\n"),
            ("long-field", seed[:100] + b'"' + b"x" * 140_000 + b'"\n'),
        ],
        count,
    )
    fuzz(
        reader,
        cases,
        name,
        lambda p: [
            "territory",
            "build",
            "--data-dir",
            str(p.parent),
            "--countries",
            "GP",
            "--format",
            "csv",
        ],
        tmp_path,
    )


def test_fuzz_rir(tmp_path: Path) -> None:
    seed = head(shared("rir/delegated-lacnic-extended-20190910"), 40)
    _territory("delegated-lacnic-extended-20190910", seed, 24, tmp_path, "RIR statistics")


def test_fuzz_csv_tables(tmp_path: Path) -> None:
    seed = head(shared("geo/geo-whois-asn-country-ipv4.csv"), 40)
    _territory("geo-whois-asn-country-ipv4.csv", seed, 16, tmp_path, "CSV IP-country")
    seed = head(shared("bgp/asn-ipv4.csv"), 40)
    _territory("asn-ipv4.csv", seed, 16, tmp_path, "CSV IP-ASN")


def test_fuzz_geofeed(tmp_path: Path) -> None:
    seed = (
        b"# RFC 8805 geofeed\n192.0.2.0/24,GP,GP-971,Pointe-a-Pitre,\n"
        b"2001:db8::/32,MF,,Marigot,\n198.51.100.0/24,FR,FR-75,Paris,\n"
    )
    _territory("geofeed.csv", seed, 24, tmp_path, "geofeed")


def test_fuzz_mrt(tmp_path: Path) -> None:
    seed = shared("bgp/mrt/bird_bgp").read_bytes()[:3000]
    _territory("updates.bird_bgp", seed, 24, tmp_path, "MRT")
    gz = shared("bgp/mrt/updates.20100722.2015.gz").read_bytes()
    r = rng("mrt-gz")
    cases = list(truncations(gz, r, 12 * SCALE)) + list(mutants(gz, r, 12 * SCALE))
    fuzz(
        "MRT gzip",
        cases,
        "updates.20100722.2015.gz",
        lambda p: [
            "territory",
            "build",
            "--data-dir",
            str(p.parent),
            "--countries",
            "GP",
            "--format",
            "csv",
        ],
        tmp_path,
    )


# -- route server inputs -------------------------------------------------------------------
RPSL = b"""as-set:         AS-FOO
members:        AS64500, AS-BAR,
                AS64501
source:         TEST

as-set:         AS-BAR
members:        AS64502
source:         TEST

route:          192.0.2.0/24
origin:         AS64500
source:         TEST

route6:         2001:db8::/32
origin:         AS64501
source:         TEST
"""


def test_fuzz_rpsl(tmp_path: Path) -> None:
    import gzip

    def build(path: Path) -> list[str]:
        return _rs_build(tmp_path, "--allow-missing-irr", "--rpsl-dir", str(path.parent))

    fuzz("RPSL", text_cases(RPSL, "rpsl", [], 30), "db.rpsl", build, tmp_path)
    packed = gzip.compress(RPSL)
    r = rng("rpsl-gz")
    cases = list(truncations(packed, r, 20 * SCALE)) + list(mutants(packed, r, 20 * SCALE))
    fuzz("RPSL gzip", cases, "db.gz", build, tmp_path)


ROA = b"""{"metadata": {"buildmachine": "rpki.example", "buildtime": "2026-11-20T10:00:00Z"},
"roas": [{"asn": 64500, "prefix": "192.0.2.0/24", "maxLength": 24, "ta": "ripe", "expires": 1},
{"asn": "AS64501", "prefix": "2001:db8::/32", "maxLength": 48, "ta": "arin"}]}
"""


def test_fuzz_roa_json(tmp_path: Path) -> None:
    cases = text_cases(ROA, "roa", json_attacks(), 60)
    fuzz(
        "ROA JSON",
        cases,
        "vrps.json",
        lambda p: _rs_build(tmp_path, "--no-irr", "--rpki-json", str(p)),
        tmp_path,
    )


# -- paths and what-if ---------------------------------------------------------------------
def test_fuzz_atlas_json(tmp_path: Path) -> None:
    seed = head(shared("traceroutes/ripe-atlas-traceroutes.jsonl"), 3)
    cases = text_cases(seed, "atlas", json_attacks(), 40)
    fuzz(
        "Atlas JSON",
        cases,
        "atlas.jsonl",
        lambda p: ["paths", "analyze", str(p), "--countries", "GP"],
        tmp_path,
    )


ASREL = b"# IXP ASes: 99\n100|1|-1\n100|2|-1\n100|3|-1\n1|2|0\n"
SCENARIO = b"""name: small
territories:
  GP: {name: Guadeloupe, ases: {1: One, 2: Two}}
  MF: {name: Saint-Martin, ases: {3: Three}}
exchanges:
  - {slug: ix, name: IX, members: [1, 2]}
cut:
  - {name: hurricane, international_transit: true}
candidates:
  members: [{asn: 3, exchange: ix}]
  peerings: [[2, 3]]
"""


def test_fuzz_scenario_yaml(tmp_path: Path) -> None:
    asrel = tmp_path / "g.as-rel.txt"
    asrel.write_bytes(ASREL)
    cases = text_cases(SCENARIO, "scenario", yaml_attacks(), 50)
    fuzz(
        "scenario YAML",
        cases,
        "scenario.yml",
        lambda p: ["whatif", "scenario", str(p), "--asrel", str(asrel)],
        tmp_path,
    )


def test_fuzz_as_relationships(tmp_path: Path) -> None:
    seed = ASREL
    if SHARED.is_dir():
        seed = head(shared("asrel/caida-20180101.as-rel.txt"), 200)
    cases = text_cases(
        seed,
        "asrel",
        [("not-utf8", b"1|2|-1\n\xff|3|0\n"), ("huge", b"1|" + b"9" * 5000 + b"|-1\n")],
        40,
    )
    fuzz(
        "AS relationships",
        cases,
        "g.as-rel.txt",
        lambda p: ["whatif", "routes", "--asrel", str(p), "--dest", "1"],
        tmp_path,
    )


def test_attacks_are_what_the_issue_lists() -> None:
    labels = {label for label, _ in json_attacks()} | {label for label, _ in yaml_attacks()}
    assert {"deep-array", "huge-int", "lone-surrogate", "nul-escape", "not-utf8"} <= labels
    assert json.loads(dict(json_attacks())["wrong-top"]) == "just a string"
