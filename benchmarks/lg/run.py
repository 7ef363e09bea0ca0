"""The looking glass at scale: two BIRD route servers with about a million routes each.

``world.py`` builds them (the huge synthetic AS-SET, lakou's own BIRD configuration,
routes fed by ExaBGP over real BGP sessions in network namespaces). Then the same
questions go to lakou's looking glass (``measure.py``, its own process) and to ``birdc``
(one process per command, as a looking-glass script would run it): the neighbours of
both route servers, the big member's filtered routes (all of them, and the first page of
100 as the portal asks; birdc cannot page, so its reference is the whole list), a prefix
(exact) and an address (longest match) on both route servers. Printed: p50 and p95
latency of each, lakou's ratio to birdc, the looking glass's peak RSS and each BIRD's.
birdc's answer to an address is less than lakou's (``show route for`` gives the longest
accepted match only; lakou adds the filtered routes at least as specific, which costs it
one exact query per prefix length). Other helpers share the machine: quote the ratios,
not the times.

First, with the route servers fed, the whole commands (:mod:`benchmarks.lg.whole`): ``lakou
lg neighbours`` and ``lakou lg search`` on the first route server against ``birdc``, one
process per question, medians of ``--runs``. The in-process table follows, labelled.

    python -m benchmarks.lg [--routes 1000000] [--rounds 200] [--runs 3] [--smoke] [--no-whole]

Needs root (network namespaces), bird2 and exabgp (without them it says so and exits 0).
Targets: lookups p95 under 100 ms; the looking glass under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from ipaddress import ip_network
from pathlib import Path

from benchmarks.lg import world
from benchmarks.lg.whole import run as run_whole
from benchmarks.whole import in_process_heading

TARGET_LOOKUP_P95 = 0.100
TARGET_RSS_MB = 1024.0


def _p(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def _birdc(socket: Path, command: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run(["birdc", "-s", str(socket), command], capture_output=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 and b"Network not found" not in proc.stdout:
        raise RuntimeError(f"birdc {command}: {(proc.stdout + proc.stderr)[-500:]!r}")
    return elapsed


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _questions(running: world.Running, rounds: int, seed: int = 7) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    pool = running.announcements.accepted + running.announcements.filtered
    prefixes = [rng.choice(pool) for _ in range(rounds)]
    addresses = []
    for _ in range(rounds):
        net = ip_network(rng.choice(pool))
        addresses.append(str(net.network_address + rng.randrange(net.num_addresses)))
    return prefixes, addresses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.lg")
    parser.add_argument("--routes", type=int, default=1_000_000, help="Routes per route server.")
    parser.add_argument("--rounds", type=int, default=200, help="Lookups of each kind.")
    parser.add_argument("--smoke", action="store_true", help="A few hundred routes: it runs.")
    parser.add_argument("--runs", type=int, default=3, help="Runs of each whole command.")
    parser.add_argument("--no-whole", action="store_true", help="Skip the whole commands.")
    args = parser.parse_args(argv)
    # stopped early (SIGTERM), the namespaces and daemons are still cleaned up
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.smoke:
        args.routes, args.rounds = 300, 10
    lab_module = world.load_lab()
    missing = lab_module.missing_tools("bird", "birdc", "exabgp", "ip")
    if missing:
        print(f"benchmarks.lg: skipped (missing: {', '.join(missing)})")
        return 0
    if not lab_module.can_make_namespaces():
        print("benchmarks.lg: skipped (needs root and network namespaces)")
        return 0
    with tempfile.TemporaryDirectory(prefix="lakou-lg-bench-") as tmp:
        workdir = Path(tmp)
        with lab_module.Lab(workdir) as net:
            running = world.start(lab_module, net, workdir, args.routes, args.smoke)
            prefixes, addresses = _questions(running, args.rounds)
            if not args.no_whole:
                first = running.birds[0].socket
                run_whole(first, world.RS_ASN, prefixes[0], addresses[0], world.BIG, args.runs)
                in_process_heading(
                    "the looking glass's engine in one process, as the portal runs it; "
                    "birdc one process per command"
                )
            member = f"AS{world.BIG}_4_1"
            rounds = {
                "neighbours": max(5, args.rounds // 10),
                "filtered": max(3, args.rounds // 40),
            }
            spec = {
                "endpoints": [e.model_dump(mode="json") for e in running.endpoints],
                "rounds": rounds,
                "member": member,
                "prefixes": prefixes,
                "addresses": addresses,
            }
            (workdir / "spec.json").write_text(json.dumps(spec))
            proc = subprocess.run(
                [sys.executable, "-m", "benchmarks.lg.measure", str(workdir / "spec.json")],
                capture_output=True,
                text=True,
                cwd=world.ROOT,
            )
            if proc.returncode != 0:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 1
            lakou = json.loads(proc.stdout)
            socks = [b.socket for b in running.birds]
            birdc: dict[str, list[float]] = {k: [] for k in ("neighbours", "filtered")}
            for _ in range(rounds["neighbours"]):
                birdc["neighbours"].append(
                    sum(_birdc(s, "show protocols all") for s in socks)
                )  # fmt: skip
            for _ in range(rounds["filtered"]):
                birdc["filtered"].append(
                    _birdc(socks[0], f"show route table T_{member} protocol {member} filtered all")
                )
            birdc["prefix"] = []
            for prefix in prefixes:
                master = "master4" if ":" not in prefix else "master6"
                birdc["prefix"].append(
                    sum(
                        _birdc(s, f"show route {prefix} table {master} all")
                        + _birdc(s, f"show route {prefix} table all filtered all")
                        for s in socks
                    )
                )
            birdc["address"] = []
            for address in addresses:
                master = "master4" if ":" not in address else "master6"
                birdc["address"].append(
                    sum(_birdc(s, f"show route for {address} table {master} all") for s in socks)
                )
            rss = [_rss_mb(b.proc.pid) for b in running.birds]
    _report(args, running, lakou, birdc, rss)
    return 0


def _report(
    args: argparse.Namespace,
    running: world.Running,
    lakou: dict,
    birdc: dict[str, list[float]],
    bird_rss: list[float],
) -> None:
    print()
    print(
        f"looking glass benchmark: 2 BIRD route servers x {running.announcements.total:,} routes "
        f"from AS{world.BIG} ({len(running.announcements.filtered):,} filtered), "
        f"fed in {running.feed_seconds:.0f} s; {args.rounds} lookups of each kind"
    )
    birdc["filtered_page"] = birdc["filtered"]  # birdc cannot page: the whole list
    labels = {
        "neighbours": "neighbours, both route servers",
        "filtered": f"AS{world.BIG}_4_1's filtered routes",
        "filtered_page": "  the same, first page of 100 (portal)",
        "prefix": "prefix (exact), both route servers",
        "address": "address (longest match), both",
    }
    print(
        f"{'question':<38} {'answer':>8} {'lakou p50':>10} {'p95':>8} "
        f"{'birdc p50':>10} {'p95':>8} {'lakou/birdc p50':>16}"
    )
    for key, label in labels.items():
        ours = lakou[key]["seconds"]
        theirs = birdc[key]
        answer = statistics.median(lakou[key]["answers"])
        ms = [_p(ours, 50) * 1000, _p(ours, 95) * 1000, _p(theirs, 50) * 1000]
        ms.append(_p(theirs, 95) * 1000)
        print(
            f"{label:<38} {answer:>8.0f} {ms[0]:>8.1f}ms {ms[1]:>6.1f}ms "
            f"{ms[2]:>8.1f}ms {ms[3]:>6.1f}ms {ms[0] / ms[2]:>15.2f}x"
        )
    worst = max(_p(lakou[k]["seconds"], 95) for k in ("prefix", "address"))
    print(
        f"lookups p95 {worst * 1000:.1f} ms (target {TARGET_LOOKUP_P95 * 1000:.0f} ms: "
        f"{'met' if worst <= TARGET_LOOKUP_P95 else 'MISSED'}); looking glass peak RSS "
        f"{lakou['peak_rss_mb']:.0f} MB (target {TARGET_RSS_MB:.0f} MB: "
        f"{'met' if lakou['peak_rss_mb'] <= TARGET_RSS_MB else 'MISSED'}); "
        f"BIRD RSS {', '.join(f'{r:.0f} MB' for r in bird_rss)}"
    )
