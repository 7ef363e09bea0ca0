"""``lakou paths analyze`` against traIXroute's command, both whole, on the same traceroutes.

The same RIPE Atlas results (the real ones of ../shared/data, repeated to N) and, when
traIXroute is installed, the very exchange and IP→ASN files it bundles (see
:func:`benchmarks.paths.run.traixroute_data`). lakou runs cold (an empty index cache: it
parses every file and saves the cache) and warm (the cache loaded), writing its JSON
report to a file; traIXroute runs its ``import -ripejson`` command (it loads its
datasets on every run: it has no cache), after one warm-up run that copies its
configuration into ``$HOME``. traIXroute is found with ``$LAKOU_TRAIXROUTE_PYTHON``, else
in /opt/lakou-test/traixroute (where ``scripts/install-test-deps`` puts it).

    python -m benchmarks.paths.whole [--traceroutes N] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

from benchmarks.paths.run import DATA, ROOT, traixroute_data, traixroute_python
from benchmarks.whole import compare, lakou, lakou_env, median_of, timed

COUNTRIES = "GP,MF,BL,SX"


def run(traceroutes: int = 1000, runs: int = 3) -> list[dict[str, object]]:
    source = DATA / "traceroutes" / "ripe-atlas-traceroutes.jsonl"
    python = traixroute_python()
    if not source.exists() or python is None:
        print("paths whole commands: not run (no shared data or no traIXroute)")
        return []
    lines = source.read_text().splitlines()
    rows = [json.loads(lines[i % len(lines)]) for i in range(traceroutes)]
    results = []
    with tempfile.TemporaryDirectory(prefix="lakou-bench-paths-whole-") as tmp:
        work = Path(tmp)
        atlas = work / "atlas.json"
        atlas.write_text(json.dumps(rows))
        data = traixroute_data(python, DATA / "ixp", work)
        cache = work / "cache"
        command = lakou(
            "paths", "analyze", str(atlas), "--data-dir", str(data), "--countries", COUNTRIES,
            "--cache-dir", str(cache), "--out", str(work / "lakou.json"),
        )  # fmt: skip
        # their temporary files in the work folder, removed with it: nothing left in /tmp
        ours_env = lakou_env({"TMPDIR": str(work)})
        cold = median_of(
            command, runs, before=lambda: shutil.rmtree(cache, ignore_errors=True), env=ours_env
        )
        timed(command, env=ours_env)  # fill the cache
        warm = median_of(command, runs, env=ours_env)
        env = {**os.environ, "HOME": str(work), "TMPDIR": str(work)}
        wrapper = ROOT / "tests" / "paths" / "traixroute_wrapper.py"
        one = work / "one.json"
        one.write_text(json.dumps(rows[:1]))
        theirs_cmd = [python, str(wrapper), "-silent", "-thread", "import", "-ripejson"]
        timed([*theirs_cmd, str(one)], cwd=work, env=env)  # warm-up: its configuration
        theirs = median_of([*theirs_cmd, str(atlas)], runs, cwd=work, env=env)
        for kind, ours in (("warm", warm), ("cold", cold)):
            results.append(
                compare(
                    "paths",
                    f"analyze {traceroutes} traceroutes, {kind} index cache",
                    ours,
                    theirs,
                    "traIXroute",
                    note="traIXroute has no cache: it parses its datasets every run",
                    per=(traceroutes, "traceroute"),
                )
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--traceroutes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    run(args.traceroutes, args.runs)


if __name__ == "__main__":
    main()
