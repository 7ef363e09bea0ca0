"""End to end: a test exporter sends sFlow between members over UDP to the running
collector; the matrix and the local share in the report match what was sent, within the
error bars the report gives."""

from __future__ import annotations

import asyncio
import random
import socket
from pathlib import Path

import pytest

from lakou.exchange import Exchange, Member, PeeringLan, PeeringLanAddress
from lakou.flows.config import Config, Listener
from lakou.flows.enrich import Enricher, MemberTable
from lakou.flows.inlet import Collector
from lakou.flows.metrics import error_pct
from lakou.flows.pipeline import Pipeline
from lakou.flows.reporting import build_report
from lakou.flows.store import ParquetStore
from lakou.flows.testing import SampledFrame, datagram
from lakou.flows.trust import ExporterAllowList
from lakou.territory.index import PrefixIndex

MEMBERS = {
    64500: ("02:00:00:00:00:01", "192.0.2.0/24", "MF"),
    64501: ("02:00:00:00:00:02", "198.51.100.0/24", "MF"),
    64502: ("02:00:00:00:00:03", "203.0.113.0/24", None),  # a foreign content network
}
RATE = 100
FRAME = 1000
# True packets per (src, dst) member pair.
TRUTH = {
    (64500, 64501): 400_000,
    (64501, 64500): 150_000,
    (64502, 64500): 600_000,
    (64500, 64502): 80_000,
    (64502, 64501): 250_000,
}


def exchange() -> Exchange:
    members = tuple(
        Member(
            asn=asn,
            name=f"Member {asn}",
            addresses=(PeeringLanAddress(lan="lan", vlan=10, macs=(mac,)),),
        )
        for asn, (mac, _p, _t) in MEMBERS.items()
    )
    return Exchange(slug="ix", name="IX", lans=(PeeringLan(name="lan", vlan=10),), members=members)


def frames(seed: int = 4) -> list[SampledFrame]:
    rnd = random.Random(seed)
    out = []
    for (src, dst), packets in TRUTH.items():
        sampled = sum(1 for _ in range(packets) if rnd.random() < 1 / RATE)
        s_mac, s_net, _t = MEMBERS[src]
        d_mac, d_net, _t = MEMBERS[dst]
        for i in range(sampled):
            out.append(
                SampledFrame(
                    s_mac,
                    d_mac,
                    s_net.replace("0/24", str(1 + i % 200)),
                    d_net.replace("0/24", str(1 + i % 200)),
                    FRAME,
                    vlan=10,
                    sampling_rate=RATE,
                )
            )
    rnd.shuffle(out)
    return out


@pytest.mark.live
def test_collector_matrix_and_local_share(tmp_path: Path) -> None:
    index = PrefixIndex.from_rows([(net, asn, terr) for asn, (_m, net, terr) in MEMBERS.items()])
    store = ParquetStore(tmp_path / "store")
    pipeline = Pipeline(Enricher(MemberTable.from_exchanges([exchange()]), index), store)
    sent = frames()
    now = 1_790_000_000

    async def run() -> Collector:
        collector = Collector(
            pipeline,
            [Listener(address="127.0.0.1", port=0)],
            exporters=ExporterAllowList.from_entries([("127.0.0.1", "test")]),
            flush_seconds=0.5,
        )
        await collector.start()
        port = collector.bound[0][1]
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        count = 0
        for seq, start in enumerate(range(0, len(sent), 8)):
            sock.sendto(
                datagram("127.0.0.1", sent[start : start + 8], seq + 1), ("127.0.0.1", port)
            )
            count += 1
            if count % 50 == 0:
                await asyncio.sleep(0.01)  # stay below capacity: this test is about accuracy
        sock.close()
        assert await collector.drained(count)
        await collector.stop()
        return collector

    collector = asyncio.run(run())
    counters = collector.counters()
    assert counters["queue_drops"] == 0 and counters.get("datagrams_malformed", 0) == 0
    assert counters["sflow_samples"] == len(sent)

    report = build_report(store, Config(), 0, 2**31, now=now).as_dict()
    cells = {(c["src"], c["dst"]): c for c in report["matrix"]}
    assert set(cells) == set(TRUTH)
    for pair, packets in TRUTH.items():
        cell = cells[pair]
        truth = packets * FRAME
        assert cell["error_pct"] == pytest.approx(error_pct(cell["samples"]), abs=0.01)
        assert abs(cell["bytes"] - truth) / truth * 100 <= cell["error_pct"], (pair, cell)
    local_truth = (TRUTH[(64500, 64501)] + TRUTH[(64501, 64500)]) / sum(TRUTH.values())
    local = report["local"]
    assert local["territories"] == ["MF"]
    rel = abs(local["local_share"] - local_truth) / local_truth * 100
    assert rel <= local["local_share_error_pct"]
    assert report["invite"][0]["asn"] == 64502
    members = {m["asn"]: m for m in report["members"]}
    assert (
        members[64502]["out_bytes"]
        == cells[(64502, 64500)]["bytes"] + cells[(64502, 64501)]["bytes"]
    )
