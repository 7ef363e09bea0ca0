"""2,000 ports across 20 simulated switches: lakou's poller against snmpbulkwalk.

``python3 -m benchmarks.ports [--switches 20 --ports 100 --rounds 5 --simulators 4]``

Each switch is a community of an snmpsim process replaying a generated recording: real
IF-MIB rows (the HPE ProCurve recording of snmpsim-data, replicated to ``--ports``
interfaces), only the columns a poll reads. Switches are spread over ``--simulators``
snmpsim processes, since one pure-Python simulator answers far slower than a switch.

Per round, lakou polls every switch at once (``poll_switches``, counters only, the work
of ``lakou ports collect``); the floor is Debian's ``snmpbulkwalk`` fetching the same
columns, one process per column (it walks only its first OID), the switches in
parallel. Printed: median round time and CPU per port of each, and the ratios. CPU is
the poller process's own (user + system) and, for the floor, its children's; the
simulators' CPU is printed apart, as it is neither's.

First, whole commands (:mod:`benchmarks.whole`): ``lakou ports collect --switches FILE
--store DIR --rounds 1`` as an operator runs it (interpreter start, imports, the switches
file, one round polling every switch at once, opening and writing the port store; the
first round stores no rate, it needs two readings) against the floor's round as one
whole command: a shell script that starts one ``snmpbulkwalk`` chain per switch (the 17
columns one after the other) in the background and waits for them all. Both under GNU
time, medians of ``--runs`` (3); the simulators' CPU is in neither. The in-process round
figures follow, labelled.
"""

from __future__ import annotations

import argparse
import bz2
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.whole import compare, in_process_heading, lakou, median_of
from lakou.ports.config import Switch
from lakou.ports.snmp import COUNTER_COLUMNS, SYS_UPTIME, poll_switches
from lakou.ports.testing import RECORDINGS, free_udp_port, run_snmpsim, snmpsim_data_dir

TEMPLATE = "hpe"


def _template_rows() -> dict[str, list[tuple[str, str]]]:
    """column -> [(type, value)] of the template switch, one per interface."""
    source = snmpsim_data_dir()
    if source is None:
        raise SystemExit("benchmarks.ports: snmpsim-data is not installed")
    wanted = {c for c, _f in COUNTER_COLUMNS}
    rows: dict[str, list[tuple[str, str]]] = {c: [] for c in wanted}
    with bz2.open(source / RECORDINGS[TEMPLATE], "rt", errors="replace") as f:
        for line in f:
            oid, _sep, rest = line.rstrip("\n").partition("|")
            column = oid.rsplit(".", 1)[0]
            if column in wanted:
                kind, _sep, value = rest.partition("|")
                rows[column].append((kind, value))
    return rows


