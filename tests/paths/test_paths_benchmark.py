"""The paths benchmark's analysis-alone comparison runs on a tiny input and leaves nothing
in the temporary folder (speed is measured by the benchmark, not here)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from benchmarks.paths.run import main, traixroute_python

pytestmark = [pytest.mark.data, pytest.mark.slow]


def _ours() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("lakou-bench-paths-*")}


def test_analysis_alone_against_traixroute(shared_data: Path) -> None:
    if traixroute_python() is None:
        pytest.skip("traIXroute is not installed (scripts/install-test-deps puts it in /opt)")
    before = _ours()
    figures = main(["--quick"])
    assert _ours() == before
    # the real results (40 and 120) and the corpus through exchanges (10), both tools
    for key in ("real_40", "real_120", "exchanges_10"):
        assert figures[f"lakou_{key}"] > 0
        assert figures[f"cpu_ratio_{key}"] > 0 and figures[f"wall_ratio_{key}"] > 0
    assert figures["lakou"] == figures["lakou_real_40"]
