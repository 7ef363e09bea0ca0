"""Attribute every decoded byte: to members, to origin networks, to places, to link roles.

Enrichment works on whole :class:`~lakou.flows.records.FlowBatch` columns with numpy:
- member of a frame: (VLAN, MAC) looked up among the members' configured MACs, then the
  MACs learned from traffic (a frame whose source IP is a member's peering-LAN address
  came from that member's router, so its source MAC is theirs), then MAC alone when the
  VLAN is unknown;
- origin AS and territory of each address: the territory component's
  :class:`~lakou.territory.index.PrefixIndex` (longest-prefix match, batched);
- role of the input and output interfaces of border flows (transit, ixp, private, cache)
  from configuration;
- role of the exporter: the exchange's switch or a member's border router (from
  configuration; unlisted sFlow agents are the exchange, NetFlow/IPFIX exporters borders),
  so the reports count each byte once per view (:mod:`lakou.flows.metrics`);
- renormalisation: bytes and packets times the sampling rate.
The result is an :class:`EnrichedBatch` of integer columns ready to aggregate.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from lakou.flows.records import SOURCE_SFLOW, FlowBatch, ip_to_halves, mac_to_int

if TYPE_CHECKING:
    from lakou.exchange import Exchange
    from lakou.flows.config import Config, Exporter, InterfaceRole
    from lakou.territory import PrefixIndex

ROLE_NONE = 0
ROLES = {"transit": 1, "ixp": 2, "private": 3, "cache": 4, "customer": 5}
ROLE_NAMES = {v: k for k, v in ROLES.items()} | {ROLE_NONE: ""}
EXPORTER_EXCHANGE = 1
EXPORTER_BORDER = 2
EXPORTER_ROLES = {"exchange": EXPORTER_EXCHANGE, "border": EXPORTER_BORDER}
_V4_MARK = np.uint64(0xFFFF)
U64 = npt.NDArray[Any]


@dataclass
class MemberTable:
    """Which member owns a MAC on a VLAN, and which peering-LAN address is whose."""

    by_vlan_mac: dict[tuple[int, int], int] = field(default_factory=dict)
    by_mac: dict[int, int] = field(default_factory=dict)
    by_lan_ip: dict[tuple[int, int], int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    learned: dict[tuple[int, int], int] = field(default_factory=dict)
    _keys: U64 = field(default_factory=lambda: np.zeros(0, np.uint64))
    _vals: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    _mac_keys: U64 = field(default_factory=lambda: np.zeros(0, np.uint64))
    _mac_vals: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    _lan_lo: U64 = field(default_factory=lambda: np.zeros(0, np.uint64))

    @classmethod
    def from_exchanges(cls, exchanges: Iterable[Exchange]) -> MemberTable:
        table = cls()
        for exchange in exchanges:
            lan_vlans = {lan.name: lan.vlan for lan in exchange.lans}
            for member in exchange.members:
                table.names[member.asn] = member.name
                for addr in member.addresses:
                    vlan = addr.vlan or lan_vlans.get(addr.lan) or 0
                    for mac in addr.macs:
                        table.add_mac(member.asn, mac, vlan)
                    for ip in (addr.ipv4, addr.ipv6):
                        if ip is not None:
                            table.by_lan_ip[ip_to_halves(ip)] = member.asn
        table.rebuild()
        return table

    def add_mac(self, asn: int, mac: str | int, vlan: int = 0) -> None:
        value = mac if isinstance(mac, int) else mac_to_int(mac)
        if vlan:
            self.by_vlan_mac[(vlan, value)] = asn
        self.by_mac.setdefault(value, asn)

    def rebuild(self) -> None:
        """Refresh the sorted lookup arrays after MACs were added or learned."""
        pairs = dict(self.learned)
        pairs.update(self.by_vlan_mac)  # configured MACs win over learned ones
        keys = np.array([(v << 48) | m for v, m in pairs], dtype=np.uint64)
        vals = np.array(list(pairs.values()), dtype=np.int64)
        order = np.argsort(keys)
        self._keys, self._vals = keys[order], vals[order]
        macs = {m: a for (_, m), a in self.learned.items()}
        macs.update(self.by_mac)
        mkeys = np.array(list(macs), dtype=np.uint64)
        mvals = np.array(list(macs.values()), dtype=np.int64)
        order = np.argsort(mkeys)
        self._mac_keys, self._mac_vals = mkeys[order], mvals[order]
        self._lan_lo = np.array(sorted({lo for _, lo in self.by_lan_ip}), dtype=np.uint64)

    def lookup(self, vlan: npt.NDArray[Any], mac: U64) -> npt.NDArray[np.int64]:
        """Member ASN per (VLAN, MAC), 0 when nobody claims the MAC."""
        out = _sorted_lookup(self._keys, self._vals, (vlan.astype(np.uint64) << 48) | mac)
        missing = out == 0
        if missing.any():
            out[missing] = _sorted_lookup(self._mac_keys, self._mac_vals, mac[missing])
        return out

    def learn(self, batch: FlowBatch) -> int:
        """Learn source MACs of frames sent from members' peering-LAN addresses."""
        if not len(self._lan_lo) or not len(batch):
            return 0
        candidates = np.nonzero(np.isin(batch["src_lo"], self._lan_lo) & (batch["src_mac"] > 0))
        learned = 0
        for i in candidates[0].tolist():
            key = (int(batch["src_hi"][i]), int(batch["src_lo"][i]))
            asn = self.by_lan_ip.get(key)
            pair = (int(batch["vlan"][i]), int(batch["src_mac"][i]))
            if asn and self.learned.get(pair) != asn and pair not in self.by_vlan_mac:
                self.learned[pair] = asn
                learned += 1
        if learned:
            self.rebuild()
        return learned


