"""DEMO DATA: a synthetic week of sFlow between the demo members, replayed through the real
collector pipeline into the flow store, so a newcomer sees the traffic pages filled.

Nothing here is measured. The week is made the way an exchange switch would report it:
sFlow v5 datagrams (the flow engine's own encoder, :mod:`lakou.flows.sflow_encode`) from each
switch's management address, one flow sample per sampled frame (Ethernet with the
members' MACs and the LAN's VLAN, IPv4 or IPv6 addresses taken from the members' real
prefixes), sampled 1 in :data:`SAMPLING_RATE`. The volume follows an evening-peaking
residential day (Atlantic time, UTC-4) with busier weekends; the number of samples per
minute is drawn from a Poisson law around it, so error bars behave as in real sampling.
Most bytes go between local members; the rest is content from foreign networks (their
real, well-known prefixes) handed over by one member that sells transit on each exchange,
so the local share lies strictly between 0 and 1 and the networks to invite are those
content networks. The datagrams then go through :class:`lakou.flows.pipeline.Pipeline`
(decode, enrich with the registry's MACs and VLANs, aggregate, store) like a capture
replay. Everything is seeded: the same end date gives the same store, byte for byte in
content.

Idempotent: the demo's store carries the flow store's demo marker (:data:`MARKER`,
which the portal reads through :func:`lakou.flows.read_demo_marker`); a run with the same week
and generator version leaves it alone, another week replaces it whole (built beside it,
then swapped), and a store the demo did not make is never touched. This module needs no
Django: it takes :class:`lakou.exchange.Exchange` objects (``lakou demo`` passes the
registry's view of the demo exchanges).
"""

from __future__ import annotations

import functools
import json
import shutil
import struct
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from ipaddress import ip_address, ip_network
from pathlib import Path
from typing import Any

import numpy as np

from lakou.demo.data import read_exchanges, read_table
from lakou.exchange import Exchange, Member
from lakou.flows import (
    DEMO_MARKER,
    Enricher,
    MemberTable,
    ParquetStore,
    Pipeline,
    Received,
    SampledFrame,
    flow_sample,
    read_demo_marker,
)
from lakou.territory import PrefixIndex

GENERATOR_VERSION = 1
MARKER = DEMO_MARKER  # the flow store's own demo marker (lakou.flows.read_demo_marker)
SEED = 20221001  # the day the first demo exchange opened
DAYS = 7
SAMPLING_RATE = 32768
SAMPLES_PER_DATAGRAM = 8
# Territories of the region: a demo prefix geolocated elsewhere (US, GB, NL...) is foreign.
REGION = ("MF", "BL", "SX", "GP", "MQ", "GF")
# Regional operators (networks.csv says "regional"): where the demo places their prefixes
# that registries geolocate to France or leave blank (Dauphin Telecom is in Saint-Martin,
# Canal+ Telecom in Guadeloupe, Digicel Antilles Françaises in Martinique).
HOME = {33392: "MF", 21351: "GP", 48252: "MQ", 262181: "SX"}
# The member that hands foreign content over each exchange (it sells transit there).
TRANSIT = {"demo-saint-martin": 33392, "demo-saint-barth": 33392, "demo-sint-maarten": 27781}
# Peak exchange traffic the demo aims at, in Mb/s (small territories, a few 10G ports).
PEAK_MBPS = {"demo-saint-martin": 320.0, "demo-sint-maarten": 200.0, "demo-saint-barth": 60.0}
# Of an exchange's bytes: content from abroad handed over by the transit member.
FOREIGN_SHARE = {"demo-saint-martin": 0.38, "demo-sint-maarten": 0.46, "demo-saint-barth": 0.31}
# Foreign content networks (real origin ASNs and well-known prefixes of theirs), with
# their share of the foreign bytes.
FOREIGN = (
    (15169, "142.250.0.0/15", "2607:f8b0::/32", 0.34),  # Google
    (32934, "157.240.0.0/16", "2a03:2880::/32", 0.24),  # Meta
    (2906, "45.57.0.0/17", "2a00:86c0::/32", 0.20),  # Netflix
    (13335, "104.16.0.0/13", "2606:4700::/32", 0.13),  # Cloudflare
    (20940, "23.32.0.0/11", "2a02:26f0::/32", 0.09),  # Akamai
)
# Share of peak traffic per local hour (a residential evening peak), 0..23 h.
PROFILE = (
    0.62, 0.45, 0.33, 0.26, 0.22, 0.22, 0.27, 0.36, 0.45, 0.52, 0.56, 0.59,
    0.62, 0.62, 0.61, 0.62, 0.66, 0.72, 0.80, 0.90, 0.97, 1.00, 0.93, 0.78,
)  # fmt: skip
UTC_OFFSET_HOURS = -4  # Atlantic Standard Time, all year in the Leeward Islands
BIG, SMALL = 1500, 78  # frame lengths: full data frames and acknowledgements
SMALL_SHARE = 0.35  # of the sampled frames (of the packets, not of the bytes)
IPV6_SHARE = 0.3


