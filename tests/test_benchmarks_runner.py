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
