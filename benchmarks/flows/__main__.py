"""Decode + enrich + aggregate speed of lakou versus pmacct on the same capture.

First the whole commands (:mod:`benchmarks.flows.whole`): ``lakou flows replay`` and
``decode`` against ``sfacctd`` / ``nfacctd`` run as a user runs them. Then, in-process,
it builds a large capture by repeating real datagrams from ../shared/data/flows (sFlow and
IPFIX), replays it through lakou's pipeline (the collector's code path, batch by batch) and
through pmacct's sfacctd / nfacctd reading the same file (``pcap_savefile``), and prints
samples (flow records) per CPU-second of each and the ratio. CPU time, not wall time, so
other work on the machine matters less; quote the ratio. Then the loss test on loopback
(:mod:`benchmarks.flows.loss`): the collector's capacity, and its counters when sent
below and above it. Last the live collector as a whole command against ``sfacctd`` on the
same sender (:mod:`benchmarks.flows.live`): loss, CPU per datagram and their ratio, % of
a core, peak memory and start-up loss at 1k, 10k, 100k and 200k datagrams/s.

    python -m benchmarks.flows [--repeat N] [--runs R] [--no-whole]
                               [--loss-seconds S | --no-loss]
                               [--live-rates 1000,10000,100000,200000] [--live-runs 3]
                               [--live-seconds 4 | --no-live]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import tempfile
from pathlib import Path

from benchmarks.flows.live import main as live_main
from benchmarks.flows.loss import print_table
from benchmarks.flows.loss import run as run_loss
from benchmarks.flows.whole import run as run_whole
from benchmarks.whole import in_process_heading
from lakou.flows.enrich import Enricher
from lakou.flows.pcap import read_datagrams
from lakou.flows.pipeline import Pipeline, Received

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "flows"


def repeat_capture(source: Path, target: Path, times: int) -> None:
    """Copy the pcap header once and its frames ``times`` times (pmacct reads it as is)."""
    raw = source.read_bytes()
    header, body = raw[:24], raw[24:]
    with target.open("wb") as fh:
        fh.write(header)
        for _ in range(times):
            fh.write(body)


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_lakou(path: Path) -> tuple[int, float]:
    pipe = Pipeline(Enricher())
    items = [Received(d.payload, str(d.src), d.time) for d in read_datagrams(path)]
    pipe.process(items[:50])  # compile the numba kernels outside the measure
    pipe = Pipeline(Enricher())
    start = cpu()
    for i in range(0, len(items), 4096):
        pipe.process(items[i : i + 4096])
    pipe.flush()
    return pipe.counters["records"], cpu() - start


def run_pmacct(daemon: str, path: Path, workdir: Path) -> float:
    conf = workdir / f"{daemon}.conf"
    conf.write_text(
        f"daemonize: false\npcap_savefile: {path}\nplugins: print\n"
        "aggregate: src_host, dst_host, src_mac, dst_mac, vlan, proto, src_port, dst_port\n"
        f"print_output_file: {workdir}/{daemon}.out\nprint_refresh_time: 3600\n"
        f"logfile: {workdir}/{daemon}.log\n"
    )
    before = children_cpu()
    subprocess.run(
        [daemon, "-f", str(conf)],
        check=False,
        timeout=600,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return children_cpu() - before


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=100_000, help="copies of the sFlow datagram")
    parser.add_argument("--loss-seconds", type=float, default=2.0, help="each loss phase")
    parser.add_argument("--no-loss", action="store_true", help="skip the loopback loss test")
    parser.add_argument("--runs", type=int, default=3, help="runs of each whole command")
    parser.add_argument("--no-whole", action="store_true", help="skip the whole commands")
    parser.add_argument("--live-rates", default="1000,10000,100000,200000")
    parser.add_argument("--live-runs", type=int, default=3, help="runs per rate (medians)")
    parser.add_argument("--live-seconds", type=float, default=4.0, help="each live phase")
    parser.add_argument("--no-live", action="store_true", help="skip the live collector")
    args = parser.parse_args()
    if not args.no_whole:
        run_whole(args.repeat, args.runs)
        in_process_heading("the capture parsed and the numba kernels loaded before timing")
    cases = [
        ("sFlow", "sfacctd", DATA / "sflow" / "data-1140.pcap", args.repeat),
        (
            "IPFIX",
            "nfacctd",
            DATA / "pmacct" / "100-IPFIXv10-CISCO__traffic-00.pcap",
            max(1, args.repeat // 4),
        ),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, daemon, source, times in cases:
            big = work / f"{name}.pcap"
            repeat_capture(source, big, times)
            samples, lakou_cpu = run_lakou(big)
            pm_cpu = run_pmacct(daemon, big, work)
            lr, pr = samples / lakou_cpu, samples / pm_cpu if pm_cpu else float("nan")
            print(
                f"{name}: {samples} samples; lakou {lr:,.0f}/CPU-s ({lakou_cpu:.2f} s), "
                f"{daemon} {pr:,.0f}/CPU-s ({pm_cpu:.2f} s); ratio lakou/{daemon} = {lr / pr:.2f}"
            )
    if not args.no_loss:
        print("\nLoss test on loopback (real collector on 127.0.0.1, sender in another process):")
        print_table(asyncio.run(run_loss(args.loss_seconds)))
    if not args.no_live:
        print()
        live_main(
            [
                "--rates",
                args.live_rates,
                "--runs",
                str(args.live_runs),
                "--seconds",
                str(args.live_seconds),
            ]
        )


if __name__ == "__main__":
    main()
