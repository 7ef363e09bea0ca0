"""The local-traffic figures, computed from the store's per-bucket sums.

Definitions (field guide, "Local-traffic metrics"):
- member rates: bits per second each member sends into (out) and receives from (in) the
  exchange, averaged over the period, and the 95th percentile of the per-bucket rates
  (5-minute buckets by default, empty buckets count as zero, as in burstable billing);
- member x member matrix: bytes from one member to another across the exchange, with the
  95% error of a sampled estimate, 196·sqrt(1/c) % for a cell built from c samples;
- local share: bytes whose source and destination are both in the territory, plus bytes
  served from in-territory caches, over all bytes to or from the territory;
- trombone bytes: bytes between two local addresses that crossed a transit link;
- networks to invite: foreign origin ASes exchanging the most bytes with the territory;
- transit cost avoided (Internet Society): peak exchange traffic in Mb/s x (transit price
  - exchange port cost, per Mb/s per month) x 12.
Each byte is counted once per view. Traffic between members crosses the exchange switch
(sFlow) and often a member's border router too (NetFlow/IPFIX): adding both would count
it twice. So the exchange view (member rates, the matrix, the exchange's traffic and peak,
the transit cost avoided) reads only records from exchange exporters, and the territory
view (local share, trombones, networks to invite, bytes per link role) reads only records
from border exporters, or the exchange's records when no border exports in the period (an
exchange with only its switch's sFlow still sees the local share of what crosses it). The
report names the view it used (``local.view``).
Every figure is computed with numpy from the fetched sums, so both stores (DuckDB,
ClickHouse) give the same report from the same rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from lakou.flows.enrich import (
    EXPORTER_BORDER,
    EXPORTER_EXCHANGE,
    ROLE_NAMES,
    ROLES,
    exporter_view,
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


@dataclass
class ReportInputs:
    since: int
    until: int
    bucket: int
    local_territories: tuple[str, ...] = ()
    member_names: dict[int, str] = field(default_factory=dict)
    transit_price: float = 20.0
    port_price: float = 2.0
    currency: str = "USD"
    top: int = 20
    level: str = ""  # the store level the sums come from, named in the report


def error_pct(samples: int) -> float:
    """95% relative error of a sampled byte count built from ``samples`` samples."""
    return 196.0 * math.sqrt(1.0 / samples) if samples > 0 else float("inf")


def compute(table: pa.Table, inp: ReportInputs) -> TrafficReport:
    cols = {
        name: table.column(name).fill_null(0).to_numpy(zero_copy_only=False)
        if name == "exporter_role"
        else table.column(name).to_numpy(zero_copy_only=False)
        for name in table.column_names
    }
    return _compute(cols, inp) if table.num_rows else _empty(inp)


def _empty(inp: ReportInputs) -> TrafficReport:
    return _compute({}, inp)


def _compute(c: dict[str, np.ndarray], inp: ReportInputs) -> TrafficReport:
    n = len(c.get("bucket", []))
    get = lambda k, dt: c[k].astype(dt) if n else np.zeros(0, dt)  # noqa: E731
    bucket = get("bucket", np.int64)
    source = get("source", np.int64)
    src_m, dst_m = get("src_member", np.int64), get("dst_member", np.int64)
    nbytes = get("bytes", np.float64)
    samples = get("samples", np.int64)
    in_role, out_role = get("in_role", np.int64), get("out_role", np.int64)
    src_t = c["src_territory"].astype(object) if n else np.zeros(0, object)
    dst_t = c["dst_territory"].astype(object) if n else np.zeros(0, object)
    src_o, dst_o = get("src_origin", np.int64), get("dst_origin", np.int64)
    stored = c["exporter_role"] if n and "exporter_role" in c else np.zeros(n, np.int64)
    role = exporter_view(stored.astype(np.int64), source)

    start = inp.since // inp.bucket * inp.bucket
    if n:
        start = max(start, int(bucket.min()))
        end = min(inp.until, int(bucket.max()) + inp.bucket)
    else:
        end = start
    nb = max(0, (end - start + inp.bucket - 1) // inp.bucket)
    slot = ((bucket - start) // inp.bucket).astype(np.int64) if n else bucket
    seconds = nb * inp.bucket

    ixp = role == EXPORTER_EXCHANGE
    border = role == EXPORTER_BORDER
    view = border if border.any() else ixp
    members: dict[int, MemberRate] = {}
    for asn in sorted({int(x) for x in np.concatenate([src_m[ixp], dst_m[ixp]]) if x}):
        out_series = np.bincount(slot[ixp & (src_m == asn)], nbytes[ixp & (src_m == asn)], nb)
        in_series = np.bincount(slot[ixp & (dst_m == asn)], nbytes[ixp & (dst_m == asn)], nb)
        members[asn] = MemberRate(
            asn=asn,
            name=inp.member_names.get(asn, f"AS{asn}"),
            out_bytes=int(out_series.sum()),
            in_bytes=int(in_series.sum()),
            out_bps=_rate(out_series.sum(), seconds),
            in_bps=_rate(in_series.sum(), seconds),
            out_p95_bps=_p95(out_series, inp.bucket),
            in_p95_bps=_p95(in_series, inp.bucket),
        )

    matrix: list[MatrixCell] = []
    both = ixp & (src_m != 0) & (dst_m != 0)
    pairs: dict[tuple[int, int], list[float]] = {}
    for s, d, b, k in zip(src_m[both], dst_m[both], nbytes[both], samples[both], strict=True):
        cell = pairs.setdefault((int(s), int(d)), [0.0, 0])
        cell[0] += b
        cell[1] += int(k)
    for (s, d), (b, k) in sorted(pairs.items()):
        matrix.append(
            MatrixCell(
                src=s,
                dst=d,
                src_name=inp.member_names.get(s, f"AS{s}"),
                dst_name=inp.member_names.get(d, f"AS{d}"),
                bytes=int(b),
                bps=_rate(b, seconds),
                samples=int(k),
                error_pct=round(error_pct(int(k)), 2),
            )
        )
    unattributed = float(nbytes[ixp & ((src_m == 0) | (dst_m == 0))].sum())

    names = sorted({t for t in np.concatenate([src_t, dst_t]) if t})
    local = set(inp.local_territories or names)
    src_local = np.array([t in local for t in src_t], dtype=bool) & view
    dst_local = np.array([t in local for t in dst_t], dtype=bool) & view
    from_cache = (in_role == ROLES["cache"]) & view
    touching = src_local | dst_local | from_cache
    local_bytes = float(nbytes[(src_local & dst_local) | (from_cache & dst_local)].sum())
    total_touching = float(nbytes[touching].sum())
    transit = (in_role == ROLES["transit"]) | (out_role == ROLES["transit"])
    trombone = float(nbytes[src_local & dst_local & transit].sum())
    local_samples = int(samples[(src_local & dst_local) | (from_cache & dst_local)].sum())

    foreign: dict[int, list[float]] = {}
    remote_src = dst_local & ~src_local & (src_o > 0)
    remote_dst = src_local & ~dst_local & (dst_o > 0)
    for asn, b in zip(src_o[remote_src], nbytes[remote_src], strict=True):
        foreign.setdefault(int(asn), [0.0, 0.0])[0] += b
    for asn, b in zip(dst_o[remote_dst], nbytes[remote_dst], strict=True):
        foreign.setdefault(int(asn), [0.0, 0.0])[1] += b
    invite = sorted(foreign.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))[: inp.top]

    ixp_series = np.bincount(slot[both], nbytes[both], nb) if nb else np.zeros(0)
    peak_mbps = float(ixp_series.max() * 8 / inp.bucket / 1e6) if len(ixp_series) else 0.0
    saving = peak_mbps * (inp.transit_price - inp.port_price) * 12

    roles: dict[str, int] = {}
    for r in sorted(set(in_role.tolist()) | set(out_role.tolist())):
        if r:
            roles[ROLE_NAMES[r]] = int(nbytes[view & ((in_role == r) | (out_role == r))].sum())

    return TrafficReport(
        period=Period(since=start, until=end, seconds=seconds, bucket=inp.bucket),
        totals=Totals(
            bytes=int(nbytes.sum()),
            samples=int(samples.sum()),
            ixp_bytes=int(nbytes[ixp].sum()),
            border_bytes=int(nbytes[border].sum()),
            ixp_member_to_member_bytes=int(nbytes[both].sum()),
            ixp_unattributed_bytes=int(unattributed),
        ),
        members=list(members.values()),
        matrix=matrix,
        local=LocalFigures(
            territories=sorted(local),
            view="border" if border.any() else "exchange",
            local_bytes=int(local_bytes),
            territory_bytes=int(total_touching),
            local_share=(local_bytes / total_touching) if total_touching else None,
            local_share_error_pct=round(error_pct(local_samples), 2) if local_samples else None,
            trombone_bytes=int(trombone),
            bytes_by_link_role=roles,
        ),
        invite=[
            InviteRow(asn=asn, bytes_to_territory=int(v[0]), bytes_from_territory=int(v[1]))
            for asn, v in invite
        ],
        transit_cost_avoided=TransitSaving(
            peak_ixp_mbps=round(peak_mbps, 6),
            transit_price_per_mbps_month=inp.transit_price,
            ixp_port_price_per_mbps_month=inp.port_price,
            per_year=round(saving, 2),
            currency=inp.currency,
        ),
        level=inp.level,
    )


def _rate(nbytes: float, seconds: int) -> float:
    return round(float(nbytes) * 8 / seconds, 3) if seconds else 0.0


def _p95(series: np.ndarray, bucket: int) -> float:
    if not len(series):
        return 0.0
    return round(float(np.percentile(series * 8 / bucket, 95)), 3)
