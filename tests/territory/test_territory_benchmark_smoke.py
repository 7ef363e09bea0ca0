"""The benchmark scripts run (tiny inputs; speed is measured by the scripts, not here)."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_territory_benchmark_runs() -> None:
    from benchmarks.territory.run import main

    result = main(["--quick"])
    assert result["lakou"] > 0 and result["pytricia"] > 0


@pytest.mark.data
def test_paths_benchmark_runs(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.paths.run import main

    monkeypatch.delenv("LAKOU_TRAIXROUTE_PYTHON", raising=False)
    assert main(["--quick"])["lakou"] > 0