def _recording(ports: int, template: dict[str, list[tuple[str, str]]], seed: int) -> str:
    lines = [f"{SYS_UPTIME}|67|{1_000_000 + seed}"]
    for column, values in template.items():
        for i in range(ports):
            kind, value = values[i % len(values)]
            if kind in ("70", "65") and value.isdigit():
                value = str(int(value) + seed * 1000 + i)
            lines.append(f"{column}.{i + 1}|{kind}|{value}")

    def key(line: str) -> tuple[int, ...]:
        return tuple(int(p) for p in line.split("|", 1)[0].split("."))

    return "\n".join(sorted(lines, key=key)) + "\n"


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _cpu_of(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _floor_round(switches: list[Switch], reps: int) -> None:
    env = {**os.environ, "MIBS": "", "MIBDIRS": "/nonexistent"}

    def one(s: Switch) -> None:
        for column, _field in COUNTER_COLUMNS:
            subprocess.run(
                [
                    *("snmpbulkwalk", "-v2c", "-c", s.community, "-On", f"-Cr{reps}", "-t"),
                    *(str(s.timeout), "-r", str(s.retries), f"{s.host}:{s.port}", column),
                ],
                stdout=subprocess.DEVNULL,
                check=True,
                env=env,
            )

    with ThreadPoolExecutor(max_workers=len(switches)) as pool:
        list(pool.map(one, switches))


def floor_script(switches: list[Switch], reps: int, path: Path) -> Path:
    """The floor's round as one shell command: a ``snmpbulkwalk`` chain per switch, all
    at once, then wait."""
    lines = ["#!/bin/sh", "set -e", "export MIBS= MIBDIRS=/nonexistent"]
    for s in switches:
        walks = " && ".join(
            f"snmpbulkwalk -v2c -c {s.community} -On -Cr{reps} -t {s.timeout} "
            f"-r {s.retries} {s.host}:{s.port} {column} >/dev/null"
            for column, _field in COUNTER_COLUMNS
        )
        lines.append(f'( {walks} ) & pids="$pids $!"')
    # wait for each chain by its id (its CPU is then counted; a failed walk fails the round)
    lines += ["for pid in $pids; do wait $pid; done", ""]
    path.write_text("\n".join(lines))
    return path


def switches_file(switches: list[Switch], path: Path) -> Path:
    """The switches as ``lakou ports collect --switches`` reads them (YAML is JSON)."""
    import json

    rows = [s.model_dump(include={"name", "host", "port", "community", "timeout", "retries",
                                  "max_repetitions"}) for s in switches]  # fmt: skip
    path.write_text(json.dumps({"switches": rows}, indent=1))
    return path


def whole_commands(
    switches: list[Switch], reps: int, work: Path, runs: int, total_ports: int
) -> list[dict[str, object]]:
    """``lakou ports collect`` (one round) against the floor's round, both whole."""
    store = work / "store"
    config = switches_file(switches, work / "switches.yml")
    command = lakou("ports", "collect", "--switches", str(config), "--store", str(store))
    ours = median_of(
        [*command, "--rounds", "1"],
        runs,
        before=lambda: shutil.rmtree(store, ignore_errors=True),
    )
    theirs = median_of(["sh", str(floor_script(switches, reps, work / "floor.sh"))], runs)
    return [
        compare(
            "ports",
            f"one round, {len(switches)} switches x {total_ports // len(switches)} ports",
            ours,
            theirs,
            "snmpbulkwalk",
            note="lakou also opens and writes its port store; the simulators' CPU is in neither",
            per=(total_ports, "port"),
        )
    ]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python3 -m benchmarks.ports")
    parser.add_argument("--switches", type=int, default=20)
    parser.add_argument("--ports", type=int, default=100, help="Interfaces per switch.")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--simulators", type=int, default=4, help="snmpsim processes.")
    parser.add_argument("--max-repetitions", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3, help="runs of each whole command")
    parser.add_argument("--no-whole", action="store_true", help="skip the whole commands")
    args = parser.parse_args()
    missing = [
        name
        for name, here in (
            ("snmpbulkwalk (apt-get install snmp)", shutil.which("snmpbulkwalk")),
            ("snmpsim (pip install snmpsim)", shutil.which("snmpsim-command-responder")),
            ("snmpsim-data (pip install snmpsim-data)", snmpsim_data_dir()),
        )
        if here is None
    ]
    if missing:
        print(f"benchmarks.ports: skipped (missing: {', '.join(missing)})")
        return 0

    template = _template_rows()
    with tempfile.TemporaryDirectory(prefix="lakou-bench-ports-") as tmp:
        root = Path(tmp)
        dirs = [root / f"sim{i}" for i in range(args.simulators)]
        for d in dirs:
            d.mkdir()
        placement: list[int] = []
        for n in range(args.switches):
            sim = n % args.simulators
            (dirs[sim] / f"switch{n:02d}.snmprec").write_text(_recording(args.ports, template, n))
            placement.append(sim)
        ports = [free_udp_port() for _ in dirs]
        from contextlib import ExitStack

        with ExitStack() as stack:
            sims = [
                stack.enter_context(run_snmpsim(d, root / f"cache{i}", [ports[i]]))
                for i, d in enumerate(dirs)
            ]
            sim_pids = [agents[0].process.pid for agents in sims]
            switches = [
                Switch(
                    name=f"switch{n:02d}",
                    host="127.0.0.1",
                    port=ports[placement[n]],
                    community=f"switch{n:02d}",
                    timeout=5,
                    retries=1,
                    max_repetitions=args.max_repetitions,
                )
                for n in range(args.switches)
            ]
            total_ports = args.switches * args.ports
            # warm-up: simulators build their indexes, caches fill
            warm = poll_switches(switches, lldp=False, forwarding=False, lags=False)
            bad = [r.error for r in warm if not r.ok]
            if bad:
                raise SystemExit(f"benchmarks.ports: {bad[0]}")
            seen = sum(len(r.ports) for r in warm)
            if seen != total_ports:
                raise SystemExit(f"benchmarks.ports: polled {seen} ports, expected {total_ports}")
            if not args.no_whole:
                whole_commands(switches, args.max_repetitions, root, args.runs, total_ports)
                in_process_heading("the poller already imported, its sessions open")
            lakou_t, lakou_cpu, lakou_sim, floor_t, floor_cpu, floor_sim = ([] for _ in range(6))
            for _round in range(args.rounds):
                t0, c0, s0 = time.perf_counter(), _cpu_self(), _cpu_of(sim_pids)
                results = poll_switches(switches, lldp=False, forwarding=False, lags=False)
                lakou_t.append(time.perf_counter() - t0)
                lakou_cpu.append(_cpu_self() - c0)
                lakou_sim.append(_cpu_of(sim_pids) - s0)
                assert all(r.ok for r in results)
                t0, c0, s0 = time.perf_counter(), _cpu_children(), _cpu_of(sim_pids)
                _floor_round(switches, args.max_repetitions)
                floor_t.append(time.perf_counter() - t0)
                floor_cpu.append(_cpu_children() - c0)
                floor_sim.append(_cpu_of(sim_pids) - s0)

    med = statistics.median
    print(
        f"ports benchmark: {args.switches} switches x {args.ports} ports = {total_ports} ports, "
        f"{len(COUNTER_COLUMNS)} columns, {args.simulators} snmpsim processes, "
        f"{os.cpu_count()} cores, median of {args.rounds} rounds"
    )
    print(f"{'':<14}{'round s':>10}{'CPU ms/port':>14}{'snmpsim CPU s':>16}")
    for name, t, c, s in (
        ("lakou", lakou_t, lakou_cpu, lakou_sim),
        ("snmpbulkwalk", floor_t, floor_cpu, floor_sim),
    ):
        print(f"{name:<14}{med(t):>10.2f}{med(c) * 1000 / total_ports:>14.3f}{med(s):>16.2f}")
    print(
        f"ratio lakou/floor: round time {med(lakou_t) / med(floor_t):.2f}x, "
        f"CPU {med(lakou_cpu) / med(floor_cpu):.2f}x "
        f"(target: round well under 10 s, CPU within 2x)"
    )
    return 0
