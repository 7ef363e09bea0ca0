"""The peering-LAN hygiene checks: findings per member from what the collector kept.

Each sampled control frame is attributed to the member whose port sent it: the port
named in the members file (switch address and ifIndex), else the port on which the
member's registered MAC was seen, else the member owning the frame's source MAC. Then:

- frames that are findings by themselves (spanning tree, CDP, LLDP, VTP/DTP, router
  advertisements and solicitations, DHCP, OSPF, IS-IS, PIM, ICMP redirects, forbidden
  ethertypes and multicast) are grouped per member and kind;
- ARP and neighbour advertisements are findings (``arp-foreign-address``,
  ``nd-foreign-address``) when they speak for an address the member was not assigned:
  spoofing or proxy-ARP;
- the MAC census gives ``foreign-mac`` (a MAC on a member's port that is not one of its
  registered MACs), ``too-many-macs`` (more MACs on a port than allowed) and
  ``broadcast-rate`` (estimated broadcast and multicast packets per second above the
  threshold).

Every finding carries its samples, first and last time seen, the decoded header of the
last frame as evidence and its estimated rate: samples x sampling rate / the period
observed (at least a minute), in packets per second.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Any

from lakou.lan import frames as k
from lakou.lan.watchlist import WatchedPort, Watchlist

FOREIGN_MAC = "foreign-mac"
TOO_MANY_MACS = "too-many-macs"
BROADCAST_RATE = "broadcast-rate"
ARP_FOREIGN_ADDRESS = "arp-foreign-address"
ND_FOREIGN_ADDRESS = "nd-foreign-address"
UNSPECIFIED = ("", "0.0.0.0", "::")


@dataclass(frozen=True)
class Thresholds:
    max_macs: int = 1  # per port, unless the port says otherwise
    broadcast_pps: float = 100.0  # estimated broadcast + multicast packets per second


@dataclass
class Finding:
    asn: int | None
    member: str
    port: str
    kind: str
    samples: int = 0
    packets: int = 0  # samples x sampling rate
    first_seen: int = 0
    last_seen: int = 0
    rate_pps: float = 0.0
    quarantine: bool = False
    evidence: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "asn": self.asn,
            "member": self.member,
            "port": self.port,
            "kind": self.kind,
            "samples": self.samples,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "rate_pps": round(self.rate_pps, 3),
            "quarantine": self.quarantine,
            "evidence": self.evidence,
        }


@dataclass
class _Attribution:
    """Ports to members: from the members file, and learned from registered MACs."""

    watchlist: Watchlist
    learned: dict[tuple[str, int], WatchedPort] = field(default_factory=dict)

    @classmethod
    def from_census(cls, watchlist: Watchlist, macs: list[dict[str, Any]]) -> _Attribution:
        seen: dict[tuple[str, int], set[int]] = defaultdict(set)
        owner: dict[tuple[str, int], WatchedPort] = {}
        for row in macs:
            port = watchlist.by_mac.get(row["src_mac"])
            if port is not None:
                key = (row["exporter"], int(row["in_if"]))
                seen[key].add(port.asn)
                owner[key] = port
        learned = {key: owner[key] for key, asns in seen.items() if len(asns) == 1}
        return cls(watchlist, learned)

    def port(self, exporter: str, in_if: int, src_mac: str) -> WatchedPort | None:
        listed = self.watchlist.by_port.get((exporter, in_if))
        return listed or self.learned.get((exporter, in_if)) or self.watchlist.by_mac.get(src_mac)


def _frame_kind(row: dict[str, Any], port: WatchedPort | None, wl: Watchlist) -> str | None:
    kind = str(row["kind"])
    if kind not in (k.ARP, k.NEIGHBOUR_ADVERTISEMENT):
        return kind
    address = str(row["address"] or "")
    if address in UNSPECIFIED:  # an ARP probe or an unparsed one: says nothing for anyone
        return None
    if kind == k.NEIGHBOUR_ADVERTISEMENT and ip_address(address).is_link_local:
        return None  # every router answers for its own fe80:: address; none is assigned
    if port is not None and address in wl.addresses.get(port.asn, set()):
        return None
    return ARP_FOREIGN_ADDRESS if kind == k.ARP else ND_FOREIGN_ADDRESS


def find(
    watchlist: Watchlist,
    frames: list[dict[str, Any]],
    macs: list[dict[str, Any]],
    thresholds: Thresholds | None = None,
) -> list[Finding]:
    """All findings, per member (``asn`` None when no member could be named), and kind."""
    thresholds = thresholds or Thresholds()
    attribution = _Attribution.from_census(watchlist, macs)
    times = [int(r["first_seen"]) for r in macs] + [int(r["last_seen"]) for r in macs]
    times += [int(r["time"]) for r in frames]
    period = max(60, (max(times) - min(times) + 1) if times else 60)
    found: dict[tuple[Any, ...], Finding] = {}

    def finding(port: WatchedPort | None, label: str, kind: str) -> Finding:
        key = (port.asn if port else None, label if port is None else port.label, kind)
        if key not in found:
            found[key] = Finding(
                asn=port.asn if port else None,
                member=port.name if port else "",
                port=port.label if port else label,
                kind=kind,
                quarantine=bool(port and port.quarantine),
            )
        return found[key]

    for row in frames:
        port = attribution.port(row["exporter"], int(row["in_if"]), row["src_mac"])
        kind = _frame_kind(row, port, watchlist)
        if kind is None:
            continue
        f = finding(port, f"{row['exporter']}:{row['in_if']}", kind)
        _count(f, int(row["time"]), int(row["time"]), 1, int(row["sampling_rate"]))
        evidence = json.loads(row["evidence"])
        evidence["in_if"] = int(row["in_if"])
        evidence["switch"] = row["exporter"]
        if kind in (ARP_FOREIGN_ADDRESS, ND_FOREIGN_ADDRESS):
            addresses = set(f.evidence.get("addresses", []))
            addresses.add(str(row["address"]))
            evidence["addresses"] = sorted(addresses)
            owner = watchlist.owner_of(str(row["address"]))
            if owner is not None:
                owners = set(f.evidence.get("address_owners", [])) | {owner}
                evidence["address_owners"] = sorted(owners)
        f.evidence = evidence

    _census_findings(attribution, macs, thresholds, period, finding)
    out = list(found.values())
    for f in out:
        f.rate_pps = f.packets / period
    out.sort(key=lambda f: (f.asn is None, f.asn or 0, f.kind, f.port))
    return out


def _count(f: Finding, first: int, last: int, samples: int, packets: int) -> None:
    f.first_seen = min(f.first_seen, first) if f.samples else first
    f.last_seen = max(f.last_seen, last)
    f.samples += samples
    f.packets += packets


def _census_findings(
    attribution: _Attribution,
    macs: list[dict[str, Any]],
    thresholds: Thresholds,
    period: int,
    finding: Any,
) -> None:
    per_port: dict[tuple[str, int], dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for row in macs:
        per_port[(row["exporter"], int(row["in_if"]))][row["src_mac"]].append(row)
    wl = attribution.watchlist
    for (exporter, in_if), by_mac in per_port.items():
        label = f"{exporter}:{in_if}"
        port = wl.by_port.get((exporter, in_if)) or attribution.learned.get((exporter, in_if))
        if port is None:
            # No member known on this port: each unknown MAC is a finding of its own.
            for mac, rows in by_mac.items():
                if mac not in wl.by_mac:
                    f = finding(None, label, FOREIGN_MAC)
                    _census_count(f, rows)
                    f.evidence = {
                        "switch": exporter,
                        "in_if": in_if,
                        "macs": sorted(set(f.evidence.get("macs", [])) | {mac}),
                    }
            continue
        registered = {m for p in wl.ports if p.asn == port.asn for m in p.macs}
        foreign = sorted(m for m in by_mac if m not in registered)
        for mac in foreign:
            f = finding(port, label, FOREIGN_MAC)
            _census_count(f, by_mac[mac])
            f.evidence = {"switch": exporter, "in_if": in_if, "macs": foreign}
        allowed = port.max_macs or thresholds.max_macs
        if len(by_mac) > allowed:
            f = finding(port, label, TOO_MANY_MACS)
            for rows in by_mac.values():
                _census_count(f, rows)
            f.evidence = {
                "switch": exporter,
                "in_if": in_if,
                "macs": sorted(by_mac),
                "allowed": allowed,
            }
        rows = [r for rs in by_mac.values() for r in rs]
        flood = sum(int(r["broadcast_packets"]) + int(r["multicast_packets"]) for r in rows)
        if flood / period > thresholds.broadcast_pps:
            f = finding(port, label, BROADCAST_RATE)
            flooding = [r for r in rows if r["broadcast_packets"] or r["multicast_packets"]]
            f.first_seen = min(int(r["first_seen"]) for r in flooding)
            f.last_seen = max(int(r["last_seen"]) for r in flooding)
            f.packets = flood
            # The census keeps packets, not samples, per destination kind: the samples
            # are the port's, the rate is the broadcast and multicast packets'.
            f.samples = sum(int(r["samples"]) for r in rows)
            f.evidence = {
                "switch": exporter,
                "in_if": in_if,
                "broadcast_packets": sum(int(r["broadcast_packets"]) for r in rows),
                "multicast_packets": sum(int(r["multicast_packets"]) for r in rows),
                "threshold_pps": thresholds.broadcast_pps,
            }


def _census_count(f: Finding, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        _count(f, int(r["first_seen"]), int(r["last_seen"]), int(r["samples"]), int(r["packets"]))
