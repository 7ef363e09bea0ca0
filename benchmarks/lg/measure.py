"""One looking-glass process, measured: lakou's engine answering the benchmark's questions.

Run by ``run.py`` as its own process so that its peak memory (RSS) is the looking glass's
alone: it reads the questions (a JSON file), asks them through ``lakou.routeserver.lg.api``
as the portal does, and prints each latency, the size of each answer and its peak RSS.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from lakou.routeserver.lg import api


def main(spec_path: str) -> int:
    spec: dict[str, Any] = json.loads(Path(spec_path).read_text())
    servers = [api.RouteServerEndpoint.model_validate(e) for e in spec["endpoints"]]
    out: dict[str, Any] = {}

    def timed(name: str, call: Any) -> None:
        start = time.perf_counter()
        answer = call()
        out.setdefault(name, {"seconds": [], "answers": []})
        out[name]["seconds"].append(time.perf_counter() - start)
        out[name]["answers"].append(len(answer))

    for _ in range(spec["rounds"]["neighbours"]):
        timed("neighbours", lambda: [n for rs in servers for n in api.neighbours(rs)])
    for _ in range(spec["rounds"]["filtered"]):
        timed("filtered", lambda: api.routes(servers[0], spec["member"], filtered=True))
    for _ in range(spec["rounds"]["neighbours"]):  # what the portal asks: one page
        page = lambda: api.routes_page(servers[0], spec["member"], True, limit=100).routes  # noqa: E731
        timed("filtered_page", page)
    for prefix in spec["prefixes"]:
        timed("prefix", lambda p=prefix: api.search(servers, p))
    for address in spec["addresses"]:
        timed("address", lambda a=address: api.search(servers, a))
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
