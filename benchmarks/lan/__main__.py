"""What the LAN hygiene checks cost the collector: the same sFlow through the pipeline
with and without the LAN recorder, in samples per CPU-second, and the ratio.

The input is the public data set's sFlow capture repeated (../shared/data/flows) when it
is there, else member traffic made by :mod:`lakou.flows.testing`; a share of control
frames (ARP, with a BPDU and a router advertisement now and then) from
:mod:`lakou.lan.testing` is mixed in, ``--control`` per thousand samples (5 by default;
a clean peering LAN shows a few).

    python -m benchmarks.lan [--datagrams N] [--control PER_MILLE]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datagrams", type=int, default=100_000)
    parser.add_argument("--control", type=float, default=5.0, help="control frames per 1000")
    args = parser.parse_args()
    control = int(args.datagrams * args.control / 1000)
    payloads = member_traffic(args.datagrams - control) + control_traffic(control)
    items = [Received(p, "192.0.2.250", 1_790_000_000.0 + i / 1000) for i, p in enumerate(payloads)]
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