def _sorted_lookup(keys: U64, vals: npt.NDArray[np.int64], query: U64) -> npt.NDArray[np.int64]:
    if not len(keys):
        return np.zeros(len(query), dtype=np.int64)
    pos = np.searchsorted(keys, query)
    pos = np.minimum(pos, len(keys) - 1)
    hit = keys[pos] == query
    return np.where(hit, vals[pos], 0)


@dataclass
class InterfaceRoles:
    """Role of each (exporter, ifIndex) named in configuration."""

    keys: dict[tuple[int, int, int], int] = field(default_factory=dict)

    @classmethod
    def from_config(cls, roles: Iterable[InterfaceRole]) -> InterfaceRoles:
        table = cls()
        for r in roles:
            hi, lo = ip_to_halves(ip_address(r.exporter))
            table.keys[(hi, lo, r.ifindex)] = ROLES[r.role]
        return table

    def lookup(self, hi: U64, lo: U64, ifindex: npt.NDArray[Any]) -> npt.NDArray[np.uint8]:
        out = np.zeros(len(hi), dtype=np.uint8)
        if not self.keys:
            return out
        for (khi, klo, kif), role in self.keys.items():
            out[(hi == khi) & (lo == klo) & (ifindex == kif)] = role
        return out


def exporter_view(role: npt.NDArray[Any], source: npt.NDArray[Any]) -> npt.NDArray[np.uint8]:
    """The view each row belongs to: :data:`EXPORTER_EXCHANGE` or :data:`EXPORTER_BORDER`.

    The one rule, for enrichment and every report: a row's exporter role when it has one;
    otherwise (an exporter not listed in ``flows.exporters``, or a row written before
    exporters had roles, role 0) sFlow is the exchange's switch and NetFlow/IPFIX a
    member's border router."""
    by_protocol = np.where(source == SOURCE_SFLOW, EXPORTER_EXCHANGE, EXPORTER_BORDER)
    return np.where(role == 0, by_protocol, role).astype(np.uint8)


@dataclass
class ExporterRoles:
    """Exchange or border, per exporter address; unlisted ones go by their protocol."""

    by_address: dict[tuple[int, int], int] = field(default_factory=dict)

    @classmethod
    def from_config(cls, exporters: Iterable[Exporter]) -> ExporterRoles:
        return cls({ip_to_halves(ip_address(e.address)): EXPORTER_ROLES[e.role] for e in exporters})

    def lookup(self, hi: U64, lo: U64, source: npt.NDArray[Any]) -> npt.NDArray[np.uint8]:
        out = exporter_view(np.zeros(len(source), np.uint8), source)
        for (khi, klo), role in self.by_address.items():
            out[(hi == khi) & (lo == klo)] = role
        return out


@dataclass
class EnrichedBatch:
    """Integer columns of enriched flows, ready to aggregate."""

    columns: dict[str, npt.NDArray[Any]]

    def __len__(self) -> int:
        return len(self.columns["minute"])


