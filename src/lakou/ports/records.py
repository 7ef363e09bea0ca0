"""What one poll of one switch yields, as plain typed objects.

The SNMP poller (:mod:`lakou.ports.snmp`) and the sFlow counter reader
(:mod:`lakou.ports.sflow_counters`) both produce :class:`PortCounters`, so rates, the store
and reports never know where a counter came from. Counters are the raw values the switch
sent (64-bit where the switch has them); turning them into rates is
:mod:`lakou.ports.counters`' job alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# IF-MIB ifOperStatus / ifAdminStatus values.
STATUS_NAMES = {
    1: "up",
    2: "down",
    3: "testing",
    4: "unknown",
    5: "dormant",
    6: "notPresent",
    7: "lowerLayerDown",
}


@dataclass
class PortCounters:
    """One interface's counters at one instant (``time``, Unix seconds, as polled)."""

    switch: str
    ifindex: int
    time: float
    name: str = ""
    alias: str = ""
    descr: str = ""
    in_octets: int | None = None
    out_octets: int | None = None
    in_ucast_pkts: int | None = None
    out_ucast_pkts: int | None = None
    in_multicast_pkts: int | None = None
    out_multicast_pkts: int | None = None
    in_broadcast_pkts: int | None = None
    out_broadcast_pkts: int | None = None
    in_errors: int | None = None
    out_errors: int | None = None
    in_discards: int | None = None
    out_discards: int | None = None
    oper_status: str = "unknown"
    admin_status: str = "unknown"
    speed_mbps: int | None = None
    # 64 when the octet counters are ifHC*, 32 when the switch only has ifIn/OutOctets.
    counter_bits: int = 64
    # hundredths of a second since the agent (re)started; None for sFlow.
    uptime: int | None = None
    # ifCounterDiscontinuityTime: changes when the counters were reset.
    discontinuity: int | None = None
    source: str = "snmp"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class LldpNeighbour:
    """A neighbour one local port sees (LLDP-MIB lldpRemTable)."""

    local_port: int
    chassis_id: str
    port_id: str
    port_description: str
    system_name: str


@dataclass(frozen=True)
class ForwardingEntry:
    """A MAC address the switch learned behind a port (Q-BRIDGE or BRIDGE-MIB)."""

    mac: str
    ifindex: int | None
    vlan: int | None


@dataclass
class SwitchPoll:
    """Everything one poll of one switch returned, or why it returned nothing."""

    switch: str
    started: float
    seconds: float
    ports: list[PortCounters] = field(default_factory=list)
    # LAG ifindex -> member ifindexes (ifStackTable, IEEE8023-LAG-MIB where present).
    lags: dict[int, list[int]] = field(default_factory=dict)
    lldp: list[LldpNeighbour] = field(default_factory=list)
    forwarding: list[ForwardingEntry] = field(default_factory=list)
    uptime: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "switch": self.switch,
            "started": self.started,
            "seconds": self.seconds,
            "error": self.error,
            "uptime": self.uptime,
            "ports": [p.as_dict() for p in self.ports],
            "lags": {str(k): v for k, v in self.lags.items()},
            "lldp": [asdict(n) for n in self.lldp],
            "forwarding": [asdict(f) for f in self.forwarding],
        }
