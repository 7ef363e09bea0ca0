"""``lakou whatif routes`` against a BGPy script, both whole, on the full CAIDA graph.

Both commands read the same as-rel file, build their graph, compute every AS's route to
one destination and print them as JSON (:mod:`benchmarks.whatif.bgpy_routes` is the
BGPy side; it parses the file with lakou's reader, so the two differ in the graph build
and the routing). The outputs are compared.

    python -m benchmarks.whatif.whole [--asrel FILE] [--dest ASN] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from benchmarks.whole import compare, lakou, lakou_env, median_of

SCRIPT = Path(__file__).resolve().parent / "bgpy_routes.py"
DEFAULT_ASREL = (
    Path(__file__).resolve().parents[2].parent / "shared/data/asrel/caida-20180101.as-rel.txt"
)


def _asns(asrel: Path) -> dict[str, None]:
    """The ASNs of an as-rel file, in order of appearance."""
    found: dict[str, None] = {}
    with asrel.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                for asn in line.split("|")[:2]:
                    found.setdefault(asn.strip(), None)
    return found


def run(asrel: Path = DEFAULT_ASREL, dest: str = "3356", runs: int = 3) -> list[dict[str, object]]:
    if not asrel.exists():
        print(f"whatif whole commands: not run ({asrel} not found)")
        return []
    try:
        import bgpy  # noqa: F401
    except ImportError:
        print("whatif whole commands: not run (BGPy not installed: pip install bgpy_pkg)")
        return []
    if dest not in _asns(asrel):  # another graph (a test's): its first AS
        dest = next(iter(_asns(asrel)))
    with tempfile.TemporaryDirectory(prefix="lakou-bench-whatif-") as tmp:
        ours_out, theirs_out = Path(tmp) / "lakou.json", Path(tmp) / "bgpy.json"
        ours = median_of(
            lakou("whatif", "routes", "--asrel", str(asrel), "--dest", dest, "--format", "json"),
            runs,
            stdout=ours_out,
        )
        theirs = median_of(
            [sys.executable, str(SCRIPT), str(asrel), dest],
            runs,
            stdout=theirs_out,
            env=lakou_env(),
        )
        same = json.loads(ours_out.read_text()) == json.loads(theirs_out.read_text())
    return [
        compare(
            "whatif",
            f"routes to AS{dest}, full CAIDA graph",
            ours,
            theirs,
            "BGPy script",
            note="identical routes" if same else "ROUTES DIFFER",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asrel", type=Path, default=DEFAULT_ASREL)
    parser.add_argument("--dest", default="3356")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    run(args.asrel, args.dest, args.runs)


if __name__ == "__main__":
    main()
