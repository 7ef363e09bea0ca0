"""Keep, from the collector's sFlow samples, what the LAN hygiene checks need.

The flow pipeline hands every decoded sFlow batch here (the records in columns, the
datagram each came from, the datagrams themselves). Two things are kept:

- the MAC census: per minute, switch, input port, VLAN and source MAC, the samples and
  the estimated packets (sampling rate summed), broadcast and multicast ones apart;
- the control frames: the few samples that are not ordinary unicast IP (non-IP
  ethertypes, LLC frames, frames to a group MAC, DHCP, OSPF, PIM, ICMP redirects,
  router advertisements, neighbour advertisements) are picked in columns, then only
  their datagrams are decoded again by the reference decoder to read the sampled
  header, which :func:`lakou.lan.frames.classify` names.

So the hot path stays in columns; the Python work scales with the control frames, which
on a clean LAN are a few in a thousand samples. Rows wait in memory until
:meth:`LanRecorder.flush` (called with the flow store's flush) writes them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from lakou.flows import sflow
from lakou.flows.records import FlowBatch, halves_to_ip, int_to_mac
from lakou.flows.sflow import MalformedDatagram
from lakou.lan.frames import classify
from lakou.lan.store import FRAMES, MACS, LanStore

BROADCAST = np.uint64(0xFFFFFFFFFFFF)
GROUP_BIT = np.uint64(1 << 40)


def control_mask(batch: FlowBatch) -> npt.NDArray[np.bool_]:
    """Samples that may be control-plane or non-IP frames (a superset; classify decides)."""
    etype = batch["etype"].astype(np.int64)
    proto = batch["proto"].astype(np.int64)
    sport = batch["src_port"].astype(np.int64)
    dport = batch["dst_port"].astype(np.int64)
    icmp_type = dport >> 8
    group = (batch["dst_mac"] & GROUP_BIT) != 0
    v4 = etype == 0x0800
    v6 = etype == 0x86DD
    routing = (proto == 89) | (proto == 103)
    dhcp4 = (proto == 17) & (np.isin(sport, (67, 68)) | np.isin(dport, (67, 68)))
    dhcp6 = (proto == 17) & (np.isin(sport, (546, 547)) | np.isin(dport, (546, 547)))
    v4_control = v4 & (routing | dhcp4 | ((proto == 1) & (icmp_type == 5)))
    v6_control = v6 & (routing | dhcp6 | ((proto == 58) & np.isin(icmp_type, (133, 134, 136, 137))))
    non_ip = ~(v4 | v6)
    mask: npt.NDArray[np.bool_] = (batch["src_mac"] != 0) & (
        non_ip | group | v4_control | v6_control
    )
    return mask


@dataclass
class LanRecorder:
    """The pipeline's LAN sink: census and control frames, written on flush."""

    store: LanStore | None = None
    frames: list[dict[str, Any]] = field(default_factory=list)
    census: list[pa.Table] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)

    def observe(
        self,
        batch: FlowBatch,
        datagram: npt.NDArray[np.int64],
        payloads: list[bytes],
        exporters: list[str],
    ) -> None:
        """``datagram[i]`` is the index in ``payloads`` of the datagram of record ``i``."""
        if not len(batch):
            return
        self._count_macs(batch)
        picked = np.nonzero(control_mask(batch))[0]
        if not len(picked):
            return
        # Records of a datagram are consecutive, in the order of its flow samples.
        first = np.searchsorted(datagram, datagram, side="left")
        decoded: dict[int, list[dict[str, Any]]] = {}
        for row in picked.tolist():
            d = int(datagram[row])
            if d not in decoded:
                try:
                    samples = sflow.decode(payloads[d])["samples"]
                except MalformedDatagram:  # accepted by the fast decoder: not expected
                    samples = []
                decoded[d] = [
                    s for s in samples if s.get("type") in ("flow_sample", "expanded_flow_sample")
                ]
            flows = decoded[d]
            k = row - int(first[row])
            if k >= len(flows):
                continue
            self._keep(batch, row, flows[k])

    def _keep(self, batch: FlowBatch, row: int, sample: dict[str, Any]) -> None:
        header = next(
            (
                r
                for r in sample["records"]
                if r.get("type") == "raw_packet_header"
                and r.get("header_protocol") == sflow.HEADER_PROTOCOL_ETHERNET
            ),
            None,
        )
        if header is None:
            return
        found = classify(bytes.fromhex(header["header_bytes"]))
        if found is None:
            return
        self.counters[found.kind] = self.counters.get(found.kind, 0) + 1
        self.frames.append(
            {
                "time": int(batch["time"][row]),
                "exporter": halves_to_ip(batch["exporter_hi"][row], batch["exporter_lo"][row]),
                "in_if": int(batch["in_if"][row]),
                "sampling_rate": max(1, int(batch["sampling_rate"][row])),
                "vlan": int(batch["vlan"][row]),
                "src_mac": int_to_mac(batch["src_mac"][row]),
                "dst_mac": int_to_mac(batch["dst_mac"][row]),
                "etype": int(batch["etype"][row]),
                "kind": found.kind,
                "address": found.address,
                "evidence": json.dumps(found.evidence, sort_keys=True),
            }
        )

    def _count_macs(self, batch: FlowBatch) -> None:
        keep = batch["src_mac"] != 0
        if not keep.any():
            return
        b = batch.take(keep)
        rate = np.maximum(b["sampling_rate"].astype(np.int64), 1)
        broadcast = b["dst_mac"] == BROADCAST
        multicast = ((b["dst_mac"] & GROUP_BIT) != 0) & ~broadcast
        exporters = {
            (hi, lo): halves_to_ip(hi, lo)
            for hi, lo in set(
                zip(b["exporter_hi"].tolist(), b["exporter_lo"].tolist(), strict=True)
            )
        }
        table = pa.table(
            {
                "minute": (b["time"].astype(np.int64) // 60) * 60,
                "exporter": [
                    exporters[k]
                    for k in zip(b["exporter_hi"].tolist(), b["exporter_lo"].tolist(), strict=True)
                ],
                "in_if": b["in_if"].astype(np.int64),
                "vlan": b["vlan"].astype(np.int32),
                "mac": b["src_mac"].astype(np.int64),
                "samples": np.ones(len(b), dtype=np.int64),
                "packets": rate,
                "broadcast_packets": np.where(broadcast, rate, 0),
                "multicast_packets": np.where(multicast, rate, 0),
                "time": b["time"].astype(np.int64),
            }
        )
        self.census.append(self._sum(table))

    @staticmethod
    def _sum(table: pa.Table) -> pa.Table:
        keys = ["minute", "exporter", "in_if", "vlan", "mac"]
        sums = ["samples", "packets", "broadcast_packets", "multicast_packets"]
        if "time" in table.column_names:
            table = table.append_column("first_seen", table["time"]).append_column(
                "last_seen", table["time"]
            )
        grouped = table.group_by(keys).aggregate(
            [(s, "sum") for s in sums] + [("first_seen", "min"), ("last_seen", "max")]
        )
        names = keys + sums + ["first_seen", "last_seen"]
        return grouped.rename_columns(names)

    def flush(self) -> int:
        """Write what was kept; returns rows written (frames and census)."""
        written = 0
        if self.census:
            summed = self._sum(pa.concat_tables(self.census))
            macs = [int_to_mac(m) for m in summed["mac"].to_pylist()]
            summed = summed.drop_columns(["mac"]).append_column("src_mac", pa.array(macs))
            summed = summed.select(MACS.names)
            if self.store is not None:
                self.store.write("macs", summed)
            written += summed.num_rows
            self.census = []
        if self.frames:
            table = pa.Table.from_pylist(self.frames, schema=FRAMES)
            if self.store is not None:
                self.store.write("frames", table)
            written += table.num_rows
            self.frames = []
        return written
