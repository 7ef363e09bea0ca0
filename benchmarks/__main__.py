"""Run every component's benchmark, one after the other: ``python -m benchmarks``.

Each component keeps its own benchmark in ``benchmarks/<component>/`` (a package with a
``__main__.py``) that runs lakou and the component's reference tool on the same input, in
the same run, and prints the ratio. This runner finds those packages, runs each as its own
process (so one component's imports, caches and memory never colour another's figures),
lets its output through as it comes, and ends with a summary: per component, its exit
status and wall time, then each whole-command comparison it made (lakou's command against
the reference's, as a user runs them: lakou's speed-up by wall and by CPU time, and both
peak memories; see :mod:`benchmarks.whole`). ``make benchmarks`` calls it.

Options: ``--list`` names the components, ``--only A,B`` and ``--skip A,B`` choose them;
anything after ``--`` is passed to every benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.whole import RESULTS_ENV, ratio_text

HERE = Path(__file__).resolve().parent


def components() -> list[str]:
    """Every benchmark package, in name order: a folder with a ``__main__.py``."""
    return sorted(p.parent.name for p in HERE.glob("*/__main__.py"))


def choose(names: list[str], only: str | None, skip: str | None) -> list[str]:
    """The components to run; an unknown name is an error naming it and the known ones."""
    wanted = _split(only) or names
    skipped = _split(skip)
    unknown = sorted((set(wanted) | set(skipped)) - set(names))
    if unknown:
        raise SystemExit(
            f"benchmarks: unknown component(s) {', '.join(unknown)}; known: {', '.join(names)}"
        )
    return [n for n in names if n in wanted and n not in skipped]


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def run(name: str, extra: list[str], results: Path | None = None) -> tuple[int, float]:
    """Run one component's benchmark as its own process; its exit status and wall time.
    Its whole-command comparisons are appended to ``results`` (JSON lines)."""
    print(f"\n=== {name} ===", flush=True)
    env = dict(os.environ)
    if results is not None:
        env[RESULTS_ENV] = str(results)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", f"benchmarks.{name}", *extra], cwd=HERE.parent, check=False, env=env
    )
    return done.returncode, time.perf_counter() - start


def whole_command_lines(results: Path, name: str) -> list[str]:
    """The summary lines of one component's whole-command comparisons."""
    if not results.exists():
        return []
    lines = []
    for text in results.read_text(encoding="utf-8").splitlines():
        record = json.loads(text)
        if record.get("component") != name:
            continue
        ours, theirs = record["lakou"], record["theirs"]
        lines.append(
            f"    {record['case']}: lakou speed-up {ratio_text(record['wall_ratio'])} wall, "
            f"{ratio_text(record['cpu_ratio'])} CPU vs {record['reference']} "
            f"(peak {ours['peak_mb']:.0f} MB vs {theirs['peak_mb']:.0f} MB)"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in args:
        cut = args.index("--")
        args, extra = args[:cut], args[cut + 1 :]
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--list", action="store_true", help="name the components and stop")
    parser.add_argument("--only", help="comma-separated components to run")
    parser.add_argument("--skip", help="comma-separated components to leave out")
    opts = parser.parse_args(args)
    names = components()
    if opts.list:
        print("\n".join(names))
        return 0
    with tempfile.TemporaryDirectory(prefix="lakou-benchmarks-") as tmp:
        whole = Path(tmp) / "whole-commands.jsonl"
        results = [(name, *run(name, extra, whole)) for name in choose(names, opts.only, opts.skip)]
        print("\n=== summary (whole commands: lakou's speed-up, above 1 = faster) ===")
        for name, status, seconds in results:
            outcome = "ok" if status == 0 else f"failed (exit {status})"
            print(f"{name:<12} {outcome:<18} {seconds:8.1f} s")
            lines = whole_command_lines(whole, name)
            print("\n".join(lines) if lines else "    no whole-command comparison printed")
    return 0 if all(status == 0 for _, status, _ in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
