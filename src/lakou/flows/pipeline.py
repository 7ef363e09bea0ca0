"""One pipeline for live collection and replays: decode -> enrich -> aggregate -> store.

Datagrams arrive in batches (from the UDP inlet or a capture). sFlow goes through the
numba decoder (:mod:`lakou.flows.fast_sflow`) in one call per batch; NetFlow v9 and IPFIX
through the numba decoder of :mod:`lakou.flows.fast_netflow`, which hands what changes
state (templates, sampling options) and what it does not compile (variable-length
fields, NetFlow v5) to :class:`~lakou.flows.netflow.NetflowDecoder`, the keeper of each
exporter's templates. A datagram that breaks its format is counted (per protocol and reason) and
dropped whole; the rest of the batch goes on. Enriched records are summed per minute in
memory and written to the store by :meth:`Pipeline.flush` (the collector calls it every
few seconds and on stop, so nothing accepted is lost on a graceful stop).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from lakou.flows import sflow
from lakou.flows.aggregate import SCHEMA, aggregate, sum_batch, to_table
from lakou.flows.enrich import Enricher
from lakou.flows.fast_netflow import FastNetflow
from lakou.flows.fast_sflow import decode_batch
from lakou.flows.netflow import NetflowDecoder
from lakou.flows.records import FlowBatch
from lakou.flows.sflow import MalformedDatagram
from lakou.flows.store import FlowStore

SFLOW_V5 = b"\x00\x00\x00\x05"


@dataclass(frozen=True, slots=True)
class Received:
    """A datagram as the inlet hands it over."""

    payload: bytes
    exporter: str
    time: float


@dataclass
class Pipeline:
    enricher: Enricher = field(default_factory=Enricher)
    store: FlowStore | None = None
    fast_netflow: FastNetflow = field(default_factory=FastNetflow)
    counters: Counter[str] = field(default_factory=Counter)
    malformed: Counter[str] = field(default_factory=Counter)
    pending: list[pa.Table] = field(default_factory=list)
    pending_rows: int = 0
    keep_records: bool = False  # tests and `decode` ask for the records themselves
    records: list[FlowBatch] = field(default_factory=list)

    def process(self, datagrams: Iterable[Received]) -> int:
        """Decode, enrich and sum a batch; returns the number of flow records accepted."""
        sflow_items: list[Received] = []
        netflow_items: list[Received] = []
        for d in datagrams:
            self.counters["datagrams"] += 1
            (sflow_items if d.payload[:4] == SFLOW_V5 else netflow_items).append(d)
        batches: list[FlowBatch] = []
        if sflow_items:
            batches.append(self._decode_sflow(sflow_items))
        if netflow_items:
            batches.extend(self._decode_netflow(netflow_items))
        batch = FlowBatch.concat(batches) if len(batches) != 1 else batches[0]
        return self.accept(batch)

    def _decode_sflow(self, items: list[Received]) -> FlowBatch:
        buf = np.frombuffer(b"".join(d.payload for d in items), dtype=np.uint8)
        offsets = np.zeros(len(items) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(d.payload) for d in items])
        times = np.array([int(d.time) for d in items], dtype=np.uint32)
        batch, status, counter_samples = decode_batch(buf, offsets, times)
        bad = np.nonzero(status)[0]
        for i in bad.tolist():
            # The fast path says only where; the reference decoder says why.
            try:
                sflow.decode(items[i].payload)
                reason = "rejected by fast decoder"
            except MalformedDatagram as exc:
                reason = exc.reason
            except Exception as exc:
                reason = f"decoder error: {type(exc).__name__}"
            self._drop("sflow", reason)
        self.counters["sflow_samples"] += len(batch)
        self.counters["sflow_counter_samples"] += int(counter_samples)
        return batch

    @property
    def netflow(self) -> NetflowDecoder:
        """The reference decoder holding the exporters' templates and sampling rates."""
        return self.fast_netflow.reference

    def _decode_netflow(self, items: list[Received]) -> list[FlowBatch]:
        fast, drops, slow_rows = self.fast_netflow.decode(
            [d.payload for d in items], [d.exporter for d in items]
        )
        for reason, _exporter in drops:
            self._drop("netflow", reason)
        out = [fast]
        if slow_rows:
            try:
                out.append(FlowBatch.from_rows(slow_rows))
            except (ValueError, OverflowError) as exc:  # a value that fits no column
                self._drop("netflow", f"record out of range: {type(exc).__name__}")
        for batch in out:
            for source, count in zip(*np.unique(batch["source"], return_counts=True), strict=True):
                self.counters[f"records_v{int(source)}"] += int(count)
        return out

    def _drop(self, protocol: str, reason: str) -> None:
        self.counters["datagrams_malformed"] += 1
        # Keep reasons short and bounded: the byte offset is not part of the key.
        self.malformed[f"{protocol}: {reason[:80]}"] += 1

    def accept(self, batch: FlowBatch) -> int:
        if not len(batch):
            return 0
        if self.keep_records:
            self.records.append(batch)
        enriched = self.enricher.enrich(batch)
        table = to_table(sum_batch(enriched), self.enricher.territory_names())
        self.pending.append(table)
        self.pending_rows += table.num_rows
        self.counters["records"] += len(batch)
        if len(self.pending) > 64:  # keep memory bounded between flushes
            self.pending = [aggregate(pa.concat_tables(self.pending))]
        return len(batch)

    def summed(self) -> pa.Table:
        if not self.pending:
            return SCHEMA.empty_table()
        return aggregate(pa.concat_tables(self.pending))

    def flush(self) -> int:
        """Write what was summed so far to the store; returns rows written."""
        table = self.summed()
        # Write before forgetting: a store error keeps the sums for the next flush.
        self.pending, self.pending_rows = [table], table.num_rows
        if self.store is not None and table.num_rows:
            self.store.write(table)
        self.pending, self.pending_rows = [], 0
        self.counters["rows_written"] += table.num_rows
        return table.num_rows
