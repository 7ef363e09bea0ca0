"""The LAN hygiene pass as whole commands: ``lakou flows replay`` on a capture, with the LAN
checks, against ``tshark`` picking the control frames out of the same capture, and against
``lakou flows replay --no-lan`` (what the checks add to the command).

There is no ``lakou lan`` command that reads a capture: the checks run inside the
collector's pipeline (``flows replay`` or ``flows collect`` keep the control frames and
the MAC census in ``STORE/lan``; ``lakou lan report`` then reads that store). So the whole
command is ``lakou flows replay --store DIR CAPTURE``, which also decodes, sums and stores
the flows. Its floor is Debian's ``tshark -r CAPTURE -Y "arp or stp or icmpv6.type == 134"``
printing the source MAC of each control frame: Wireshark's sFlow dissector decodes the
sampled headers, so tshark does see the ARP, BPDUs and router advertisements inside the
samples (checked: the filter keeps exactly the datagrams that carry them). tshark keeps no
MAC census and stores no flows, so it is a floor, not an equal. The second reference is
the same replay without the LAN recorder: its ratio is what the hygiene checks cost the
whole command (the in-process figure's counterpart).

lakou's command runs once untimed first: on a fresh checkout its first run compiles the
numba kernels into their cache (an installed lakou has them; without this run, 2,000
datagrams on a fresh checkout gave a median of 27.5 CPU-s over two runs, against 3.4 CPU-s
for 8,000 datagrams warm).

The capture is the benchmark's input (``member_traffic`` + ``control_traffic`` of
:mod:`benchmarks.lan.__main__`) written as a pcap, each datagram to UDP port 6343.

    python -m benchmarks.lan.whole [--datagrams N] [--control PER_MILLE] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from ipaddress import ip_address
from pathlib import Path

from benchmarks.whole import compare, lakou, median_of, timed
from lakou.flows.pcap import Datagram, write_pcap

CONTROL_FILTER = "arp or stp or icmpv6.type == 134"
AGENT, COLLECTOR, SFLOW_PORT = "192.0.2.250", "192.0.2.1", 6343


def write_capture(path: Path, payloads: list[bytes]) -> int:
    """The payloads as a pcap, one datagram a millisecond, agent to collector on 6343."""
    src, dst = ip_address(AGENT), ip_address(COLLECTOR)
    return write_pcap(
        path,
        (
            Datagram(1_790_000_000.0 + i / 1000, src, SFLOW_PORT, dst, SFLOW_PORT, payload)
            for i, payload in enumerate(payloads)
        ),
    )


def run(payloads: list[bytes], control: int, runs: int = 3) -> list[dict[str, object]]:
    """The whole-command lines for the capture of ``payloads`` (``control`` of them carry
    control frames); nothing when tshark is missing."""
    tshark = shutil.which("tshark")
    if tshark is None:
        print("lan whole commands: not run (tshark is not installed: apt-get install tshark)")
        return []
    results = []
    with tempfile.TemporaryDirectory(prefix="lakou-bench-lan-") as tmp:
        work = Path(tmp)
        capture = work / "lan.pcap"
        write_capture(capture, payloads)
        store = work / "store"

        def empty_store() -> None:
            shutil.rmtree(store, ignore_errors=True)

        replay = ["flows", "replay", "--store", str(store), str(capture)]
        said = work / "replay.json"
        timed(lakou(*replay), stdout=said)  # untimed: numba's cache filled, as installed
        frames = sum(json.loads(said.read_text()).get("lan_frames", {}).values())
        ours = median_of(lakou(*replay), runs, before=empty_store)
        picked = work / "tshark.txt"
        floor_cmd = [tshark, "-r", str(capture), "-Y", CONTROL_FILTER, "-T", "fields"]
        floor_cmd += ["-e", "frame.number", "-e", "eth.src"]
        floor = median_of(floor_cmd, runs, stdout=picked)
        kept = sum(1 for line in picked.read_text().splitlines() if line.strip())
        without = median_of(lakou(*replay[:2], "--no-lan", *replay[2:]), runs, before=empty_store)
        case = f"replay {len(payloads)} sFlow datagrams, {control} with control frames"
        results.append(
            compare(
                "lan",
                case,
                ours,
                floor,
                "tshark",
                note=(
                    f"tshark only picks the control frames ({kept} datagrams kept"
                    f"{'' if kept == control else f', {control} expected'}); "
                    f"lakou kept {frames} control frames and also stores the flows and the "
                    "MAC census"
                ),
                per=(len(payloads), "datagram"),
            )
        )
        results.append(
            compare(
                "lan",
                f"{case}, LAN checks' cost",
                ours,
                without,
                "replay --no-lan",
                note="below 1x: what the LAN checks add to the whole command",
            )
        )
    return results


def main() -> None:
    from benchmarks.lan.__main__ import payloads

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datagrams", type=int, default=100_000)
    parser.add_argument("--control", type=float, default=5.0, help="control frames per 1000")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (median)")
    args = parser.parse_args()
    items, control = payloads(args.datagrams, args.control)
    run(items, control, args.runs)


if __name__ == "__main__":
    main()
