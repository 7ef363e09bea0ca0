"""The collector's counters as Prometheus series (written to a textfile by the collector).

Every label value here comes from a bounded set: exporters and unknown sources through
:class:`~lakou.flows.counters.TopSources` (the busiest few, the rest as ``other``),
malformed datagrams per protocol and fixed category, drop reasons and pipeline counters
named by the code. So a flood of spoofed datagrams cannot grow the series either.
"""

from __future__ import annotations

import time
from typing import Any

from lakou.metrics import Family


def collector_families(collector: Any) -> list[Family]:
    c = collector
    pipeline = c.pipeline
    received = Family(
        "lakou_collector_datagrams_received",
        "UDP datagrams received by the collector, from any source.",
        "counter",
    ).add(c.received)
    per_exporter = Family(
        "lakou_collector_exporter_datagrams",
        "Datagrams accepted from each allowed exporter (busiest 64 named, the rest 'other').",
        "counter",
    )
    for exporter, count in c.exporter_datagrams.as_dict().items():
        per_exporter.add(count, exporter=exporter)
    dropped = Family(
        "lakou_collector_datagrams_dropped",
        "Datagrams dropped, by reason: unknown_exporter, wrong_port, queue_full, "
        "kernel (socket buffer full), malformed.",
        "counter",
    )
    dropped.add(c.unknown_exporters.total, reason="unknown_exporter")
    dropped.add(c.wrong_port, reason="wrong_port")
    dropped.add(c.queue_drops, reason="queue_full")
    dropped.add(c.kernel_drops(), reason="kernel")
    dropped.add(pipeline.counters.get("datagrams_malformed", 0), reason="malformed")
    malformed = Family(
        "lakou_collector_malformed_datagrams",
        "Malformed datagrams by protocol and category (truncated, bad_version, ...).",
        "counter",
    )
    for key, count in sorted(pipeline.malformed.items()):
        protocol, _, category = key.partition(".")
        malformed.add(count, protocol=protocol, category=category)
    unknown = Family(
        "lakou_collector_unknown_exporter_datagrams",
        "Datagrams from sources that are not allowed exporters (busiest 64 named).",
        "counter",
    )
    for source, count in c.unknown_exporters.as_dict().items():
        unknown.add(count, source=source)
    records = Family(
        "lakou_collector_records",
        "Flow records and samples decoded (sFlow, NetFlow, IPFIX), all exporters.",
        "counter",
    ).add(pipeline.counters.get("records", 0))
    events = Family(
        "lakou_collector_pipeline_events",
        "Every other pipeline counter (datagrams, sflow_samples, clock_skew, store_errors...).",
        "counter",
    )
    for name, count in sorted(pipeline.counters.items()):
        if name != "records":
            events.add(count, counter=name)
    queued = Family("lakou_collector_queued_datagrams", "Datagrams waiting to be decoded.")
    queued.add(c.queued)
    pending = Family(
        "lakou_collector_pending_rows", "Aggregated rows waiting for the next store write."
    ).add(getattr(pipeline, "pending_rows", 0))
    written = Family(
        "lakou_collector_metrics_written_timestamp_seconds",
        "When the collector last wrote these figures (a stale time: the collector is down).",
    ).add(time.time())
    return [
        received,
        per_exporter,
        dropped,
        malformed,
        unknown,
        records,
        events,
        queued,
        pending,
        written,
    ]
