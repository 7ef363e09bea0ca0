"""The benchmark script runs end to end on a tiny graph (no timings asserted)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.whatif.__main__ import main


def test_benchmark_runs_on_a_tiny_graph(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "tiny.as-rel.txt"
    path.write_text("1|2|-1\n2|3|-1\n2|4|0\n4|5|-1\n1|6|-1\n")
    args = ["--asrel", str(path), "--bgpy-dests", "0", "--sample", "5", "--all", "--no-whole"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "lakou numba kernel" in out and "all-destinations on 2 threads: 6 destinations" in out
