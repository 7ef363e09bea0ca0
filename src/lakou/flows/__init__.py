"""lakou.flows: sFlow, NetFlow and IPFIX in, per-minute sums in a store, reports out.

The door other components (the CLI, the portal, the demo, LAN hygiene) go through:

- the store: :func:`open_store` opens the configured one (DuckDB files or ClickHouse),
  :func:`store_location` says where it is, :func:`read_demo_marker` whether the demo made
  it; :class:`FlowStoreError` is every store failure;
- the pipeline: :meth:`Enricher.from_config` (members, MACs, prefix table, roles),
  :meth:`Pipeline.from_config`, :func:`replay` (captures through the pipeline) and
  :func:`replay_summary`; :func:`load_members` reads a members file;
- what the commands run, one call each: :func:`replay_captures` (the whole ``flows
  replay``), :func:`run_collector` (the whole ``flows collect``, with
  :func:`allowed_exporters`), both asked with a typed request (:class:`IntakeRequest`,
  :class:`CollectRequest`) and refused with :class:`CollectorError`;
  :func:`write_decoded` (the whole ``flows decode``);
  :func:`report_from_store` (``flows report``'s figures), :func:`maintain_store` (roll-ups
  and retention); :func:`open_intake` (the store, the pipeline and the LAN and BGP sinks
  beside it, an :class:`Intake`); :func:`read_bgp_sessions` (the bilateral sessions the
  collector saw);
- the sFlow encoder (:class:`SampledFrame`, :func:`flow_sample`) the demo makes traffic with;
- the figures: :func:`build_report` gives a typed :class:`TrafficReport` (its parts:
  :class:`Period`, :class:`Totals`, :class:`MemberRate`, :class:`MatrixCell`,
  :class:`LocalFigures`, :class:`InviteRow`, :class:`TransitSaving`),
  :func:`build_exchange_reports` (one per exchange, for the portal), :func:`latest_period`,
  :func:`content_locality_report`; rendered by :func:`report_to_json`,
  :func:`report_to_html` and :func:`print_report` (a terminal table);
- the records' vocabulary other components read (:class:`FlowBatch`, :func:`mac_to_int`,
  :func:`int_to_mac`, :func:`halves_to_ip`), :func:`group_runs` (rows with equal keys side
  by side, for the LAN census's sums), the sFlow decoder (:func:`decode_sflow`) and
  :func:`sampled_headers` (the sampled Ethernet headers of a datagram, for LAN hygiene).

Names are loaded on first use, so importing the door (or ``lakou.flows.config``) stays
cheap: numpy, numba and DuckDB are imported by the command that needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.flows.bgp_sessions import read_sessions as read_bgp_sessions
    from lakou.flows.capture_replay import replay, replay_summary
    from lakou.flows.content import content_locality_report
    from lakou.flows.decode import decode_captures
    from lakou.flows.decode_output import write_decoded
    from lakou.flows.enrich import Enricher, MemberTable
    from lakou.flows.grouping import group_runs
    from lakou.flows.members import MembersFileError, load_members
    from lakou.flows.pcap import CaptureError, CaptureStats
    from lakou.flows.pipeline import LanSink, Pipeline, Received
    from lakou.flows.records import FlowBatch, halves_to_ip, int_to_mac, mac_to_int
    from lakou.flows.report import to_html as report_to_html
    from lakou.flows.report import to_json as report_to_json
    from lakou.flows.report import to_text as print_report
    from lakou.flows.reporting import (
        ExchangeTraffic,
        build_exchange_reports,
        build_report,
        latest_period,
    )
    from lakou.flows.service import (
        CollectorError,
        CollectRequest,
        Intake,
        IntakeRequest,
        allowed_exporters,
        maintain_store,
        open_intake,
        replay_captures,
        report_from_store,
        run_collector,
    )
    from lakou.flows.sflow import decode as decode_sflow
    from lakou.flows.sflow import sampled_headers
    from lakou.flows.sflow_encode import SampledFrame, flow_sample
    from lakou.flows.store import (
        DEMO_MARKER,
        FlowStore,
        FlowStoreError,
        ParquetStore,
        StoreLocation,
        open_store,
        read_demo_marker,
        store_location,
    )
    from lakou.flows.traffic_report import (
        InviteRow,
        LocalFigures,
        MatrixCell,
        MemberRate,
        Period,
        Totals,
        TrafficReport,
        TransitSaving,
    )

_WHERE = {  # name -> "module" or "module:name there"
    "content_locality_report": "content",
    "FlowBatch": "records",
    "group_runs": "grouping",
    "halves_to_ip": "records",
    "int_to_mac": "records",
    "mac_to_int": "records",
    "report_to_html": "report:to_html",
    "report_to_json": "report:to_json",
    "print_report": "report:to_text",
    "decode_sflow": "sflow:decode",
    "sampled_headers": "sflow",
    "CollectorError": "service",
    "CollectRequest": "service",
    "Intake": "service",
    "IntakeRequest": "service",
    "allowed_exporters": "service",
    "maintain_store": "service",
    "open_intake": "service",
    "replay_captures": "service",
    "run_collector": "service",
    "report_from_store": "service",
    "decode_captures": "decode",
    "write_decoded": "decode_output",
    "Enricher": "enrich",
    "MemberTable": "enrich",
    "MembersFileError": "members",
    "load_members": "members",
    "CaptureError": "pcap",
    "CaptureStats": "pcap",
    "LanSink": "pipeline",
    "Pipeline": "pipeline",
    "Received": "pipeline",
    "replay": "capture_replay",
    "read_bgp_sessions": "bgp_sessions:read_sessions",
    "replay_summary": "capture_replay",
    "ExchangeTraffic": "reporting",
    "build_exchange_reports": "reporting",
    "build_report": "reporting",
    "latest_period": "reporting",
    "SampledFrame": "sflow_encode",
    "flow_sample": "sflow_encode",
    "InviteRow": "traffic_report",
    "LocalFigures": "traffic_report",
    "MatrixCell": "traffic_report",
    "MemberRate": "traffic_report",
    "Period": "traffic_report",
    "Totals": "traffic_report",
    "TrafficReport": "traffic_report",
    "TransitSaving": "traffic_report",
    "DEMO_MARKER": "store",
    "FlowStore": "store",
    "FlowStoreError": "store",
    "ParquetStore": "store",
    "StoreLocation": "store",
    "open_store": "store",
    "read_demo_marker": "store",
    "store_location": "store",
}

__all__ = [
    "DEMO_MARKER",
    "CaptureError",
    "CaptureStats",
    "CollectRequest",
    "CollectorError",
    "Enricher",
    "ExchangeTraffic",
    "FlowBatch",
    "FlowStore",
    "FlowStoreError",
    "Intake",
    "IntakeRequest",
    "InviteRow",
    "LanSink",
    "LocalFigures",
    "MatrixCell",
    "MemberRate",
    "MemberTable",
    "MembersFileError",
    "ParquetStore",
    "Period",
    "Pipeline",
    "Received",
    "SampledFrame",
    "StoreLocation",
    "Totals",
    "TrafficReport",
    "TransitSaving",
    "allowed_exporters",
    "build_exchange_reports",
    "build_report",
    "content_locality_report",
    "decode_captures",
    "decode_sflow",
    "flow_sample",
    "group_runs",
    "halves_to_ip",
    "int_to_mac",
    "latest_period",
    "load_members",
    "mac_to_int",
    "maintain_store",
    "open_intake",
    "open_store",
    "print_report",
    "read_bgp_sessions",
    "read_demo_marker",
    "replay",
    "replay_captures",
    "replay_summary",
    "report_from_store",
    "report_to_html",
    "report_to_json",
    "run_collector",
    "sampled_headers",
    "store_location",
    "write_decoded",
]


__getattr__ = lazy_door(__name__, _WHERE)
