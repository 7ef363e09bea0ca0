"""Who may send what on the peering LAN: members' ports, MACs, addresses, quarantine.

The hygiene checks attribute each sampled frame to a member, by its port (switch address
and ifIndex, when the members file gives them) or else by its source MAC (and VLAN), and
compare it with what that member was assigned: its MACs, its IPv4/IPv6 addresses on the
LAN, how many MACs its port may show. A port or MAC marked ``quarantine`` is a new one
being watched before it is moved to production.

Members come from the members files of :mod:`lakou.flows.members` (YAML, CSV, IX-F
JSON), read here with the few keys the checks add: in YAML ``quarantine: true``,
``switch`` (the sFlow agent address), ``if_index`` and ``max_macs``; in CSV the columns
``quarantine``, ``switch`` and ``if_index``; in IX-F JSON a connection whose ``state`` is
``quarantine``. Or from the registry (:mod:`lakou.registry.lan_view`), where a
connection's state says quarantine.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from typing import Any

from lakou.flows import MembersFileError, int_to_mac, load_members, mac_to_int
from lakou.i18n import gettext as _
from lakou.inputs import load_yaml


@dataclass(frozen=True)
class WatchedPort:
    """A member's presence on the peering LAN, as the checks see it."""

    asn: int
    name: str
    vlan: int | None = None
    macs: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    switch: str | None = None
    if_index: int | None = None
    quarantine: bool = False
    max_macs: int | None = None

    @property
    def label(self) -> str:
        if self.switch and self.if_index is not None:
            return f"{self.switch}:{self.if_index}"
        return ",".join(self.macs) or f"AS{self.asn}"


@dataclass
class Watchlist:
    ports: list[WatchedPort] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.by_port = {
            (p.switch, p.if_index): p for p in self.ports if p.switch and p.if_index is not None
        }
        self.by_mac: dict[str, WatchedPort] = {}
        for p in self.ports:
            for m in p.macs:
                self.by_mac.setdefault(m, p)
        self.addresses: dict[int, set[str]] = {}
        for p in self.ports:
            self.addresses.setdefault(p.asn, set()).update(p.addresses)
        self.names = {p.asn: p.name for p in self.ports}

    def port_of(self, exporter: str, in_if: int, src_mac: str) -> WatchedPort | None:
        """The member port a frame came in on: by switch port, else by source MAC."""
        return self.by_port.get((exporter, in_if)) or self.by_mac.get(src_mac)

    def owner_of(self, address: str) -> int | None:
        for asn, addresses in self.addresses.items():
            if address in addresses:
                return asn
        return None


def _mac(value: Any, where: str) -> str:
    try:
        number = mac_to_int(str(value))
    except ValueError:
        number = -1
    if not 0 < number < 1 << 48:
        raise MembersFileError(f"{where}: {value!r}: " + _("not a MAC address"))
    return int_to_mac(number)


def _flag(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in ("", "0", "false", "no", "production", "active"):
        return False
    if text in ("1", "true", "yes", "quarantine"):
        return True
    raise MembersFileError(f"{where}: quarantine: {value!r}: " + _("use true or false"))


def _int(value: Any, where: str, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise MembersFileError(f"{where}: {name}: {value!r}: " + _("not a number")) from None


def _switch(value: Any, where: str) -> str | None:
    if value in (None, ""):
        return None
    try:
        return str(ip_address(str(value)))
    except ValueError:
        raise MembersFileError(
            f"{where}: switch: {value!r}: " + _("the sFlow agent address of the switch")
        ) from None


def load_watchlist(path: str | Path) -> Watchlist:
    """The members file as ports to watch; errors name the file and the place."""
    path = Path(path)
    exchanges = load_members(path)  # validates the common part, with its messages
    extras: dict[tuple[int, int], dict[str, Any]] = {}
    suffix = path.suffix.lower()
    if suffix == ".csv":
        extras = _csv_extras(path)
    elif suffix == ".json":
        extras = _ixf_extras(path)
    else:
        extras = _yaml_extras(path)
    ports = []
    for exchange in exchanges:
        for position, member in enumerate(exchange.members):
            for i, a in enumerate(member.addresses):
                extra = extras.get((position, i), {})
                addresses = tuple(str(x) for x in (a.ipv4, a.ipv6) if x is not None)
                ports.append(
                    WatchedPort(
                        asn=member.asn,
                        name=member.name,
                        vlan=a.vlan,
                        macs=tuple(_mac(m, f"{path}: AS{member.asn}") for m in a.macs),
                        addresses=addresses,
                        **extra,
                    )
                )
    return Watchlist(ports)


# Extras are keyed by (member's position in the file, address's position in the member),
# the order in which lakou.flows.members builds them.
def _yaml_extras(path: Path) -> dict[tuple[int, int], dict[str, Any]]:
    data = load_yaml(path.read_bytes())
    if isinstance(data, dict):
        data = data.get("members", [])
    out = {}
    for i, item in enumerate(data or []):
        where = f"{path}: members[{i}]"
        out[(i, 0)] = {
            "switch": _switch(item.get("switch"), where),
            "if_index": _int(item.get("if_index"), where, "if_index"),
            "quarantine": _flag(item.get("quarantine"), where),
            "max_macs": _int(item.get("max_macs"), where, "max_macs"),
        }
    return out


def _csv_extras(path: Path) -> dict[tuple[int, int], dict[str, Any]]:
    reader = csv.DictReader(path.read_text(encoding="utf-8").splitlines())
    keys: dict[int, list[tuple[Any, ...]]] = {}
    out: dict[tuple[int, int], dict[str, Any]] = {}
    for line, row in enumerate(reader, start=2):
        asn = int(row["asn"])
        vlan = int(row["vlan"]) if row.get("vlan") else None
        key = (vlan, row.get("ipv4") or None, row.get("ipv6") or None)
        seen = keys.setdefault(asn, [])  # members in order of their first line
        if key not in seen:
            seen.append(key)
        position = list(keys).index(asn)
        where = f"{path}:{line}"
        extra = {
            "switch": _switch(row.get("switch"), where),
            "if_index": _int(row.get("if_index"), where, "if_index"),
            "quarantine": _flag(row.get("quarantine"), where),
        }
        slot = out.setdefault((position, seen.index(key)), extra)
        # A port is in quarantine when any of its lines says so.
        slot["quarantine"] = slot["quarantine"] or extra["quarantine"]
    return out


def _ixf_extras(path: Path) -> dict[tuple[int, int], dict[str, Any]]:
    """A connection in the state ``quarantine`` puts its addresses' ports in quarantine
    (the document read by :mod:`lakou.ixf`, in the order ``members_exchange`` keeps)."""
    from lakou import ixf

    document = ixf.load(
        path.read_text(encoding="utf-8"), ixf.ImportReport(), complete=False, duplicates="keep"
    )
    out = {}
    for position, member in enumerate(document.members):
        i = 0
        for conn in member.connections:
            quarantine = conn.state.lower() == "quarantine"
            for _vlan in conn.vlans:
                out[(position, i)] = {"quarantine": quarantine}
                i += 1
    return out


def watchlist_from(ports: Iterable[WatchedPort]) -> Watchlist:
    return Watchlist(list(ports))
