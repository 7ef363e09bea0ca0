"""Piped tables are never cut: the console is as wide as its lines when not a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

SCRIPT = """
from rich.table import Table
from lakou.cli.output import console
table = Table(title="exchanges")
for header in ("slug", "name", "route servers"):
    table.add_column(header)
table.add_row("demo-saint-martin", "Saint-Martin IX (demo) " * 4, "rs1-marigot rs2-grandcase")
console().print(table)
"""


def test_a_wide_table_through_a_pipe_is_whole() -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "80", "TERM": "xterm"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, check=True
    )
    out = done.stdout
    assert "…" not in out
    assert "demo-saint-martin" in out and ("Saint-Martin IX (demo) " * 4).strip() in out
    widest = max(len(line) for line in out.splitlines())
    assert widest > 80  # wider than the 80 columns Rich assumes for a pipe
    rows = [line for line in out.splitlines() if "demo-saint-martin" in line]
    assert len(rows) == 1  # one line, not wrapped cells
