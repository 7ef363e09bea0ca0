"""The typed traffic report: one rule for the view a row belongs to, and a report whose
JSON shape is its fields."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pyarrow as pa
import pytest

from lakou.flows import TrafficReport
from lakou.flows.enrich import EXPORTER_BORDER, EXPORTER_EXCHANGE, ExporterRoles, exporter_view
from lakou.flows.metrics import ReportInputs, compute
from lakou.flows.records import SOURCE_IPFIX, SOURCE_NETFLOW5, SOURCE_SFLOW


def test_the_view_rule() -> None:
    role = np.array([0, 0, 0, EXPORTER_BORDER, EXPORTER_EXCHANGE], np.uint8)
    source = np.array([SOURCE_SFLOW, SOURCE_IPFIX, SOURCE_NETFLOW5, SOURCE_SFLOW, SOURCE_IPFIX])
    assert exporter_view(role, source).tolist() == [
        EXPORTER_EXCHANGE,  # unlisted sFlow agent: the exchange's switch
        EXPORTER_BORDER,  # unlisted NetFlow/IPFIX exporter: a border router
        EXPORTER_BORDER,
        EXPORTER_BORDER,  # a listed role wins over the protocol
        EXPORTER_EXCHANGE,
    ]


def test_enrichment_uses_the_same_rule() -> None:
    source = np.array([SOURCE_SFLOW, SOURCE_IPFIX])
    zeros = np.zeros(2, np.uint64)
    got = ExporterRoles().lookup(zeros, zeros, source)
    assert got.tolist() == exporter_view(np.zeros(2, np.uint8), source).tolist()


def test_report_is_typed_frozen_and_its_json_is_its_fields() -> None:
    inputs = ReportInputs(since=0, until=600, bucket=300, member_names={1: "One"}, level="minute")
    report = compute(pa.table({}), inputs)
    assert isinstance(report, TrafficReport)
    assert report.level == "minute" and report.members == [] and report.local.local_share is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.level = "hour"  # type: ignore[misc]
    shape = report.as_dict()
    assert set(shape) == {
        "period",
        "totals",
        "members",
        "matrix",
        "local",
        "invite",
        "transit_cost_avoided",
        "level",
    }
    assert shape["transit_cost_avoided"]["currency"] == "USD"
    assert json.loads(json.dumps(shape)) == shape
