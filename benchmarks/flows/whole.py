"""``lakou flows replay`` and ``decode`` as whole commands against pmacct's on the same capture.

pmacct's ``sfacctd`` / ``nfacctd`` read the capture with ``pcap_savefile`` and sum it with
the print plugin (written at exit), as the in-process benchmark runs them; lakou's
``flows replay --no-lan`` reads, decodes, enriches, sums and writes the Parquet store
(pmacct keeps no LAN census either). First one untimed replay of the big captures, as a
user's first: it fills numba's cache and compiles the kernels ahead of time
(:mod:`lakou.flows.aot`). Cases: one datagram (the fixed cost of a command), the same
with the LAN tables kept (the LAN hygiene's fixed cost), the big captures of the
in-process benchmark, and ``flows decode`` (one JSON object per sample) against
``sfacctd`` printing JSON (pmacct's nearest: it still sums equal keys, and prints fewer
fields).

    python -m benchmarks.flows.whole [--repeat N] [--runs R]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.whole import ROOT, Measure, compare, lakou, median_of, timed

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "flows"
SFLOW = DATA / "sflow" / "data-1140.pcap"
IPFIX = DATA / "pmacct" / "100-IPFIXv10-CISCO__traffic-00.pcap"
SAMPLES_PER_COPY = {"sFlow": 5, "IPFIX": 12}  # flow records in one copy of each capture


def repeat_capture(source: Path, target: Path, times: int) -> None:
    """The pcap header once and its frames ``times`` times."""
    raw = source.read_bytes()
    with target.open("wb") as fh:
        fh.write(raw[:24])
        for _ in range(times):
            fh.write(raw[24:])


def pmacct_command(daemon: str, capture: Path, work: Path, json_out: bool = False) -> list[str]:
    conf = work / f"{daemon}-{capture.stem}{'-json' if json_out else ''}.conf"
    text = (
        f"daemonize: false\npcap_savefile: {capture}\nplugins: print\n"
        "aggregate: src_host, dst_host, src_mac, dst_mac, vlan, proto, src_port, dst_port\n"
        f"print_output_file: {work}/{conf.stem}.out\nprint_refresh_time: 3600\n"
        f"logfile: {work}/{conf.stem}.log\n"
    )
    if json_out:
        text += "print_output: json\n"
    conf.write_text(text)
    return [daemon, "-f", str(conf)]


def replay_case(
    name: str,
    daemon: str,
    capture: Path,
    work: Path,
    runs: int,
    samples: int,
    lan: bool = False,
) -> dict[str, object]:
    store = work / f"store-{capture.stem}"
    ours = median_of(
        lakou(
            "flows", "replay", *([] if lan else ["--no-lan"]), "--store", str(store), str(capture)
        ),
        runs,
        before=lambda: shutil.rmtree(store, ignore_errors=True),
    )
    theirs = median_of(pmacct_command(daemon, capture, work), runs)
    return compare(
        "flows",
        name,
        ours,
        theirs,
        daemon,
        per=(samples, "sample") if samples > 10 else None,
        note="LAN tables kept: pmacct keeps none" if lan else "",
    )


def decode_case(capture: Path, work: Path, runs: int, samples: int) -> dict[str, object]:
    out = work / "decode.jsonl"
    ours = median_of(lakou("flows", "decode", str(capture)), runs, stdout=out)
    theirs: Measure = median_of(pmacct_command("sfacctd", capture, work, json_out=True), runs)
    return compare(
        "flows",
        f"decode sFlow, {samples} samples",
        ours,
        theirs,
        "sfacctd",
        note="pmacct's print plugin sums equal keys and prints fewer fields",
        per=(samples, "sample"),
    )


def warm_up(work: Path, captures: list[Path]) -> None:
    """One untimed replay of the big captures, as a user's first: it fills numba's cache
    (a fresh checkout compiles the kernels) and compiles them ahead of time for the next
    replays (:mod:`lakou.flows.aot`), which the timed runs then are."""
    store = work / "store-warm-up"
    timed(lakou("flows", "replay", "--no-lan", "--store", str(store), *map(str, captures)))
    shutil.rmtree(store, ignore_errors=True)


def run(
    repeat: int = 100_000, runs: int = 3, decode_repeat: int = 10_000
) -> list[dict[str, object]]:
    """Every whole-command case; prints a line each and returns their records."""
    if not SFLOW.exists():
        print(f"flows whole commands: not run ({DATA} not found)")
        return []
    # An installed lakou has its bytecode compiled (pip and Debian do it at install):
    # compile this checkout's too, even under PYTHONDONTWRITEBYTECODE, so lakou's times
    # do not include compiling its own sources (as benchmarks.routeserver does).
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "lakou")], check=True
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="lakou-bench-flows-") as tmp:
        work = Path(tmp)
        big = work / f"sflow-{repeat}.pcap"
        repeat_capture(SFLOW, big, repeat)
        copies = max(1, repeat // 4)
        ipfix = work / f"ipfix-{copies}.pcap"
        repeat_capture(IPFIX, ipfix, copies)
        warm_up(work, [big, ipfix])
        one = work / "sflow-1.pcap"
        repeat_capture(SFLOW, one, 1)
        results.append(replay_case("replay one sFlow datagram", "sfacctd", one, work, runs, 5))
        results.append(
            replay_case(
                "replay one sFlow datagram, LAN tables kept", "sfacctd", one, work, runs, 5, True
            )
        )
        samples = SAMPLES_PER_COPY["sFlow"] * repeat
        results.append(
            replay_case(f"replay sFlow, {repeat} datagrams", "sfacctd", big, work, runs, samples)
        )
        samples = SAMPLES_PER_COPY["IPFIX"] * copies
        results.append(
            replay_case(
                f"replay IPFIX, {6 * copies} datagrams", "nfacctd", ipfix, work, runs, samples
            )
        )
        small = work / f"sflow-{decode_repeat}.pcap"
        repeat_capture(SFLOW, small, decode_repeat)
        results.append(decode_case(small, work, runs, SAMPLES_PER_COPY["sFlow"] * decode_repeat))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100_000, help="copies of the sFlow datagram")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (median)")
    parser.add_argument("--decode-repeat", type=int, default=10_000)
    args = parser.parse_args()
    run(args.repeat, args.runs, args.decode_repeat)


if __name__ == "__main__":
    main()
