"""``lakou whatif`` on small files: the JSON contract of ``routes``, ``reach``, ``all``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from lakou.cli import main

# 1 > 2 > 3, 2 = 4, 4 > 5: to 5, 2 has a peer route, 3 inherits it, 1 (provider) none.
ASREL = "1|2|-1\n2|3|-1\n2|4|0\n4|5|-1\n"


def _file(tmp_path: Path) -> str:
    path = tmp_path / "g.as-rel.txt"
    path.write_text("# IXP ASes: 99\n" + ASREL + "7|8|0\n")
    return str(path)


def test_routes_json_contract(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main, ["whatif", "routes", "--asrel", _file(tmp_path), "--dest", "5", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data == {
        "1": None,
        "2": {"type": "peer", "length": 2, "next_hop": 4},
        "3": {"type": "provider", "length": 3, "next_hop": 2},
        "4": {"type": "customer", "length": 1, "next_hop": 5},
        "5": {"type": "origin", "length": 0, "next_hop": None},
        "7": None,
        "8": None,
    }


def test_routes_table_and_full_path(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(
        main,
        [
            "whatif",
            "routes",
            "--asrel",
            _file(tmp_path),
            "--dest",
            "5",
            "--full-path",
            "--format",
            "json",
        ],
    )
    assert json.loads(res.stdout)["3"]["path"] == [3, 2, 4, 5]
    res = runner.invoke(
        main, ["-L", "fr", "whatif", "routes", "--asrel", _file(tmp_path), "--dest", "5"]
    )
    assert res.exit_code == 0 and "via un pair" in res.output
    res = runner.invoke(main, ["whatif", "routes", "--asrel", _file(tmp_path), "--dest", "42"])
    assert res.exit_code != 0 and "AS42 is not in the graph" in res.output


def test_reach(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main,
        [
            "whatif",
            "reach",
            "--asrel",
            _file(tmp_path),
            "--from",
            "3",
            "--to",
            "5",
            "--to",
            "8",
            "--format",
            "json",
        ],
    )
    rows = json.loads(res.stdout)
    assert rows[0]["reachable"] and rows[0]["path"] == ["3", "2", "4", "5"]
    assert rows[1] == {"from": "3", "to": "8", "reachable": False, "path": None}


def test_all_destinations_csv(tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    res = CliRunner().invoke(
        main, ["whatif", "all", "--asrel", _file(tmp_path), "--workers", "2", "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    lines = out.read_text().splitlines()
    assert lines[0].startswith("dest,reached_from,customer,peer,provider,none")
    assert len(lines) == 1 + 7


def test_malformed_asrel_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(ASREL + "1|banana|0\n")
    res = CliRunner().invoke(main, ["whatif", "routes", "--asrel", str(path), "--dest", "5"])
    assert res.exit_code == 0
    assert "1 malformed lines dropped" in res.stderr and "bad.txt:5" in res.stderr


def test_cycles_command(tmp_path: Path) -> None:
    path = tmp_path / "cyc.txt"
    path.write_text("1|2|-1\n2|3|-1\n3|1|-1\n")
    runner = CliRunner()
    res = runner.invoke(main, ["whatif", "cycles", "--asrel", str(path)])
    assert res.exit_code == 1 and "AS1 > AS2 > AS3 > AS1" in res.output
    res = runner.invoke(main, ["whatif", "routes", "--asrel", str(path), "--dest", "1"])
    assert res.exit_code != 0 and "provider-customer cycles" in res.output


def test_routes_limit_keeps_the_closest_and_says_how_many_more(tmp_path: Path) -> None:
    args = ["whatif", "routes", "--asrel", _file(tmp_path), "--dest", "5"]
    res = CliRunner().invoke(main, [*args, "--format", "json", "--limit", "3"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == {
        "5": {"type": "origin", "length": 0, "next_hop": None},
        "4": {"type": "customer", "length": 1, "next_hop": 5},
        "2": {"type": "peer", "length": 2, "next_hop": 4},
    }
    assert "… and 4 more ASes (--limit 0 shows them all)" in res.stderr
    res = CliRunner().invoke(main, [*args, "--limit", "0"])
    assert res.exit_code == 0 and "more ASes" not in res.output
    table = CliRunner().invoke(main, ["-L", "fr", *args, "--limit", "2"])
    assert table.exit_code == 0, table.output
    assert "… et 5 AS de plus" in table.output and "origine" in table.output
