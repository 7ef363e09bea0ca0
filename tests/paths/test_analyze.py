"""Exchange crossings, the left-territory verdict and the mesh, on real exchange data."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from benchmarks.paths.run import traixroute_data
from click.testing import CliRunner

from lakou.cli import main
from lakou.paths.analyze import Annotator, analyze, mesh
from lakou.paths.model import Hop, Traceroute
from lakou.territory.index import PrefixIndex
from lakou.territory.sources.ixp import IxpDirectory, IxpMemberAddress, read_peeringdb

pytestmark = pytest.mark.data

# who originates what, and where it is (the territory's prefix table, plus two outsiders)
ROUTING = PrefixIndex.from_rows(
    [
        ("190.123.16.0/22", 52389, "SX"),  # SSCS, Sint Maarten
        ("190.185.96.0/19", 27781, "SX"),  # SMITCOMS
        ("23.138.120.0/24", 988, "MF"),  # Computer Technologies, Saint-Martin
        ("5.187.96.0/19", 21351, "GP"),  # Canal+ Telecom, Guadeloupe
        ("4.0.0.0/9", 3356, "US"),
        ("62.40.96.0/19", 3215, "FR"),
    ]
)


@pytest.fixture(scope="module")
def ixps(shared_data: Path) -> IxpDirectory:
    folder = shared_data / "ixp"
    directory = read_peeringdb(
        folder / "peeringdb-2016-ix.json",
        folder / "peeringdb-2016-ixlan.json",
        folder / "peeringdb-2016-ixpfx.json",
    )
    # OCIX router addresses as a netixlan dump would give them
    directory.members += [
        IxpMemberAddress("pdb:260", 27781, "200.0.22.10", "peeringdb"),
        IxpMemberAddress("pdb:260", 988, "200.0.22.20", "peeringdb"),
    ]
    return directory


def _trace(
    ident: str,
    hops: list[tuple[int, str | None, float | None]],
    destination: str,
    source: str = "190.123.16.5",
) -> Traceroute:
    return Traceroute(
        ident,
        "test",
        ident,
        source,
        destination,
        4,
        0,
        [Hop(t, ip, rtt) for t, ip, rtt in hops],
        1,
        source,
    )


def test_crossing_rules(ixps: IxpDirectory) -> None:
    annotator = Annotator({"GP", "MF", "BL", "SX"}, routing=ROUTING, ixps=ixps)
    traces = [
        # SMITCOMS -> OCIX address of Computer Technologies -> Computer Technologies
        _trace(
            "member-differs",
            [(1, "190.185.96.1", 0.5), (2, "200.0.22.20", 1.0), (3, "23.138.120.1", 1.2)],
            "23.138.120.1",
            "190.185.96.9",
        ),
        # SMITCOMS -> SMITCOMS's own OCIX address -> Computer Technologies
        _trace(
            "member-same",
            [(1, "190.185.96.1", 0.5), (2, "200.0.22.10", 0.8), (3, "23.138.120.1", 1.2)],
            "23.138.120.1",
            "190.185.96.9",
        ),
        # unknown owner, neighbours in two ASes
        _trace(
            "neighbours",
            [(1, "190.123.16.1", 0.5), (2, "200.0.22.99", 0.9), (3, "23.138.120.1", 1.1)],
            "23.138.120.1",
        ),
        # an OCIX address alone, same AS on both sides: no crossing (traIXroute's caution)
        _trace(
            "no-proof",
            [(1, "190.123.16.1", 0.5), (2, "200.0.22.99", 0.9), (3, "190.123.16.9", 1.1)],
            "190.123.16.9",
        ),
    ]
    results = {r["id"]: r for r in analyze(traces, annotator)}
    assert results["member-differs"]["ixp_crossings"] == [
        {
            "ixp": "OCIX",
            "ixp_key": "pdb:260",
            "hop": 2,
            "ip": "200.0.22.20",
            "rule": "member-differs-from-previous",
            "from_asn": 27781,
            "to_asn": 988,
            "member_asn": 988,
        }
    ]
    assert results["member-same"]["ixp_crossings"][0]["rule"] == "member-same-as-previous"
    assert results["neighbours"]["ixp_crossings"][0]["rule"] == "neighbours-differ"
    assert results["no-proof"]["ixp_crossings"] == []
    assert results["no-proof"]["evidence"]["ixp_addresses_seen"] == [
        {"hop": 2, "ip": "200.0.22.99", "ixp": "OCIX"}
    ]
    assert all(r["left_territory"] is False for r in results.values())


def test_left_territory_and_speed_of_light(ixps: IxpDirectory) -> None:
    annotator = Annotator({"GP", "MF", "BL", "SX"}, routing=ROUTING, ixps=ixps)
    trombone = _trace(
        "trombone",
        [
            (1, "190.123.16.1", 0.6),
            (2, "4.68.1.1", 24.0),
            (3, "62.40.100.1", 90.0),
            (4, "5.187.96.1", 95.0),
        ],
        "5.187.96.1",
    )
    # a hop geolocated in France 3 ms from Sint Maarten is impossible: its location is dropped
    impossible = _trace(
        "impossible",
        [(1, "190.123.16.1", 0.6), (2, "62.40.100.1", 3.0), (3, "23.138.120.1", 3.1)],
        "23.138.120.1",
    )
    slow = _trace(
        "slow",
        [(1, "190.123.16.1", 0.6), (2, None, None), (3, "23.138.120.1", 40.0)],
        "23.138.120.1",
    )
    results = {r["id"]: r for r in analyze([trombone, impossible, slow], annotator)}
    assert results["trombone"]["left_territory"] is True
    assert results["trombone"]["countries_crossed"] == ["SX", "US", "FR", "GP"]
    assert results["trombone"]["detour_index"]["index"] > 10
    dropped = results["impossible"]["evidence"]["dropped_locations"]
    assert [(d["hop"], d["country"]) for d in dropped] == [(2, "FR")]
    assert dropped[0]["distance_km"] > dropped[0]["bound_km"] == 300
    assert results["impossible"]["left_territory"] is False
    assert (
        results["slow"]["left_territory"] is True
        and results["slow"]["evidence"]["rtt"]["rtt_ms"] == 40.0
    )
    summary = mesh(list(results.values()))
    assert summary["share_leaving"] == round(2 / 3, 3)
    assert summary["countries_crossed"]["FR"] == 1  # the dropped location is not counted


def test_cli_analyze_real_files(shared_data: Path, tmp_path: Path) -> None:
    table = tmp_path / "territory.csv"
    table.write_text("prefix,asn,territory\n137.194.0.0/16,2200,FR\n")
    runner = CliRunner()
    files = [
        str(shared_data / "traceroutes" / "ripe-atlas-traceroutes.jsonl"),
        str(shared_data / "traceroutes" / "scamper" / "trace_google_dns_v4_default.warts"),
    ]
    mesh_file = tmp_path / "mesh.json"
    result = runner.invoke(
        main,
        [
            "paths",
            "analyze",
            *files,
            "--territory",
            str(table),
            "--countries",
            "FR",
            "--format",
            "json",
            "--mesh-out",
            str(mesh_file),
        ],
    )
    assert result.exit_code == 0, result.output
    results = json.loads(result.output)
    assert len(results) == 20
    for r in results:
        assert {
            "msm_id",
            "probe",
            "destination",
            "ixp_crossings",
            "left_territory",
            "verdicts",
            "evidence",
        } <= set(r)
    warts = results[-1]
    assert warts["probe_country"] == "FR" and warts["hops"][0]["country_source"] == "territory"
    assert json.loads(mesh_file.read_text())["traceroutes"] == 20
    html_out = tmp_path / "report.html"
    result = runner.invoke(
        main, ["paths", "analyze", *files, "--format", "html", "--out", str(html_out)]
    )
    assert result.exit_code == 0, result.output
    page = html_out.read_text()
    assert "plotly" in page.lower() and "ripe-atlas-traceroutes.jsonl:4" in page


# scripts/install-test-deps builds traIXroute's own venv there; the variable overrides it.
_DEFAULT_TRAIXROUTE = Path("/opt/lakou-test/traixroute/bin/python")
TRAIXROUTE_PYTHON = os.environ.get("LAKOU_TRAIXROUTE_PYTHON") or (
    str(_DEFAULT_TRAIXROUTE) if _DEFAULT_TRAIXROUTE.exists() else None
)
TRAIXROUTE_ARGS = ("-rule", "-asn", "-process", "import", "-ripejson")


@pytest.mark.slow
@pytest.mark.skipif(
    not TRAIXROUTE_PYTHON,
    reason="traIXroute 2.3 does not install in this environment: it pins cffi==1.7.0 and "
    "cryptography==2.1.4, which do not build on Python 3.11; install it with --no-deps in a "
    "venv (scripts/install-test-deps does) or set LAKOU_TRAIXROUTE_PYTHON (docs/61-paths.md)",
)
def test_differential_against_traixroute(shared_data: Path, tmp_path: Path) -> None:
    """Same Atlas traceroutes, same 2016 PeeringDB/PCH data: the same exchange crossings."""
    atlas = tmp_path / "atlas.json"
    rows = [
        json.loads(line)
        for line in (shared_data / "traceroutes" / "ripe-atlas-traceroutes.jsonl")
        .read_text()
        .splitlines()
    ]
    atlas.write_text(json.dumps(rows))
    wrapper = Path(__file__).with_name("traixroute_wrapper.py")
    env = {**os.environ, "HOME": str(tmp_path)}
    run = subprocess.run(
        [str(TRAIXROUTE_PYTHON), str(wrapper), *TRAIXROUTE_ARGS, str(atlas)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=900,
    )
    assert "traIXroute from" in run.stdout, run.stdout[-3000:] + run.stderr[-3000:]
    theirs = len(re.findall(r"^IXP hops:", run.stdout, re.M))
    # our side reads the very files traIXroute bundles: its netixlan and RouteViews pfx2as,
    # beside the 2016 PeeringDB and PCH files of the shared data (the same as its own)
    data = traixroute_data(str(TRAIXROUTE_PYTHON), shared_data / "ixp", tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        main, ["paths", "analyze", str(atlas), "--data-dir", str(data), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    ours = sum(1 for r in json.loads(result.output) if r["ixp_crossings"])
    assert ours == theirs == 0  # see docs/61-paths.md: neither finds a crossing in these 19


def test_the_analysis_renders_in_the_format_asked() -> None:
    from lakou.paths import PathsAnalysis
    from lakou.territory import Counters

    analysis = PathsAnalysis([{"probe": 1}, {"probe": 2}], {}, ["pch"], Counters())
    assert analysis.render() == analysis.render("json") == analysis.to_json()
    assert json.loads(analysis.render("json")) == [{"probe": 1}, {"probe": 2}]
    assert analysis.render("jsonl") == '{"probe": 1}\n{"probe": 2}\n'