class DemoTrafficError(RuntimeError):
    """The demo traffic cannot be written; the message names the store and the cause."""


@dataclass
class DemoTraffic:
    """What :func:`load_demo_traffic` did: ``created``, ``unchanged`` or ``skipped``."""

    status: str
    store: Path
    since: int = 0
    until: int = 0
    datagrams: int = 0
    samples: int = 0
    reason: str = ""
    counters: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "store": str(self.store),
            "since": self.since,
            "until": self.until,
            "datagrams": self.datagrams,
            "samples": self.samples,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class _Flow:
    """One kind of sampled frame on one exchange, and its share of the exchange's frames."""

    agent: str
    sample: bytes
    weight: float


def default_end(now: float | None = None) -> int:
    """The demo's week ends at the last midnight UTC: a whole week of complete days."""
    now = time.time() if now is None else now
    return int(now) // 86400 * 86400


def prefix_rows(
    demo_prefixes: Sequence[dict[str, str]], networks: Sequence[dict[str, str]]
) -> list[tuple[str, int | None, str | None]]:
    """The demo's prefix table (prefix, origin AS, territory): the demo networks' prefixes
    placed in the region as the module's doc says, and the foreign content networks."""
    home = {int(n["asn"]): n["territory"] for n in networks}
    rows: list[tuple[str, int | None, str | None]] = []
    for row in demo_prefixes:
        asn, country = int(row["asn"]), row.get("country", "")
        place = home.get(asn, "")
        territory = country if country in REGION else None
        if territory is None and country in ("", "FR"):
            territory = place if place in REGION else HOME.get(asn)
        rows.append((row["prefix"], asn, territory))
    for asn, v4, v6, _share in FOREIGN:
        rows.extend([(v4, asn, None), (v6, asn, None)])
    return rows


def _host(prefix: str, n: int) -> str:
    net = ip_network(prefix)
    return str(net[min(n, net.num_addresses - 2)])


def _addresses(index_rows: Sequence[tuple[str, int | None, str | None]]) -> dict[int, list[str]]:
    """Per ASN: one local IPv4 prefix and one IPv6 prefix to take hosts from."""
    out: dict[int, list[str]] = {}
    for prefix, asn, territory in index_rows:
        if asn is None or territory is None:
            continue
        family = 0 if ":" not in prefix else 1
        slot = out.setdefault(asn, ["", ""])
        if not slot[family]:
            slot[family] = prefix
    return out


def _size(member: Member, rng: np.random.Generator) -> float:
    """How much traffic a member exchanges: its port speed, a member's own appetite, and
    next to nothing for the exchange's own infrastructure networks."""
    speed = sum(a.speed_mbps or 1000 for a in member.addresses) / 1000
    if member.member_type == "ixp":
        return 0.02
    return float(np.sqrt(speed) * rng.uniform(0.4, 1.6))


