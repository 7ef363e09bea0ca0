"""One pipeline for live collection and replays: decode -> enrich -> aggregate -> store.

Datagrams arrive in batches (from the UDP inlet or a capture). sFlow goes through the
numba decoder (:mod:`lakou.flows.fast_sflow`) in one call per batch; NetFlow v9 and IPFIX
through the numba decoder of :mod:`lakou.flows.fast_netflow`, which hands what changes
state (templates, sampling options) and what it does not compile (variable-length
fields, NetFlow v5) to :class:`~lakou.flows.netflow.NetflowDecoder`, the keeper of each
exporter's templates. A datagram that breaks its format is counted (per protocol and one
of a fixed set of categories, the detail in a bounded sample log) and dropped whole; the
rest of the batch goes on.

No exporter's clock is believed blindly. sFlow records are dated by the time the datagram
was received; a NetFlow/IPFIX record keeps its exporter's time only while it is within
``max_clock_skew`` seconds of the receive time; beyond, the record is counted
(``clock_skew``, per datagram, and ``clock_skew_records``) and re-dated to the receive
time or dropped (``clock_skew_action``). A receive time itself later than the clock's now
(a replayed capture from the future) is treated the same way against now. So one spoofed
or bit-flipped datagram cannot write a minute in 2091 or 1970.

An optional LAN sink (``lan``, the hygiene engine's recorder) also receives each sFlow
batch with the datagram each record came from, to keep the control frames and the MAC
census; it is flushed with the store.

Enriched records are summed per minute in memory and written to the store by
:meth:`Pipeline.flush` (the collector calls it every few seconds and on stop, so nothing
accepted is lost on a graceful stop).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol, overload

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from lakou.flows import sflow
from lakou.flows.aggregate import SCHEMA, sum_batch, sum_batches, to_table
from lakou.flows.counters import DECODER_ERROR, OUT_OF_RANGE, REJECTED, SampleLog
from lakou.flows.datagrams import DatagramBatch
from lakou.flows.enrich import EnrichedBatch, Enricher
from lakou.flows.fast_netflow import FastNetflow
from lakou.flows.fast_sflow import decode_batch
from lakou.flows.netflow import NetflowDecoder
from lakou.flows.records import FlowBatch
from lakou.flows.sflow import MalformedDatagram
from lakou.flows.store import FlowStore

if TYPE_CHECKING:
    from lakou.flows.config import Config

SFLOW_V5 = b"\x00\x00\x00\x05"


class LanSink(Protocol):
    """What the pipeline hands sFlow batches to besides the flow store (LAN hygiene)."""

    def observe(
        self,
        batch: FlowBatch,
        datagram: npt.NDArray[np.int64],
        payloads: Sequence[bytes],
        exporters: list[str],
    ) -> None: ...

    def flush(self) -> int: ...


class Payloads(Sequence[bytes]):
    """A batch's payloads, each made only when indexed: the LAN sink reads the few
    datagrams that carry control frames, not one Python object per datagram."""

    def __init__(self, batch: DatagramBatch) -> None:
        self.batch = batch

    def __len__(self) -> int:
        return len(self.batch)

    @overload
    def __getitem__(self, i: int) -> bytes: ...

    @overload
    def __getitem__(self, i: slice) -> list[bytes]: ...

    def __getitem__(self, i: int | slice) -> bytes | list[bytes]:
        if isinstance(i, slice):
            return [self.batch.payload(k) for k in range(len(self))[i]]
        n = len(self)
        if not -n <= i < n:
            raise IndexError(i)
        return self.batch.payload(i % n)


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
    max_clock_skew: float = 300.0
    clock_skew_action: Literal["redate", "drop"] = "redate"
    counters: Counter[str] = field(default_factory=Counter)
    malformed: Counter[str] = field(default_factory=Counter)  # "protocol.category" -> count
    malformed_log: SampleLog = field(default_factory=SampleLog)
    pending: list[EnrichedBatch] = field(default_factory=list)
    pending_rows: int = 0
    keep_records: bool = False  # tests and `decode` ask for the records themselves
    records: list[FlowBatch] = field(default_factory=list)
    lan: LanSink | None = None

    @classmethod
    def from_config(
        cls,
        config: Config,
        enricher: Enricher,
        store: FlowStore | None,
        lan: LanSink | None = None,
        max_clock_skew: int | None = None,
        clock_skew_action: str | None = None,
    ) -> Pipeline:
        """The pipeline the ``flows`` section describes; ``max_clock_skew`` and
        ``clock_skew_action`` (the command line's) take precedence over its settings."""
        action = clock_skew_action or config.clock_skew_action
        if action not in ("redate", "drop"):
            raise ValueError(f"clock_skew_action: {action!r} is not redate or drop")
        return cls(
            enricher=enricher,
            store=store,
            lan=lan,
            max_clock_skew=float(
                config.max_clock_skew_seconds if max_clock_skew is None else max_clock_skew
            ),
            clock_skew_action="drop" if action == "drop" else "redate",
        )

    def process(self, datagrams: Iterable[Received]) -> int:
        """Decode, enrich and sum a batch; returns the number of flow records accepted."""
        items = list(datagrams)
        if not items:
            return 0
        return self.process_batch(DatagramBatch.from_received(items))

    def process_buffer(
        self,
        buf: npt.NDArray[np.uint8],
        offsets: npt.NDArray[np.int64],
        exporters: list[str],
        times: npt.NDArray[np.float64],
    ) -> int:
        """As :meth:`process`, on datagrams laid end to end: datagram ``i`` is
        ``buf[offsets[i]:offsets[i+1]]`` from ``exporters[i]``, received at ``times[i]``
        (the UDP inlet receives straight into such a buffer: no object per datagram)."""
        return self.process_batch(DatagramBatch(buf, offsets, exporters, times))

    def process_batch(self, batch: DatagramBatch) -> int:
        """:meth:`process` for datagrams already in columns (a capture reader's batch)."""
        if not len(batch):
            return 0
        self.counters["datagrams"] += len(batch)
        received = self._receive_times(batch.times)
        if (received < 0).any():  # from the future, and the action is to drop
            keep = np.nonzero(received >= 0)[0]
            batch, received = batch.take(keep), received[keep]
            if not len(batch):
                return 0
        is_sflow = batch.is_sflow()
        batches: list[FlowBatch] = []
        if is_sflow.all():
            batches.append(self._decode_sflow(batch, received))
        else:
            if is_sflow.any():
                pick = np.nonzero(is_sflow)[0]
                batches.append(self._decode_sflow(batch.take(pick), received[pick]))
            pick = np.nonzero(~is_sflow)[0]
            netflow = batch if len(pick) == len(batch) else batch.take(pick)
            batches.extend(self._decode_netflow(netflow, received[pick]))
        flows = FlowBatch.concat(batches) if len(batches) != 1 else batches[0]
        return self.accept(flows)

    def _receive_times(self, times: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
        """Receive times (seconds); one later than now + the skew allowed (a replayed
        capture from the future) is counted and re-dated to now, or marked -1 (dropped)."""
        received = np.array(times, dtype=np.float64)
        limit = time.time() + self.max_clock_skew
        if received.max() > limit:
            received = received.copy()
            late = received > limit
            self.counters["clock_skew_received"] += int(np.count_nonzero(late))
            received[late] = -1 if self.clock_skew_action == "drop" else time.time()
        return received.astype(np.int64)

    def _decode_sflow(self, items: DatagramBatch, received: npt.NDArray[np.int64]) -> FlowBatch:
        buf, offsets = items.buffer, items.offsets
        times = np.clip(received, 0, 2**32 - 1).astype(np.uint32)
        if self.lan is None:
            batch, status, counter_samples = decode_batch(buf, offsets, times)
        else:
            # Stamp records with their datagram's index, then with its time: the LAN sink
            # needs to know which datagram each record came from.
            index = np.arange(len(offsets) - 1, dtype=np.uint32)
            batch, status, counter_samples = decode_batch(buf, offsets, index)
            datagram = batch["time"].astype(np.int64)
            batch.columns["time"] = times[datagram]
            self.lan.observe(batch, datagram, Payloads(items), items.exporters)
        bad = np.nonzero(status)[0]
        for i in bad.tolist():
            # The fast path says only where; the reference decoder says why.
            try:
                sflow.decode(items.payload(i))
                error = MalformedDatagram("rejected by fast decoder", 0, REJECTED)
            except MalformedDatagram as exc:
                error = exc
            except Exception as exc:
                error = MalformedDatagram(f"decoder error: {type(exc).__name__}", 0, DECODER_ERROR)
            self._drop("sflow", error, items.exporters[i])
        self.counters["sflow_samples"] += len(batch)
        self.counters["sflow_counter_samples"] += int(counter_samples)
        return batch

    @property
    def netflow(self) -> NetflowDecoder:
        """The reference decoder holding the exporters' templates and sampling rates."""
        return self.fast_netflow.reference

    def _decode_netflow(
        self, items: DatagramBatch, received: npt.NDArray[np.int64]
    ) -> list[FlowBatch]:
        fast, fast_index, drops, slow_rows, slow_index = self.fast_netflow.decode_indexed(
            [], items.exporters, joined=(items.buffer, items.offsets)
        )
        for error, exporter in drops:
            self._drop("netflow", error, exporter)
        out = [self._date(fast, fast_index, received)]
        if slow_rows:
            try:
                slow = FlowBatch.from_rows(slow_rows)
            except (ValueError, OverflowError) as exc:  # a value that fits no column
                detail = f"record out of range: {type(exc).__name__}"
                self._drop("netflow", MalformedDatagram(detail, 0, OUT_OF_RANGE), "")
            else:
                out.append(self._date(slow, np.array(slow_index, dtype=np.int64), received))
        for batch in out:
            counts = np.bincount(batch["source"])  # a few kinds: no sort, unlike np.unique
            for source in np.flatnonzero(counts):
                self.counters[f"records_v{int(source)}"] += int(counts[source])
        return out

    def _date(
        self, batch: FlowBatch, index: npt.NDArray[np.int64], received: npt.NDArray[np.int64]
    ) -> FlowBatch:
        """Keep the exporter's time within the skew allowed of the receive time; beyond,
        count the record and re-date it to the receive time, or drop it."""
        if not len(batch):
            return batch
        when = received[index]
        stamped = batch["time"].astype(np.int64)
        off = np.abs(stamped - when) > self.max_clock_skew
        if not off.any():
            return batch
        self.counters["clock_skew"] += len(np.unique(index[off]))
        self.counters["clock_skew_records"] += int(np.count_nonzero(off))
        if self.clock_skew_action == "drop":
            return batch.take(~off)
        batch["time"][off] = np.clip(when[off], 0, 2**32 - 1).astype(np.uint32)
        return batch

    def _drop(self, protocol: str, error: MalformedDatagram, exporter: str) -> None:
        self.counters["datagrams_malformed"] += 1
        # A fixed set of keys, whatever the datagram says; the detail goes to the sample log.
        self.malformed[f"{protocol}.{error.category}"] += 1
        self.malformed_log.add(
            protocol=protocol,
            category=error.category,
            reason=error.reason[:120],
            offset=error.offset,
            exporter=exporter,
        )

    def accept(self, batch: FlowBatch) -> int:
        if not len(batch):
            return 0
        if self.keep_records:  # copied: a decoder's columns may be views of its whole output
            self.records.append(FlowBatch({k: v.copy() for k, v in batch.columns.items()}))
        summed = sum_batch(self.enricher.enrich(batch))
        self.pending.append(summed)
        self.pending_rows += len(summed)
        self.counters["records"] += len(batch)
        if len(self.pending) > 64:  # keep memory bounded between flushes
            self.pending = [sum_batches(self.pending)]
            self.pending_rows = len(self.pending[0])
        return len(batch)

    def summed(self) -> pa.Table:
        if not self.pending:
            return SCHEMA.empty_table()
        return to_table(sum_batches(self.pending), self.enricher.territory_names())

    def flush(self) -> int:
        """Write what was summed so far to the store; returns rows written."""
        if not self.pending:
            table = SCHEMA.empty_table()
        else:
            # Write before forgetting: a store error keeps the sums for the next flush.
            kept = sum_batches(self.pending)
            self.pending, self.pending_rows = [kept], len(kept)
            table = to_table(kept, self.enricher.territory_names())
            if self.store is not None and table.num_rows:
                self.store.write(table)
        self.pending, self.pending_rows = [], 0
        self.counters["rows_written"] += table.num_rows
        if self.lan is not None:
            self.counters["lan_rows_written"] += self.lan.flush()
        return table.num_rows
