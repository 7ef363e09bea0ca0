"""lakou.ports: port traffic from SNMP and sFlow counters (no Django).

The door other components (the CLI, the portal, the member and regulator pages) go
through:

- polling: :func:`poll_switches` (SNMP, many switches at once), :func:`poll_switch`,
  :func:`load` (the switches file, :class:`PortsConfig`, :class:`Switch`);
- counters to honest rates: :func:`rates`, :class:`RateTracker`, :class:`Rate`,
  :class:`Tally`; the records :class:`PortCounters`, :class:`SwitchPoll`;
- the store: :func:`open_store` (a directory or ClickHouse), :class:`PortStore`,
  :class:`PortSeries`, :class:`PortStoreError`, :func:`exchange_store_directory` (the one
  place that knows ``<data_dir>/ports/<exchange>``), :func:`percentile`;
- the commands' one call each: :func:`run_collector` (``ports collect``),
  :func:`port_report` (``ports report``), :func:`mac_findings` (``ports macs``,
  :class:`MacFinding`), :func:`make_demo` (``ports demo``, :class:`NotADemoStore`);
- the pages' figures: :data:`PERIODS`, :func:`exchange_page`, :func:`member_rows`,
  :func:`ports_week`.

Names are loaded on first use, so importing the door stays cheap (DuckDB, pyarrow and the
SNMP library come with the name that needs them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.ports.collect import run_collector
    from lakou.ports.config import PortsConfig, Switch, load
    from lakou.ports.counters import Rate, RateTracker, Tally, rates
    from lakou.ports.demo import NotADemoStore, make_demo
    from lakou.ports.macs import MacFinding, mac_findings
    from lakou.ports.records import PortCounters, SwitchPoll
    from lakou.ports.snmp import poll_switch, poll_switches
    from lakou.ports.store import (
        PortSeries,
        PortStore,
        PortStoreError,
        exchange_store_directory,
        open_store,
        percentile,
    )
    from lakou.ports.web import PERIODS, exchange_page, member_rows, port_report, ports_week

_WHERE = {  # name -> "module" or "module:name there"
    "run_collector": "collect",
    "PortsConfig": "config",
    "Switch": "config",
    "load": "config",
    "Rate": "counters",
    "RateTracker": "counters",
    "Tally": "counters",
    "rates": "counters",
    "NotADemoStore": "demo",
    "make_demo": "demo",
    "MacFinding": "macs",
    "mac_findings": "macs",
    "PortCounters": "records",
    "SwitchPoll": "records",
    "poll_switch": "snmp",
    "poll_switches": "snmp",
    "PortSeries": "store",
    "PortStore": "store",
    "PortStoreError": "store",
    "exchange_store_directory": "store",
    "open_store": "store",
    "percentile": "store",
    "PERIODS": "web",
    "exchange_page": "web",
    "member_rows": "web",
    "port_report": "web",
    "ports_week": "web",
}

__all__ = [
    "PERIODS",
    "MacFinding",
    "NotADemoStore",
    "PortCounters",
    "PortSeries",
    "PortStore",
    "PortStoreError",
    "PortsConfig",
    "Rate",
    "RateTracker",
    "Switch",
    "SwitchPoll",
    "Tally",
    "exchange_page",
    "exchange_store_directory",
    "load",
    "mac_findings",
    "make_demo",
    "member_rows",
    "open_store",
    "percentile",
    "poll_switch",
    "poll_switches",
    "port_report",
    "ports_week",
    "rates",
    "run_collector",
]

__getattr__ = lazy_door(__name__, _WHERE)
