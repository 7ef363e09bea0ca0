"""The reference for ``lakou whatif routes``: every AS's route to one destination, by BGPy.

Reads the CAIDA as-rel file (with lakou's reader, so both commands start from the same
graph), builds BGPy's graph, propagates the destination's prefix with BGPy's simulation
engine and prints each AS's route as ``lakou whatif routes --format json`` does.

    python benchmarks/whatif/bgpy_routes.py AS-REL DEST
"""

from __future__ import annotations

import json
import sys

from lakou.whatif.asrel import read_asrel
from lakou.whatif.graph import AsGraph
from lakou.whatif.testing import BgpyReference


def main(argv: list[str]) -> None:
    asrel, dest = argv[0], argv[1]
    graph = AsGraph.from_asrel(read_asrel(asrel, strict=True)).compile()
    tree = BgpyReference(graph).run(graph.index[dest])
    sys.stdout.write(json.dumps(tree.as_dict(), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
