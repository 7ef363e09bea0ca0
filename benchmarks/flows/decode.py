"""``lakou flows decode`` against ``sfacctd`` printing JSON, on repeated and on distinct
datagrams.

The whole-command benchmark (:mod:`benchmarks.flows.whole`) decodes one real sFlow
datagram copied 10,000 times. ``flows decode`` keeps the text of the sFlow payloads it saw
last (:mod:`lakou.flows.decode_output`), so there every copy after the first costs only
its frame's fields: a figure no live capture gives, since agents number their datagrams.
This benchmark runs that case and the honest one beside it: the same datagrams, each with
its own sequence number (as an agent sends them), so that every one is decoded.

    python -m benchmarks.flows.decode [--repeat N] [--runs R]
"""

from __future__ import annotations

import argparse
import struct
import tempfile
from pathlib import Path

from benchmarks.flows.whole import SAMPLES_PER_COPY, SFLOW, pmacct_command, repeat_capture
from benchmarks.whole import compare, lakou, median_of


def distinct_capture(source: Path, target: Path, times: int) -> None:
    """The one-frame capture ``source`` ``times`` times, the sFlow datagram's sequence
    number counting up (the UDP checksum is left as it was: no reader here checks it)."""
    raw = source.read_bytes()
    frame = raw[40:]
    if len(raw) != 40 + struct.unpack_from("<I", raw, 32)[0]:
        raise SystemExit(f"{source}: expected a capture of one frame")
    start = frame.find(b"\x00\x00\x00\x05\x00\x00\x00\x01")  # sFlow v5, IPv4 agent
    if start < 0:
        raise SystemExit(f"{source}: no sFlow v5 datagram from an IPv4 agent")
    sequence = start + 16  # version, address type, address, sub-agent id
    with target.open("wb") as fh:
        fh.write(raw[:24])
        for n in range(times):
            fh.write(raw[24:40])
            fh.write(frame[:sequence] + struct.pack("!I", n) + frame[sequence + 4 :])


def decode_case(capture: Path, work: Path, runs: int, samples: int, kind: str) -> dict[str, object]:
    out = work / "decode.jsonl"
    ours = median_of(lakou("flows", "decode", str(capture)), runs, stdout=out)
    theirs = median_of(pmacct_command("sfacctd", capture, work, json_out=True), runs)
    return compare(
        "flows",
        f"decode sFlow, {samples} samples, {kind}",
        ours,
        theirs,
        "sfacctd",
        note="pmacct's print plugin sums equal keys and prints fewer fields",
        per=(samples, "sample"),
    )


def run(repeat: int = 10_000, runs: int = 3) -> list[dict[str, object]]:
    """Both cases; prints a line each and returns their records."""
    if not SFLOW.exists():
        print(f"flows decode: not run ({SFLOW} not found)")
        return []
    samples = SAMPLES_PER_COPY["sFlow"] * repeat
    results = []
    with tempfile.TemporaryDirectory(prefix="lakou-bench-decode-") as tmp:
        work = Path(tmp)
        same = work / f"sflow-{repeat}.pcap"
        repeat_capture(SFLOW, same, repeat)
        results.append(decode_case(same, work, runs, samples, "one datagram repeated"))
        distinct = work / f"sflow-distinct-{repeat}.pcap"
        distinct_capture(SFLOW, distinct, repeat)
        results.append(decode_case(distinct, work, runs, samples, "distinct datagrams"))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10_000, help="datagrams in each capture")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (median)")
    args = parser.parse_args()
    run(args.repeat, args.runs)


if __name__ == "__main__":
    main()
