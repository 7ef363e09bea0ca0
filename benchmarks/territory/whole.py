"""``lakou territory lookup`` against a pytricia script, both whole, on the same table.

Both commands read the real IP→ASN range table of ../shared/data (``asn-ipv4.csv``),
build their index (lakou's :class:`~lakou.territory.index.PrefixIndex`, a pytricia trie
in :mod:`benchmarks.territory.pytricia_lookup`) and print, as JSON, the prefix and origin
AS of the same N random addresses given on the command line: start-up, reading, index
build, lookups and output, as a user runs them. lakou builds its index on every run
(``lookup --data-dir``), as the script does.

    python -m benchmarks.territory.whole [--addresses N] [--runs R]
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.territory.run import DATA
from benchmarks.whole import compare, lakou, median_of

SCRIPT = Path(__file__).resolve().parent / "pytricia_lookup.py"


def run(addresses: int = 2000, runs: int = 3) -> list[dict[str, object]]:
    if not DATA.exists():
        print(f"territory whole commands: not run ({DATA} not found)")
        return []
    rng = np.random.default_rng(6)
    ips = [str(ipaddress.IPv4Address(int(v))) for v in rng.integers(0, 2**32, addresses)]
    with tempfile.TemporaryDirectory(prefix="lakou-bench-territory-") as tmp:
        work = Path(tmp)
        data = work / "data"
        data.mkdir()
        (data / DATA.name).symlink_to(DATA)
        ours_out, theirs_out = work / "lakou.json", work / "pytricia.json"
        command = lakou("territory", "lookup", "--data-dir", str(data), "--format", "json", *ips)
        ours = median_of(command, runs, stdout=ours_out)
        theirs = median_of([sys.executable, str(SCRIPT), str(DATA), *ips], runs, stdout=theirs_out)
        import json

        mine = {(r["ip"], r["prefix"], r["asn"]) for r in json.loads(ours_out.read_text())}
        ref = {(r["ip"], r["prefix"], r["asn"]) for r in json.loads(theirs_out.read_text())}
        agree = len(mine & ref)
    return [
        compare(
            "territory",
            f"lookup {addresses} addresses (index built from the table)",
            ours,
            theirs,
            "pytricia script",
            note=f"same prefix and AS for {agree} of {addresses} addresses",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    run(args.addresses, args.runs)


if __name__ == "__main__":
    main()