@dataclass
class Enricher:
    members: MemberTable = field(default_factory=MemberTable)
    prefixes: PrefixIndex | None = None
    roles: InterfaceRoles = field(default_factory=InterfaceRoles)
    exporters: ExporterRoles = field(default_factory=ExporterRoles)
    local_territories: tuple[str, ...] = ()
    learn_macs: bool = True

    @classmethod
    def from_config(
        cls,
        config: Config,
        exchanges: Iterable[Exchange] = (),
        prefixes_file: str | Path | None = None,
    ) -> Enricher:
        """The enricher the ``flows`` section describes: the members and MACs of
        ``exchanges``, the prefix table ``prefixes_file`` (default ``flows.prefixes_file``;
        none: no origins or places), the interface and exporter roles, the local
        territories. Raises :class:`~lakou.territory.index.PrefixIndexError` (naming the
        file and line) or ``OSError`` when the prefix table cannot be read."""
        index = None
        prefixes_file = prefixes_file or config.prefixes_file or None
        if prefixes_file:
            from lakou.territory import read_prefix_table

            index = read_prefix_table(Path(prefixes_file))
        return cls(
            members=MemberTable.from_exchanges(exchanges),
            prefixes=index,
            roles=InterfaceRoles.from_config(config.interfaces),
            exporters=ExporterRoles.from_config(config.exporters),
            local_territories=tuple(config.local_territories),
            learn_macs=config.learn_macs,
        )

    def territory_names(self) -> list[str]:
        return list(self.prefixes.territory_names) if self.prefixes is not None else []

    def origins(self, hi: U64, lo: U64) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int16]]:
        """Origin AS (0: unknown) and territory code (-1: none) of each address."""
        n = len(hi)
        asn = np.zeros(n, dtype=np.int64)
        terr = np.full(n, -1, dtype=np.int16)
        if self.prefixes is None or n == 0:
            return asn, terr
        is_v4 = (hi == 0) & ((lo >> np.uint64(32)) == _V4_MARK)
        rows = np.full(n, -1, dtype=np.int64)
        if is_v4.any():
            rows[is_v4] = self.prefixes.lookup_v4(lo[is_v4] & np.uint64(0xFFFFFFFF))
        v6 = ~is_v4 & ((hi != 0) | (lo != 0))
        if v6.any():
            rows[v6] = self.prefixes.lookup_v6(hi[v6], lo[v6])
        hit = rows >= 0
        asn[hit] = np.maximum(self.prefixes.asn[rows[hit]], 0)
        terr[hit] = self.prefixes.territory_code[rows[hit]]
        return asn, terr

    def enrich(self, batch: FlowBatch) -> EnrichedBatch:
        if self.learn_macs:
            self.members.learn(batch)
        vlan = batch["vlan"].astype(np.uint16)
        src_member = self.members.lookup(vlan, batch["src_mac"].astype(np.uint64))
        dst_member = self.members.lookup(vlan, batch["dst_mac"].astype(np.uint64))
        src_origin, src_terr = self.origins(batch["src_hi"], batch["src_lo"])
        dst_origin, dst_terr = self.origins(batch["dst_hi"], batch["dst_lo"])
        # The exporter's own AS numbers (BGP-aware routers) fill what the index lacks.
        src_origin = np.where(src_origin == 0, batch["src_as"], src_origin)
        dst_origin = np.where(dst_origin == 0, batch["dst_as"], dst_origin)
        rate = np.maximum(batch["sampling_rate"], 1).astype(np.uint64)
        in_role = self.roles.lookup(batch["exporter_hi"], batch["exporter_lo"], batch["in_if"])
        out_role = self.roles.lookup(batch["exporter_hi"], batch["exporter_lo"], batch["out_if"])
        cols: dict[str, npt.NDArray[Any]] = {
            "minute": (batch["time"] // 60 * 60).astype(np.int64),
            "source": batch["source"],
            "exporter_hi": batch["exporter_hi"],
            "exporter_lo": batch["exporter_lo"],
            "exporter_role": self.exporters.lookup(
                batch["exporter_hi"], batch["exporter_lo"], batch["source"]
            ),
            "in_role": in_role,
            "out_role": out_role,
            "src_member": src_member,
            "dst_member": dst_member,
            "src_origin": src_origin.astype(np.int64),
            "dst_origin": dst_origin.astype(np.int64),
            "src_territory": src_terr,
            "dst_territory": dst_terr,
            "ip_version": np.where(batch["etype"] == 0x86DD, 6, 4).astype(np.uint8),
            "bytes": batch["bytes"].astype(np.uint64) * rate,
            "packets": batch["packets"].astype(np.uint64) * rate,
            "samples": np.ones(len(batch), dtype=np.uint64),
        }
        return EnrichedBatch(cols)
