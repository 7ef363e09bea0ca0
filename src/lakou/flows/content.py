"""Content locality by traffic: of the territory's bytes with the big content and CDN
networks, the share served from addresses in the territory rather than from abroad.

The Internet Society's Pulse measure counts popular *websites* hosted in a country; this
counts *bytes*, from the flow store. A row of the store is content traffic when one end's
origin AS is a content network (``flows.content_networks``: Google, Meta, Netflix,
Akamai, Cloudflare, Amazon, Microsoft, Apple...) and the other end is in the territory.
It is served locally when the content end's address is in the territory (a cache at the
exchange, or one the territory index places here) or it arrived on an interface whose
role is ``cache``; otherwise it came from abroad. Caches embedded in a member's network
usually carry the member's addresses: declare their prefixes with the content network's
ASN (``territory.declarations``, ``asn:``) so the index gives them that origin.

As in :mod:`lakou.flows.metrics`, each byte is counted once: the border exporters' view,
or the exchange's when no border exports in the period. Per network: bytes served here,
bytes from abroad, the local share with its 95 % error (from the number of samples);
the networks are ranked by bytes from abroad, the traffic a cache of theirs would keep
in the territory.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa

from lakou.flows.config import Config
from lakou.flows.enrich import EXPORTER_BORDER, EXPORTER_EXCHANGE, ROLES, exporter_view
from lakou.flows.metrics import error_pct
from lakou.flows.reporting import choose_level
from lakou.flows.store import FlowStore


def _share(local: float, total: float, samples: int) -> dict[str, Any]:
    share = local / total if total else None
    return {
        "local_share": None if share is None else round(share, 4),
        "local_share_error_pct": round(error_pct(samples), 2) if samples else None,
    }


def content_locality(
    table: pa.Table, networks: Mapping[int, str], local_territories: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The content-locality figures of per-bucket sums (the store's ``fetch`` rows).

    ``local_territories``: the territory codes counted as local (empty: every code the
    rows name, as the local-share report does).
    """
    n = table.num_rows
    if n == 0:
        return {"networks": [], "bytes": 0, "local_bytes": 0, "abroad_bytes": 0,
                **_share(0, 0, 0), "view": None}  # fmt: skip
    col = {name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names}
    stored = (
        table.column("exporter_role").fill_null(0).to_numpy(zero_copy_only=False).astype(np.int64)
        if "exporter_role" in col
        else np.zeros(n, np.int64)
    )
    role = exporter_view(stored, col["source"].astype(np.int64))
    border = role == EXPORTER_BORDER
    view = border if border.any() else role == EXPORTER_EXCHANGE
    src_t, dst_t = col["src_territory"].astype(object), col["dst_territory"].astype(object)
    names = sorted({t for t in np.concatenate([src_t, dst_t]) if t})
    local = set(local_territories or names)
    src_local = np.array([t in local for t in src_t], dtype=bool)
    dst_local = np.array([t in local for t in dst_t], dtype=bool)
    src_o, dst_o = col["src_origin"].astype(np.int64), col["dst_origin"].astype(np.int64)
    content = np.array(sorted(networks), dtype=np.int64)
    src_c, dst_c = np.isin(src_o, content), np.isin(dst_o, content)
    from_cache = col["in_role"].astype(np.int64) == ROLES["cache"]
    nbytes = col["bytes"].astype(np.float64)
    samples = col["samples"].astype(np.int64)
    # content -> territory (downloads) and territory -> content (requests, uploads)
    down = view & src_c & dst_local
    up = view & dst_c & src_local & ~down
    asn = np.where(down, src_o, dst_o)
    served_here = np.where(down, src_local | from_cache, dst_local)
    rows = down | up
    per: dict[int, list[float]] = {}
    for a, b, k, here in zip(
        asn[rows], nbytes[rows], samples[rows], served_here[rows], strict=True
    ):
        cell = per.setdefault(int(a), [0.0, 0.0, 0, 0])
        cell[0 if here else 1] += b
        cell[2 if here else 3] += int(k)
    out = []
    for a, (here, abroad, k_here, _k_abroad) in per.items():
        out.append(
            {
                "asn": a,
                "name": networks.get(a, f"AS{a}"),
                "local_bytes": int(here),
                "abroad_bytes": int(abroad),
                "bytes": int(here + abroad),
                **_share(here, here + abroad, int(k_here)),
            }
        )
    out.sort(key=lambda r: (-r["abroad_bytes"], -r["bytes"], r["asn"]))
    local_bytes = sum(r["local_bytes"] for r in out)
    abroad_bytes = sum(r["abroad_bytes"] for r in out)
    local_samples = int(samples[rows & served_here].sum())
    return {
        "networks": out,
        "bytes": local_bytes + abroad_bytes,
        "local_bytes": local_bytes,
        "abroad_bytes": abroad_bytes,
        **_share(local_bytes, local_bytes + abroad_bytes, local_samples),
        "view": "border" if border.any() else "exchange",
    }


def content_locality_report(
    store: FlowStore, config: Config, since: int, until: int, now: int | None = None
) -> dict[str, Any]:
    """Content locality over ``since``..``until`` read from ``store`` (the level the
    flow reports would use for that period), with the period and the level named."""
    now = int(time.time()) if now is None else now
    level, bucket = choose_level(config, since, now)
    table = store.fetch(level, since, until, bucket)
    report = content_locality(table, config.content_networks, tuple(config.local_territories))
    report["period"] = {"since": since, "until": until, "level": level}
    return report
