"""Keep, from the collector's sFlow samples, what the LAN hygiene checks need.

The flow pipeline hands every decoded sFlow batch here (the records in columns, the
datagram each came from, the datagrams themselves). Two things are kept:

- the MAC census: per minute, switch, input port, VLAN and source MAC, the samples and
  the estimated packets (sampling rate summed), broadcast and multicast ones apart;
- the control frames: the few samples that are not ordinary unicast IP (non-IP
  ethertypes, LLC frames, frames to a group MAC, DHCP, OSPF, PIM, ICMP redirects,
  router advertisements, neighbour advertisements) are picked in columns, then only
  their datagrams are decoded again by the reference decoder to read the sampled
  header (:func:`lakou.flows.sampled_headers`), which :func:`lakou.lan.frames.classify`
  names.

So the hot path stays in columns; the Python work scales with the control frames, which
on a clean LAN are a few in a thousand samples. Rows wait in memory until
:meth:`LanRecorder.flush` (called with the flow store's flush) writes them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from lakou.flows import FlowBatch, group_runs, halves_to_ip, sampled_headers
from lakou.lan import arrow
from lakou.lan.frames import FrameFinding, classify
from lakou.lan.store import FRAMES, MACS, LanStore

BROADCAST = np.uint64(0xFFFFFFFFFFFF)


def _mac(value: int) -> str:
    return int(value).to_bytes(6, "big").hex(":")


GROUP_BIT = np.uint64(1 << 40)
CLASSIFIED = 4096  # sampled headers whose classification is remembered


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
    # Plain comparisons: np.isin costs several passes and a sort for two values.
    dhcp4 = (proto == 17) & ((sport == 67) | (sport == 68) | (dport == 67) | (dport == 68))
    dhcp6 = (proto == 17) & ((sport == 546) | (sport == 547) | (dport == 546) | (dport == 547))
    v4_control = v4 & (routing | dhcp4 | ((proto == 1) & (icmp_type == 5)))
    nd = (icmp_type == 133) | (icmp_type == 134) | (icmp_type == 136) | (icmp_type == 137)
    v6_control = v6 & (routing | dhcp6 | ((proto == 58) & nd))
    non_ip = ~(v4 | v6)
    mask: npt.NDArray[np.bool_] = (batch["src_mac"] != 0) & (
        non_ip | group | v4_control | v6_control
    )
    return mask


def census(b: FlowBatch) -> pa.Table:
    """The MAC census of a batch: samples and packets per minute, switch, input port,
    VLAN and source MAC, first and last seen (the sums :meth:`LanRecorder._sum` makes,
    with numpy: a sort of packed keys and sums over equal runs, several times cheaper
    than a group-by per batch)."""
    u64 = np.uint64
    when = b["time"].astype(np.int64)
    minute = (when // 60) * 60
    mac = b["src_mac"].astype(u64) & u64(0xFFFFFFFFFFFF)
    vlan = b["vlan"].astype(u64) & u64(0xFFFF)
    in_if = b["in_if"].astype(u64)
    hi, lo = b["exporter_hi"].astype(u64), b["exporter_lo"].astype(u64)
    words = [(vlan << u64(48)) | mac, in_if, lo, hi, minute.astype(u64)]
    order, starts = group_runs(words)
    first = order[starts]
    bounds = np.nonzero(starts)[0]
    rate = np.maximum(b["sampling_rate"].astype(np.int64), 1)
    dst = b["dst_mac"]
    broadcast = dst == BROADCAST
    multicast = ((dst & GROUP_BIT) != 0) & ~broadcast

    def total(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return np.add.reduceat(values[order], bounds)

    columns = {
        "minute": minute[first],
        "exporter_hi": b["exporter_hi"][first],
        "exporter_lo": b["exporter_lo"][first],
        "in_if": b["in_if"][first].astype(np.int64),
        "vlan": b["vlan"][first].astype(np.int32),
        "mac": b["src_mac"][first].astype(np.int64),
        "samples": np.diff(np.append(bounds, len(order))).astype(np.int64),
        "packets": total(rate),
        "broadcast_packets": total(np.where(broadcast, rate, 0)),
        "multicast_packets": total(np.where(multicast, rate, 0)),
        "first_seen": np.minimum.reduceat(when[order], bounds),
        "last_seen": np.maximum.reduceat(when[order], bounds),
    }
    # From the buffers: pa.table would import pandas (see lakou.lan.arrow).
    return pa.Table.from_arrays([arrow.numbers(v) for v in columns.values()], names=list(columns))


@dataclass
class LanRecorder:
    """The pipeline's LAN sink: census and control frames, written on flush."""

    store: LanStore | None = None
    frames: list[dict[str, Any]] = field(default_factory=list)
    census: list[pa.Table] = field(default_factory=list)
    counters: dict[str, int] = field(default_factory=dict)  # frames per kind, and losses
    max_pending_frames: int = 200_000
    _exporters: dict[tuple[int, int], str] = field(default_factory=dict, repr=False)
    _classified: dict[bytes, tuple[FrameFinding, str] | None] = field(
        default_factory=dict, repr=False
    )

    def observe(
        self,
        batch: FlowBatch,
        datagram: npt.NDArray[np.int64],
        payloads: Sequence[bytes],
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
        headers: dict[int, list[bytes | None]] = {}
        kept: list[tuple[int, FrameFinding, str]] = []
        for row in picked.tolist():
            d = int(datagram[row])
            if d not in headers:
                headers[d] = sampled_headers(payloads[d])
            k = row - int(first[row])
            if k < len(headers[d]) and (header := headers[d][k]) is not None:
                found = self._classify(header)
                if found is not None:
                    kept.append((row, found[0], found[1]))
        if kept:
            self._keep(batch, kept)

    def _classify(self, header: bytes) -> tuple[FrameFinding, str] | None:
        """:func:`classify` and its evidence as JSON, remembered for the same header bytes
        (a LAN repeats its ARP and its BPDUs; at most ``CLASSIFIED`` remembered)."""
        if header in self._classified:
            return self._classified[header]
        found = classify(header)
        out = None if found is None else (found, json.dumps(found.evidence, sort_keys=True))
        if len(self._classified) >= CLASSIFIED:
            self._classified.clear()
        self._classified[header] = out
        return out

    def _keep(self, batch: FlowBatch, kept: list[tuple[int, FrameFinding, str]]) -> None:
        rows = np.array([row for row, _f, _e in kept], dtype=np.int64)
        cols = {
            name: batch[name][rows].tolist()
            for name in (
                "time",
                "exporter_hi",
                "exporter_lo",
                "in_if",
                "sampling_rate",
                "vlan",
                "src_mac",
                "dst_mac",
                "etype",
            )
        }
        for i, (_row, found, evidence) in enumerate(kept):
            self.counters[found.kind] = self.counters.get(found.kind, 0) + 1
            if len(self.frames) >= self.max_pending_frames:  # a storm between two flushes
                self.counters["frames_over_limit"] = self.counters.get("frames_over_limit", 0) + 1
                continue
            exporter = (int(cols["exporter_hi"][i]), int(cols["exporter_lo"][i]))
            if exporter not in self._exporters:
                self._exporters[exporter] = halves_to_ip(*exporter)
            self.frames.append(
                {
                    "time": int(cols["time"][i]),
                    "exporter": self._exporters[exporter],
                    "in_if": int(cols["in_if"][i]),
                    "sampling_rate": max(1, int(cols["sampling_rate"][i])),
                    "vlan": int(cols["vlan"][i]),
                    "src_mac": _mac(cols["src_mac"][i]),
                    "dst_mac": _mac(cols["dst_mac"][i]),
                    "etype": int(cols["etype"][i]),
                    "kind": found.kind,
                    "address": found.address,
                    "evidence": evidence,
                }
            )

    def _count_macs(self, batch: FlowBatch) -> None:
        keep = batch["src_mac"] != 0
        if not keep.any():
            return
        b = batch.take(keep) if not keep.all() else batch
        self.census.append(census(b))
        if len(self.census) > 64:  # keep memory bounded between two flushes
            self.census = [self._sum(pa.concat_tables(self.census))]

    @staticmethod
    def _sum(table: pa.Table) -> pa.Table:
        """Census rows summed per minute, switch, port, VLAN and MAC, in the order the
        keys first occur (what Arrow's group-by gives; numpy here, because the group-by
        loads Arrow's dataset module, which imports pandas)."""
        keys = ["minute", "exporter_hi", "exporter_lo", "in_if", "vlan", "mac"]
        sums = ["samples", "packets", "broadcast_packets", "multicast_packets"]
        col = {name: arrow.values(table[name]) for name in keys + sums}
        if "time" in table.column_names:
            col["first_seen"] = col["last_seen"] = arrow.values(table["time"])
        else:
            col["first_seen"] = arrow.values(table["first_seen"])
            col["last_seen"] = arrow.values(table["last_seen"])
        names = keys + sums + ["first_seen", "last_seen"]
        if not table.num_rows:
            return pa.Table.from_arrays([arrow.numbers(col[n]) for n in names], names=names)
        order = np.lexsort([col[k] for k in reversed(keys)])
        same = np.ones(len(order), dtype=bool)
        for k in keys:
            w = col[k][order]
            same[1:] &= w[1:] == w[:-1]
        starts = ~same
        starts[0] = True
        bounds = np.nonzero(starts)[0]
        first = order[starts]  # the sort is stable: each group's first row
        seen = np.argsort(first, kind="stable")
        out = {k: col[k][first][seen] for k in keys}
        for s in sums:
            out[s] = np.add.reduceat(col[s][order], bounds)[seen]
        out["first_seen"] = np.minimum.reduceat(col["first_seen"][order], bounds)[seen]
        out["last_seen"] = np.maximum.reduceat(col["last_seen"][order], bounds)[seen]
        return pa.Table.from_arrays([arrow.numbers(out[n]) for n in names], names=names)

    def flush(self) -> int:
        """Write what was kept; returns rows written (frames and census)."""
        written = 0
        if self.census:
            summed = self._sum(pa.concat_tables(self.census))
            # Summed rows are few (one per minute, port and MAC): name them only now.
            macs = [_mac(m) for m in summed["mac"].to_pylist()]
            his, los = summed["exporter_hi"].to_pylist(), summed["exporter_lo"].to_pylist()
            exporters = [halves_to_ip(hi, lo) for hi, lo in zip(his, los, strict=True)]
            summed = summed.drop_columns(["mac", "exporter_hi", "exporter_lo"])
            summed = summed.append_column("src_mac", arrow.strings(macs))
            summed = summed.append_column("exporter", arrow.strings(exporters))
            summed = summed.select(MACS.names)
            if self.store is not None:
                self.store.write("macs", summed)
            written += summed.num_rows
            self.census = []
        if self.frames:
            table = arrow.rows_to_table(self.frames, FRAMES)
            if self.store is not None:
                self.store.write("frames", table)
            written += table.num_rows
            self.frames = []
        return written