def _flows(exchange: Exchange, agents: dict[str, str], rng: np.random.Generator) -> list[_Flow]:
    """Every kind of frame the exchange carries in the demo, with its share of frames."""
    index_rows = prefix_rows(_demo_prefix_table(), _demo_networks())
    hosts = _addresses(index_rows)
    lan = {lan.name: lan.vlan for lan in exchange.lans}
    ports: dict[int, tuple[str, int, str, str]] = {}  # asn -> mac, vlan, agent, switch
    for member in exchange.members:
        for addr in member.addresses:
            if addr.macs:
                vlan = addr.vlan or lan.get(addr.lan) or 0
                agent = agents.get(addr.switch or "", next(iter(agents.values()), "192.0.2.254"))
                ports[member.asn] = (addr.macs[0], vlan, agent, addr.switch or "")
                break
    members = [m for m in exchange.members if m.asn in ports and m.asn in hosts]
    sizes = {m.asn: _size(m, rng) for m in members}
    ifindex = {m.asn: i + 1 for i, m in enumerate(members)}
    flows: list[_Flow] = []
    frames_per_byte = 1 / ((1 - SMALL_SHARE) * BIG + SMALL_SHARE * SMALL)

    def add(src: int, dst: int, src_ip: tuple[str, str], dst_ip: tuple[str, str], w: float) -> None:
        mac_s, vlan, agent, _sw = ports[src]
        mac_d = ports[dst][0]
        for family in (0, 1):
            if not (src_ip[family] and dst_ip[family]):
                continue
            share = (IPV6_SHARE if family else 1 - IPV6_SHARE) if src_ip[1] and dst_ip[1] else 1
            for length, part in ((BIG, 1 - SMALL_SHARE), (SMALL, SMALL_SHARE)):
                frame = SampledFrame(
                    src_mac=mac_s,
                    dst_mac=mac_d,
                    src_ip=src_ip[family],
                    dst_ip=dst_ip[family],
                    frame_length=length,
                    vlan=vlan,
                    src_port=443 if length == BIG else 50000 + ifindex[src],
                    dst_port=50000 + ifindex[dst] if length == BIG else 443,
                    sampling_rate=SAMPLING_RATE,
                    in_if=ifindex[src],
                    out_if=ifindex[dst],
                )
                flows.append(_Flow(agent, flow_sample(frame), w * share * part * frames_per_byte))

    def host(asn: int, n: int) -> tuple[str, str]:
        v4, v6 = hosts[asn]
        return (_host(v4, n) if v4 else "", _host(v6, n) if v6 else "")

    transit = TRANSIT.get(exchange.slug)
    foreign_share = FOREIGN_SHARE.get(exchange.slug, 0.4) if transit in sizes else 0.0
    local_total = sum(sizes[a] * sizes[b] for a in sizes for b in sizes if a != b) or 1.0
    for a in members:
        for b in members:
            if a.asn != b.asn:
                weight = (1 - foreign_share) * sizes[a.asn] * sizes[b.asn] / local_total
                add(a.asn, b.asn, host(a.asn, 10 + ifindex[b.asn]), host(b.asn, 20), weight)
    if transit in sizes:
        others = [m.asn for m in members if m.asn != transit]
        eyeballs = sum(sizes[a] for a in others) or 1.0
        for _asn, v4, v6, share in FOREIGN:
            for dst in others:
                weight = foreign_share * share * sizes[dst] / eyeballs
                far = (_host(v4, 1000 + ifindex[dst]), _host(v6, 1000 + ifindex[dst]))
                # content in; requests and acknowledgements out, a few percent of the bytes
                add(transit, dst, far, host(dst, 30), weight * 0.96)
                add(dst, transit, host(dst, 30), far, weight * 0.04)
    return flows


def _demo_prefix_table() -> list[dict[str, str]]:
    return read_table("prefixes.csv")


def _demo_networks() -> list[dict[str, str]]:
    return read_table("networks.csv")


def switch_agents() -> dict[str, dict[str, str]]:
    """Per demo exchange: switch name -> management address (the sFlow agent)."""
    return {
        spec["slug"]: {
            sw["name"]: str(sw["management_ip"])
            for sw in spec.get("switches", [])
            if sw.get("management_ip")
        }
        for spec in read_exchanges()
    }


