"""What the LAN hygiene checks cost the collector: the same sFlow through the pipeline
with and without the LAN recorder, in samples per CPU-second, and the ratio.

The input is the public data set's sFlow capture repeated (../shared/data/flows) when it
is there, else member traffic made by :mod:`lakou.flows.testing`; a share of control
frames (ARP, with a BPDU and a router advertisement now and then) from
:mod:`lakou.lan.testing` is mixed in, ``--control`` per thousand samples (5 by default;
a clean peering LAN shows a few).

First the whole commands (:mod:`benchmarks.lan.whole`): ``lakou flows replay`` with the
LAN checks on the same input written as a capture, against ``tshark`` picking its control
frames (the floor) and against ``lakou flows replay --no-lan``. Then the in-process lines.

    python -m benchmarks.lan [--datagrams N] [--control PER_MILLE] [--runs R] [--no-whole]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
from pathlib import Path

from benchmarks.lan.whole import run as run_whole
from benchmarks.whole import in_process_heading
from lakou.flows.pcap import read_datagrams
from lakou.flows.pipeline import Pipeline, Received
from lakou.flows.testing import SampledFrame, datagram
from lakou.lan import lan_recorder
from lakou.lan import testing as t

DATA = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "flows" / "sflow" / "data-1140.pcap"
)


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def member_traffic(count: int) -> list[bytes]:
    if DATA.exists():
        real = [d.payload for d in read_datagrams(DATA)]
        return [real[i % len(real)] for i in range(count)]
    frames = [
        SampledFrame(f"02:00:00:00:00:{i:02x}", "02:00:00:00:01:00", f"192.0.2.{i}", "198.51.100.1")
        for i in range(1, 200)
    ]
    return [
        datagram("192.0.2.250", frames[i % 190 : i % 190 + 8], i % 4000 + 1) for i in range(count)
    ]


def control_traffic(count: int) -> list[bytes]:
    mac = "02:00:00:00:00:0a"
    frames = [t.arp(1, mac, "192.0.2.10", "192.0.2.11")] * 8
    frames += [t.stp_bpdu(mac), t.router_advertisement(mac, "fe80::a")]
    return [
        t.sflow_datagram("192.0.2.250", [t.Sample(frames[i % len(frames)])] * 8, i % 4000 + 1)
        for i in range(count)
    ]


def run(items: list[Received], lan_dir: Path | None) -> tuple[int, float]:
    warm = Pipeline(lan=lan_recorder(lan_dir) if lan_dir else None)
    warm.process(items[:64])  # compile the numba kernels outside the measure
    pipe = Pipeline(lan=lan_recorder(lan_dir) if lan_dir else None)
    start = cpu()
    for i in range(0, len(items), 4096):
        pipe.process(items[i : i + 4096])
    pipe.flush()
    return pipe.counters["sflow_samples"], cpu() - start


def payloads(datagrams: int, per_mille: float) -> tuple[list[bytes], int]:
    """The benchmark's input: member traffic, then ``per_mille`` datagrams of control
    frames; and how many of the latter."""
    control = int(datagrams * per_mille / 1000)
    return member_traffic(datagrams - control) + control_traffic(control), control


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datagrams", type=int, default=100_000)
    parser.add_argument("--control", type=float, default=5.0, help="control frames per 1000")
    parser.add_argument("--runs", type=int, default=3, help="runs of each whole command")
    parser.add_argument("--no-whole", action="store_true", help="skip the whole commands")
    args = parser.parse_args()
    data, control = payloads(args.datagrams, args.control)
    if not args.no_whole:
        run_whole(data, control, args.runs)
        in_process_heading("the same datagrams already in memory, numba kernels compiled first")
    items = [Received(p, "192.0.2.250", 1_790_000_000.0 + i / 1000) for i, p in enumerate(data)]
    with tempfile.TemporaryDirectory() as tmp:
        samples, without = run(items, None)
        _, with_lan = run(items, Path(tmp))
    source = "data-1140.pcap repeated" if DATA.exists() else "synthetic member traffic"
    print(
        f"{samples:,} sFlow samples ({source}, {args.control:g}/1000 control frames): "
        f"without LAN checks {samples / without:,.0f}/CPU-s, with {samples / with_lan:,.0f}/CPU-s; "
        f"cost ratio {with_lan / without:.2f}"
    )


if __name__ == "__main__":
    main()
