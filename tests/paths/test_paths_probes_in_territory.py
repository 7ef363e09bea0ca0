"""The leaving share counts only traceroutes from probes in the territory, and says so.

On the real RIPE Atlas results none of the probes is in the CaribIX territories: the
report must say there is nothing to measure, not "100 %", and its HTML must read as
words (yes / no / cannot tell), never Python's None/True/False.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.paths.analyze import mesh

pytestmark = pytest.mark.data

# The territory table: Sint Maarten's SSCS block, and the French campus the warts
# trace starts from (so "the territory" can be made FR to have one local probe).
TABLE = "prefix,asn,territory\n190.123.16.0/22,52389,SX\n137.194.0.0/16,2200,FR\n"


def _analyze(shared_data: Path, tmp_path: Path, countries: str, fmt: str) -> str:
    table = tmp_path / "territory.csv"
    table.write_text(TABLE)
    files = [
        str(shared_data / "traceroutes" / "ripe-atlas-traceroutes.jsonl"),
        str(shared_data / "traceroutes" / "scamper" / "trace_google_dns_v4_default.warts"),
    ]
    out = tmp_path / f"report-{countries}.{fmt}"
    mesh_file = tmp_path / f"mesh-{countries}.json"
    args = ["paths", "analyze", *files, "--territory", str(table), "--countries", countries]
    args += ["--format", fmt, "--out", str(out), "--mesh-out", str(mesh_file), "--no-cache"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return out.read_text()


def test_no_probe_in_the_territory_nothing_to_measure(shared_data: Path, tmp_path: Path) -> None:
    results = json.loads(_analyze(shared_data, tmp_path, "GP,MF,BL,SX", "json"))
    assert len(results) == 20 and not any(r["probe_in_territory"] for r in results)
    assert any(r["left_territory"] for r in results)  # paths abroad do "leave"...
    summary = json.loads((tmp_path / "mesh-GP,MF,BL,SX.json").read_text())
    assert summary["share_leaving"] is None  # ...but none of them started here
    assert summary["traceroutes_from_territory"] == 0
    assert "nothing to measure" in summary["share_leaving_how"]
    assert mesh(results)["share_leaving"] is None

    page = _analyze(shared_data, tmp_path, "GP,MF,BL,SX", "html")
    share = re.search(r"from probes in the territory:\s*<b>([^<]*)</b>", page)
    assert share and share.group(1) == "nothing to measure"
    assert "100%" not in page.split("<div")[0]  # the text above the charts
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert len(cells) == 20 * 9
    assert not {"None", "True", "False"} & set(cells)
    assert {"yes", "–"} <= set(cells)


def test_share_over_local_probes_only(shared_data: Path, tmp_path: Path) -> None:
    results = json.loads(_analyze(shared_data, tmp_path, "FR", "json"))
    local = [r for r in results if r["probe_in_territory"]]
    assert [r["probe_country"] for r in local] == ["FR"]
    summary = json.loads((tmp_path / "mesh-FR.json").read_text())
    assert summary["traceroutes_from_territory"] == 1
    decided = [r for r in local if r["left_territory"] is not None]
    expected = sum(r["left_territory"] for r in decided) / len(decided) if decided else None
    assert summary["share_leaving"] == (None if expected is None else round(expected, 3))
    assert "19 from probes elsewhere not counted" in summary["share_leaving_how"]


def test_french_html_has_no_python_values(shared_data: Path, tmp_path: Path) -> None:
    table = tmp_path / "territory.csv"
    table.write_text(TABLE)
    out = tmp_path / "fr.html"
    traces = shared_data / "traceroutes"
    args = ["-L", "fr", "paths", "analyze", str(traces / "ripe-atlas-traceroutes.jsonl")]
    args += [str(traces / "scamper" / "trace_google_dns_v4_default.warts")]
    args += ["--territory", str(table), "--countries", "SX", "--format", "html"]
    result = CliRunner().invoke(main, [*args, "--out", str(out), "--no-cache"])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "rien à mesurer" in page
    cells = set(re.findall(r"<td>([^<]*)</td>", page))
    assert "oui" in cells and not {"None", "True", "False", "yes"} & cells