def _minute_profile(since: int, minutes: int, rng: np.random.Generator) -> np.ndarray:
    """Share of the peak rate for each minute of the week (local time of day, weekends,
    a little day-to-day variation)."""
    t = since + 60 * np.arange(minutes)
    local = t + UTC_OFFSET_HOURS * 3600
    hour = (local % 86400) / 3600.0
    profile = np.interp(hour, np.arange(25), [*PROFILE, PROFILE[0]])
    day = (local // 86400).astype(np.int64)
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday (3)
    weekend = np.where(weekday >= 5, 1.08, 1.0)
    daily = rng.uniform(0.93, 1.05, size=int(day.max() - day.min()) + 1)[day - day.min()]
    return np.asarray(profile * weekend * daily)


def datagrams(
    exchanges: Sequence[Exchange],
    agents: dict[str, dict[str, str]],
    since: int,
    until: int,
    seed: int = SEED,
) -> Iterator[list[Received]]:
    """The week's sFlow datagrams, a day at a time (every exchange, in time order)."""
    minutes = (until - since) // 60
    plans = []
    for n, exchange in enumerate(sorted(exchanges, key=lambda e: e.slug)):
        rng = np.random.default_rng([seed, n])
        flows = _flows(exchange, agents.get(exchange.slug, {}), rng)
        if not flows:
            continue
        weights = np.array([f.weight for f in flows])
        peak = PEAK_MBPS.get(exchange.slug, 100.0) * 1e6
        # frames per minute at the peak, then samples: rate x 60 s / 8 x frames/byte / N
        per_minute_at_peak = peak * 60 / 8 / SAMPLING_RATE
        profile = _minute_profile(since, minutes, rng)
        plans.append((exchange, flows, weights * per_minute_at_peak, profile, rng))
    sequence: dict[str, int] = {}
    for day_start in range(since, until, 86400):
        batch: list[Received] = []
        first = (day_start - since) // 60
        last = min(minutes, first + 1440)
        for _exchange, flows, lam, profile, rng in plans:
            counts = rng.poisson(np.outer(profile[first:last], lam))
            for row in range(last - first):
                when = float(since + 60 * (first + row) + 30)
                picked = np.repeat(np.arange(len(flows)), counts[row])
                by_agent: dict[str, list[bytes]] = {}
                for i in picked.tolist():
                    by_agent.setdefault(flows[i].agent, []).append(flows[i].sample)
                for agent, samples in by_agent.items():
                    for k in range(0, len(samples), SAMPLES_PER_DATAGRAM):
                        chunk = samples[k : k + SAMPLES_PER_DATAGRAM]
                        sequence[agent] = sequence.get(agent, 0) + 1
                        batch.append(
                            Received(_datagram(agent, chunk, sequence[agent]), agent, when)
                        )
        yield batch


@functools.cache
def _agent_bytes(agent: str) -> bytes:
    return ip_address(agent).packed


def _datagram(agent: str, samples: list[bytes], sequence: int) -> bytes:
    """An sFlow v5 datagram header (IPv4 agent, sub-agent 0, uptime in ms) and samples."""
    head = struct.pack(
        "!II4sIIII", 5, 1, _agent_bytes(agent), 0, sequence, sequence * 1000, len(samples)
    )
    return head + b"".join(samples)


def read_marker(store: Path) -> dict[str, Any] | None:
    """The demo's note in a flow store (generator, week, samples), or None for real data."""
    return read_demo_marker(store)


def replay_demo_traffic(
    store_dir: Path, exchanges: Sequence[Exchange], since: int, until: int, seed: int = SEED
) -> tuple[int, dict[str, int]]:
    """Make the demo's sFlow for ``[since, until)`` and replay it through the collector's
    pipeline into the Parquet store ``store_dir``; returns (datagrams, pipeline counters).
    Only the demo exchanges among ``exchanges`` send traffic."""
    demo_exchanges = [e for e in exchanges if e.slug in TRANSIT]
    pipeline = Pipeline(
        enricher=Enricher(
            members=MemberTable.from_exchanges(demo_exchanges),
            prefixes=PrefixIndex.from_rows(
                prefix_rows(_demo_prefix_table(), _demo_networks()), source="demo prefixes"
            ),
        ),
        store=ParquetStore(Path(store_dir)),
    )
    sent = 0
    for day in datagrams(demo_exchanges, switch_agents(), since, until, seed):
        pipeline.process(day)
        sent += len(day)
        pipeline.flush()  # a file per day partition, memory bounded by a day
    return sent, dict(pipeline.counters)


def load_demo_traffic(
    store_dir: Path,
    exchanges: Sequence[Exchange],
    end: int | None = None,
    seed: int = SEED,
    days: int = DAYS,
) -> DemoTraffic:
    """Fill ``store_dir`` with the demo's ``days`` (a week) ending at ``end`` (default: the
    last midnight UTC).

    Idempotent (see the module's doc); raises :class:`DemoTrafficError` when the store
    cannot be written.
    """
    store_dir = Path(store_dir)
    until = default_end() if end is None else int(end) // 60 * 60
    since = until - int(days) * 86400
    marker = read_marker(store_dir)
    if store_dir.exists() and any(store_dir.iterdir()) and marker is None:
        return DemoTraffic(
            "skipped",
            store_dir,
            reason="the flow store holds data the demo did not make; left untouched",
        )
    wanted = {"generator": "lakou demo", "version": GENERATOR_VERSION, "seed": seed}
    wanted |= {"since": since, "until": until}
    if marker is not None and all(marker.get(k) == v for k, v in wanted.items()):
        return DemoTraffic(
            "unchanged",
            store_dir,
            since,
            until,
            int(marker.get("datagrams", 0)),
            int(marker.get("samples", 0)),
        )
    staging = store_dir.with_name(f".{store_dir.name}.demo-new")
    old = store_dir.with_name(f".{store_dir.name}.demo-old")
    try:
        for leftover in (staging, old):
            if leftover.exists():
                shutil.rmtree(leftover)
        staging.mkdir(parents=True)
        sent, counters = replay_demo_traffic(staging, exchanges, since, until, seed)
        note: dict[str, Any] = wanted | {
            "datagrams": sent,
            "samples": counters.get("sflow_samples", 0),
            "made": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "note": "DEMO DATA: synthetic sFlow made by `lakou demo`, not measured traffic.",
        }
        (staging / MARKER).write_text(json.dumps(note, indent=2) + "\n", encoding="utf-8")
        if store_dir.exists():
            store_dir.rename(old)
        staging.rename(store_dir)
        if old.exists():
            shutil.rmtree(old)
    except OSError as exc:
        raise DemoTrafficError(f"{store_dir}: {exc}") from None
    return DemoTraffic(
        "created",
        store_dir,
        since,
        until,
        sent,
        int(note["samples"]),
        counters=counters,
    )
