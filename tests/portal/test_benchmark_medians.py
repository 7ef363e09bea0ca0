"""The portal benchmark's medians over several runs (ratios to each run's own floor)."""

from __future__ import annotations

from benchmarks.portal.run import FLOOR, Load, Run, medians


def run(floor_rps: float, page_rps: float, p99: float) -> Run:
    return Run(
        [
            Load(FLOOR, 16, floor_rps, 1.0, 20.0, 0, 0),
            Load("/", 16, page_rps, 2.0, p99, 0, 0),
            Load("/ (expiry)", 4, page_rps / 4, 3.0, p99 + 1, 0, 0),
            Load(f"{FLOOR} (expiry)", 2, floor_rps / 8, 3.0, p99 + 2, 0, 1),
        ],
        (70.0, 500.0, 400.0),
    )


def test_medians_per_figure_and_ratio_within_each_run() -> None:
    lines = medians([run(1000, 500, 30), run(4000, 1000, 90), run(2000, 1800, 40)])
    page = lines[3].split()
    assert page[:5] == ["/", "16", "1000.0", "2.0", "40.0"]
    assert page[-1] == "0.500"  # ratios 0.5, 0.25, 0.9: median 0.5 (not 1000/2000)
    expiry = next(line for line in lines if line.startswith("/ (expiry)")).split()
    assert expiry[3:6] == ["250.0", "3.0", "41.0"] and len(expiry) == 8  # no ratio
    floor = next(line for line in lines if "(expiry)" in line and FLOOR in line).split()
    assert floor[-1] == "1"  # the worst run's time-outs
    assert lines[-1] == "server memory (median): peak 500 MB, at the end 400 MB"
    assert lines[2].split()[:3] == [FLOOR, "16", "2000.0"]
