"""lakou.ports: port traffic from SNMP and sFlow counters (no Django).

The door: :func:`poll_switches` (SNMP, many switches at once), :func:`rates` and
:class:`RateTracker` (counters to honest rates), :class:`PortStore` (series, roll-ups,
statistics), :func:`load` (the switches file).
"""

from lakou.ports.config import PortsConfig, Switch, load
from lakou.ports.counters import Rate, RateTracker, Tally, rates
from lakou.ports.records import PortCounters, SwitchPoll
from lakou.ports.snmp import poll_switch, poll_switches
from lakou.ports.store import PortStore

__all__ = [
    "PortCounters",
    "PortStore",
    "PortsConfig",
    "Rate",
    "RateTracker",
    "Switch",
    "SwitchPoll",
    "Tally",
    "load",
    "poll_switch",
    "poll_switches",
    "rates",
]
