"""sFlow counter samples as port readings, for switches that push sFlow but allow no SNMP.

:func:`lakou.flows.sflow.decode` already decodes generic interface counter records; this
module only turns them into :class:`~lakou.ports.records.PortCounters` (``source="sflow"``)
so they make the same series as SNMP polls. sFlow's ifInOctets/ifOutOctets are 64-bit;
packet counters are 32-bit and kept as such. ``ifSpeed`` is in bits per second.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lakou.ports.records import STATUS_NAMES, PortCounters

COUNTER_SAMPLES = {"counter_sample", "expanded_counter_sample"}


def readings(
    decoded: Mapping[str, Any], time: float, switch_names: Mapping[str, str] | None = None
) -> list[PortCounters]:
    """Port readings of one decoded sFlow datagram (``time``: when it arrived)."""
    agent = str(decoded.get("agent", ""))
    switch = (switch_names or {}).get(agent, agent)
    # the agent's uptime in ms, as TimeTicks: a restart shows as for SNMP's sysUpTime
    uptime = decoded.get("sysuptime")
    ticks = int(uptime) // 10 % 2**32 if uptime is not None else None
    out = []
    for sample in decoded.get("samples", []):
        if sample.get("type") not in COUNTER_SAMPLES:
            continue
        for rec in sample.get("records", []):
            if rec.get("type") != "generic_interface":
                continue
            status = rec.get("if_status", 0)
            speed = rec.get("if_speed") or 0
            out.append(
                PortCounters(
                    switch=switch,
                    ifindex=int(rec["if_index"]),
                    time=time,
                    in_octets=rec.get("if_in_octets"),
                    out_octets=rec.get("if_out_octets"),
                    in_ucast_pkts=rec.get("if_in_ucast_pkts"),
                    out_ucast_pkts=rec.get("if_out_ucast_pkts"),
                    in_multicast_pkts=rec.get("if_in_multicast_pkts"),
                    out_multicast_pkts=rec.get("if_out_multicast_pkts"),
                    in_broadcast_pkts=rec.get("if_in_broadcast_pkts"),
                    out_broadcast_pkts=rec.get("if_out_broadcast_pkts"),
                    in_errors=rec.get("if_in_errors"),
                    out_errors=rec.get("if_out_errors"),
                    in_discards=rec.get("if_in_discards"),
                    out_discards=rec.get("if_out_discards"),
                    # ifStatus bit 0: admin up, bit 1: oper up.
                    admin_status=STATUS_NAMES[1 if status & 1 else 2],
                    oper_status=STATUS_NAMES[1 if status & 2 else 2],
                    speed_mbps=int(speed // 1_000_000),
                    counter_bits=64,
                    uptime=ticks,
                    source="sflow",
                )
            )
    return out
