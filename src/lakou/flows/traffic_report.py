"""The traffic report: what :mod:`lakou.flows.metrics` computes, as typed, frozen parts.

One :class:`TrafficReport` is built by the flow engine (:func:`lakou.flows.build_report`,
or one per exchange for the portal) and rendered as it is by the command line (text,
JSON, HTML: :mod:`lakou.flows.report`) and by the portal's pages and API. Nobody
changes a report after it is built. :meth:`TrafficReport.as_dict` is the JSON shape
(``lakou flows report --format json``, the portal's API): the field names are its keys.
The definitions of the figures are in :mod:`lakou.flows.metrics`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Period:
    """The period the figures cover, bucket-aligned (``seconds``: ``until - since``
    rounded to whole buckets), and the bucket the rates and percentiles use."""

    since: int
    until: int
    seconds: int
    bucket: int


@dataclass(frozen=True)
class Totals:
    """Bytes and samples read; of the bytes, the exchange view's (``ixp_bytes``), the
    border routers' (``border_bytes``), the exchange's between two known members, and
    the exchange's with a side no member claims."""

    bytes: int
    samples: int
    ixp_bytes: int
    border_bytes: int
    ixp_member_to_member_bytes: int
    ixp_unattributed_bytes: int


@dataclass(frozen=True)
class MemberRate:
    """A member's traffic across the exchange: bytes, mean rates and 95th percentiles."""

    asn: int
    name: str
    out_bytes: int
    in_bytes: int
    out_bps: float
    in_bps: float
    out_p95_bps: float
    in_p95_bps: float

    @property
    def total_bytes(self) -> int:
        return self.in_bytes + self.out_bytes


@dataclass(frozen=True)
class MatrixCell:
    """Bytes from one member to another, with the 95% error of the sampled estimate."""

    src: int
    dst: int
    src_name: str
    dst_name: str
    bytes: int
    bps: float
    samples: int
    error_pct: float


@dataclass(frozen=True)
class LocalFigures:
    """The territory's figures and the view they were read from (``border`` or
    ``exchange``, see :func:`lakou.flows.enrich.exporter_view`)."""

    territories: list[str]
    view: str
    local_bytes: int
    territory_bytes: int
    local_share: float | None
    local_share_error_pct: float | None
    trombone_bytes: int
    bytes_by_link_role: dict[str, int]


@dataclass(frozen=True)
class InviteRow:
    """A foreign origin AS and the bytes it exchanges with the territory."""

    asn: int
    bytes_to_territory: int
    bytes_from_territory: int


@dataclass(frozen=True)
class TransitSaving:
    """The transit cost avoided per year (Internet Society's formula)."""

    peak_ixp_mbps: float
    transit_price_per_mbps_month: float
    ixp_port_price_per_mbps_month: float
    per_year: float
    currency: str


@dataclass(frozen=True)
class TrafficReport:
    """Every figure of one report; ``level`` is the store level the sums were read from
    (minute, hour or day)."""

    period: Period
    totals: Totals
    members: list[MemberRate]
    matrix: list[MatrixCell]
    local: LocalFigures
    invite: list[InviteRow]
    transit_cost_avoided: TransitSaving
    level: str = ""

    @property
    def has_exchange_traffic(self) -> bool:
        return bool(self.totals.ixp_member_to_member_bytes)

    @property
    def matrix_samples(self) -> int:
        return sum(c.samples for c in self.matrix)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape: one key per field, the parts as nested objects."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {
            key: dataclasses.asdict(value)
            if dataclasses.is_dataclass(value) and not isinstance(value, type)
            else [dataclasses.asdict(v) for v in value]
            if isinstance(value, list)
            else value
            for key, value in out.items()
        }
