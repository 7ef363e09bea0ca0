"""``python -m benchmarks`` finds every component's benchmark and runs the chosen ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.__main__ import choose, components

ROOT = Path(__file__).resolve().parent.parent


def test_every_benchmark_package_is_a_component() -> None:
    found = components()
    packages = sorted(p.parent.name for p in (ROOT / "benchmarks").glob("*/__main__.py"))
    assert found == packages
    assert {"flows", "lg", "paths", "routeserver", "territory", "whatif"} <= set(found)


def test_choose_keeps_order_and_refuses_unknown_names() -> None:
    names = ["flows", "lg", "paths"]
    assert choose(names, "paths,flows", None) == ["flows", "paths"]
    assert choose(names, None, "lg") == ["flows", "paths"]
    with pytest.raises(SystemExit, match=r"unknown component.*nope.*known: flows, lg, paths"):
        choose(names, "nope", None)


def test_list_runs_as_a_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == components()


def test_whole_command_comparisons_reach_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from benchmarks.__main__ import whole_command_lines
    from benchmarks.whole import RESULTS_ENV, compare, timed

    results = tmp_path / "whole.jsonl"
    monkeypatch.setenv(RESULTS_ENV, str(results))
    ours = timed([sys.executable, "-c", "pass"])
    theirs = timed([sys.executable, "-c", "import json"])
    assert ours.wall > 0 and ours.cpu >= 0 and ours.peak_mb > 0
    record = compare("flows", "a case", ours, theirs, "the reference", note="a note")
    printed = capsys.readouterr().out
    assert "a case, whole command" in printed and "the reference" in printed
    assert "speed-up" in printed and "(a note)" in printed
    assert record["cpu_ratio"] == (theirs.cpu / ours.cpu if ours.cpu else record["cpu_ratio"])
    (line,) = whole_command_lines(results, "flows")
    assert line.strip().startswith("a case: lakou speed-up") and "vs the reference" in line
    assert whole_command_lines(results, "paths") == []


def test_a_failing_command_ends_the_benchmark_with_its_error() -> None:
    from benchmarks.whole import timed

    with pytest.raises(SystemExit, match="boom"):
        timed([sys.executable, "-c", "import sys; sys.exit('boom')"])


def test_small_ratios_keep_their_figures() -> None:
    """A start-up-bound command 200 times slower than its reference is not shown as 0.00x."""
    from benchmarks.whole import ratio_text

    assert ratio_text(0.004321) == "0.00432x"
    assert ratio_text(2.71828) == "2.72x"
    assert ratio_text(36.4) == "36.4x"
