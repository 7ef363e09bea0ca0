"""The SNMP poller: IF-MIB counters, LAGs, LLDP neighbours and forwarding tables.

Vendor-neutral by design: it reads only standard MIBs (IF-MIB, IEEE8023-LAG-MIB, LLDP-MIB,
Q-BRIDGE-MIB, BRIDGE-MIB) by numeric OID, needs no MIB files and never guesses a vendor, so
a switch that answers IF-MIB is polled. Tables are walked with GETBULK several columns at a
time (one request brings ``max_repetitions`` rows of every column still running).

The library is ezsnmp, which wraps net-snmp's C library (the same code as Debian's
``snmpbulkwalk``) and releases the GIL while it waits, so switches are polled in parallel
threads and one dead switch costs its own timeout only. pysnmp 7 was the other candidate:
pure Python and asyncio-only, it spends several times more CPU per varbind, which is what a
2,000-port exchange on a 2-core box pays every minute (see docs/55-ports.md).
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from lakou.i18n import gettext as _
from lakou.ports.config import Switch
from lakou.ports.records import (
    STATUS_NAMES,
    ForwardingEntry,
    LldpNeighbour,
    PortCounters,
    SwitchPoll,
)

SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
IF_TABLE = "1.3.6.1.2.1.2.2.1"
IFX_TABLE = "1.3.6.1.2.1.31.1.1.1"

# (column OID, PortCounters field): what every poll reads.
COUNTER_COLUMNS: tuple[tuple[str, str], ...] = (
    (f"{IFX_TABLE}.1", "name"),
    (f"{IFX_TABLE}.6", "in_octets"),
    (f"{IFX_TABLE}.10", "out_octets"),
    (f"{IFX_TABLE}.7", "in_ucast_pkts"),
    (f"{IFX_TABLE}.11", "out_ucast_pkts"),
    (f"{IFX_TABLE}.8", "in_multicast_pkts"),
    (f"{IFX_TABLE}.12", "out_multicast_pkts"),
    (f"{IFX_TABLE}.9", "in_broadcast_pkts"),
    (f"{IFX_TABLE}.13", "out_broadcast_pkts"),
    (f"{IFX_TABLE}.15", "speed_mbps"),
    (f"{IFX_TABLE}.18", "alias"),
    (f"{IF_TABLE}.14", "in_errors"),
    (f"{IF_TABLE}.20", "out_errors"),
    (f"{IF_TABLE}.13", "in_discards"),
    (f"{IF_TABLE}.19", "out_discards"),
    (f"{IF_TABLE}.8", "oper_status"),
    (f"{IF_TABLE}.7", "admin_status"),
)
# Read only when a switch lacks the 64-bit ifXTable columns (old or very small switches).
FALLBACK_COLUMNS: tuple[tuple[str, str], ...] = (
    (f"{IF_TABLE}.2", "descr"),
    (f"{IF_TABLE}.10", "in_octets"),
    (f"{IF_TABLE}.16", "out_octets"),
    (f"{IF_TABLE}.11", "in_ucast_pkts"),
    (f"{IF_TABLE}.17", "out_ucast_pkts"),
    (f"{IF_TABLE}.5", "speed_bps"),
)
IF_STACK_STATUS = "1.3.6.1.2.1.31.1.2.1.3"
IF_TYPE = f"{IF_TABLE}.3"
IEEE8023AD_LAG = 161  # IANAifType of a link aggregation
LAG_ATTACHED_AGG = "1.2.840.10006.300.43.1.2.1.1.13"
LLDP_REM = "1.0.8802.1.1.2.1.4.1.1"
LLDP_COLUMNS = (f"{LLDP_REM}.5", f"{LLDP_REM}.7", f"{LLDP_REM}.8", f"{LLDP_REM}.9")
QBRIDGE_FDB_PORT = "1.3.6.1.2.1.17.7.1.2.2.1.2"
BRIDGE_FDB_PORT = "1.3.6.1.2.1.17.4.3.1.2"
BRIDGE_PORT_IFINDEX = "1.3.6.1.2.1.17.1.4.1.2"

_ABSENT = {"NOSUCHOBJECT", "NOSUCHINSTANCE", "ENDOFMIBVIEW"}


def _absent(var: Any) -> bool:
    """noSuchObject, noSuchInstance or endOfMibView (ezsnmp names some by their message)."""
    kind = str(var.type)
    return kind.upper() in _ABSENT or kind.startswith(("No more variables", "No Such"))


def _oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(p) for p in oid.split(".") if p)


_TEXT = {"name", "alias", "descr"}


class SnmpError(RuntimeError):
    """The agent did not answer or refused; the message names the switch."""


def _library() -> Any:
    try:
        import ezsnmp
    except ImportError:
        raise SnmpError(
            _("the SNMP library ezsnmp is not installed (pip install ezsnmp)")
        ) from None
    return ezsnmp


def open_session(switch: Switch) -> Any:
    """An ezsnmp session for ``switch`` (no I/O happens until the first request)."""
    ezsnmp = _library()
    common: dict[str, Any] = {
        "hostname": switch.host,
        "port_number": switch.port,
        "timeout": switch.timeout,
        "retries": switch.retries,
        "print_oids_numerically": True,
        "print_enums_numerically": True,
        "print_timeticks_numerically": True,
        "print_hex_strings": False,
        "set_max_repeaters_to_num": switch.max_repetitions,
    }
    if switch.version == "3":
        return ezsnmp.Session(
            version=3,
            security_level="authPriv",
            security_username=switch.user,
            auth_protocol=switch.auth_protocol,
            auth_passphrase=switch.secret(switch.auth_password),
            privacy_protocol=switch.priv_protocol,
            privacy_passphrase=switch.secret(switch.priv_password),
            **common,
        )
    return ezsnmp.Session(version=2, community=switch.secret(switch.community), **common)


def _full_oid(var: Any) -> str:
    oid = var.oid.lstrip(".")
    return f"{oid}.{var.index}" if var.index != "" else oid


def walk_columns(session: Any, columns: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Walk several table columns at once: column OID -> {row index: var}.

    Each GETBULK asks the next rows of every column still inside its subtree; a column
    leaves the request when the agent answers past its end.
    """
    found: dict[str, dict[str, Any]] = {c: {} for c in columns}
    position = {c: c for c in columns}
    active = list(columns)
    while active:
        answer = session.bulk_get([position[c] for c in active])
        if not answer:
            break
        still: list[str] = []
        width = len(active)
        for j, column in enumerate(active):
            prefix = column + "."
            progressed = False
            done = False
            for var in answer[j::width]:
                if _absent(var):
                    done = True
                    break
                oid = _full_oid(var)
                # an agent that answers out of order must not make the walk loop
                if not oid.startswith(prefix) or _oid_key(oid) <= _oid_key(position[column]):
                    done = True
                    break
                found[column][oid[len(prefix) :]] = var
                position[column] = oid
                progressed = True
            if progressed and not done:
                still.append(column)
        active = still
    return found


def _number(var: Any) -> int | None:
    try:
        return int(var.value)
    except (TypeError, ValueError):
        return None


def _octets(var: Any) -> bytes:
    """An OCTET STRING's bytes, whether net-snmp printed it as text or as hex."""
    if var.type == "Hex-STRING":
        try:
            return bytes.fromhex(var.value.replace(" ", "").replace("\n", ""))
        except ValueError:
            return var.value.encode("latin-1", "replace")
    return str(var.value).encode("latin-1", "replace")


def _text(var: Any) -> str:
    return _octets(var).rstrip(b"\x00").decode("utf-8", "replace")


def _identifier(var: Any) -> str:
    """An LLDP chassis or port id: a MAC when it is six bytes that are not text."""
    raw = _octets(var)
    if len(raw) == 6 and (var.type == "Hex-STRING" or not raw.isascii()):
        return _mac(raw)
    return _text(var)


def _mac(raw: bytes) -> str:
    return ":".join(f"{b:02x}" for b in raw)


def _interfaces(switch: Switch, session: Any, now: float, uptime: int | None) -> list[PortCounters]:
    columns = [c for c, _f in COUNTER_COLUMNS]
    table = walk_columns(session, columns)
    fields = dict(COUNTER_COLUMNS)
    rows: dict[int, PortCounters] = {}

    def row(index: str) -> PortCounters | None:
        if not index.isdigit():
            return None
        ifindex = int(index)
        if ifindex not in rows:
            rows[ifindex] = PortCounters(
                switch=switch.name, ifindex=ifindex, time=now, uptime=uptime
            )
        return rows[ifindex]

    def apply(port: PortCounters, field: str, var: Any) -> None:
        if field in _TEXT:
            setattr(port, field, _text(var))
        elif field in ("oper_status", "admin_status"):
            code = _number(var)
            setattr(port, field, STATUS_NAMES.get(code or 0, "unknown"))
        elif field == "speed_bps":
            if port.speed_mbps is None and (bps := _number(var)) is not None:
                port.speed_mbps = bps // 1_000_000
        else:
            setattr(port, field, _number(var))

    for column, values in table.items():
        for index, var in values.items():
            port = row(index)
            if port is not None:
                apply(port, fields[column], var)
    missing_hc = [p for p in rows.values() if p.in_octets is None]
    if missing_hc or not rows:
        fallback = walk_columns(session, [c for c, _f in FALLBACK_COLUMNS])
        for column, field in FALLBACK_COLUMNS:
            for index, var in fallback[column].items():
                port = row(index)
                if port is None:
                    continue
                if field in ("in_octets", "out_octets", "in_ucast_pkts", "out_ucast_pkts"):
                    if getattr(port, field) is None:
                        setattr(port, field, _number(var))
                        port.counter_bits = 32
                else:
                    apply(port, field, var)
    for port in rows.values():
        if not port.name:
            port.name = port.descr or str(port.ifindex)
    return [rows[k] for k in sorted(rows)]


def _lags(session: Any) -> dict[int, list[int]]:
    """LAG -> members, from IEEE8023-LAG-MIB when present, else ifStackTable."""
    lags: dict[int, set[int]] = {}
    attached = walk_columns(session, [LAG_ATTACHED_AGG])[LAG_ATTACHED_AGG]
    for index, var in attached.items():
        agg = _number(var)
        if index.isdigit() and agg and agg != int(index):
            lags.setdefault(agg, set()).add(int(index))
    if not lags:
        table = walk_columns(session, [IF_STACK_STATUS, IF_TYPE])
        aggregates = {i for i, var in table[IF_TYPE].items() if _number(var) == IEEE8023AD_LAG}
        for index, var in table[IF_STACK_STATUS].items():
            upper, _dot, lower = index.partition(".")
            # ifStackStatus active(1); VLAN and sub-interfaces stack too, so only an upper
            # layer whose ifType is a link aggregation counts as a LAG.
            if upper in aggregates and lower.isdigit() and lower != "0" and _number(var) == 1:
                lags.setdefault(int(upper), set()).add(int(lower))
    return {k: sorted(v) for k, v in sorted(lags.items())}


def _lldp(session: Any) -> list[LldpNeighbour]:
    table = walk_columns(session, list(LLDP_COLUMNS))
    chassis, port_id, port_desc, sys_name = (table[c] for c in LLDP_COLUMNS)
    out = []
    for index, var in chassis.items():
        parts = index.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        out.append(
            LldpNeighbour(
                local_port=int(parts[1]),
                chassis_id=_identifier(var),
                port_id=_identifier(port_id[index]) if index in port_id else "",
                port_description=_text(port_desc[index]) if index in port_desc else "",
                system_name=_text(sys_name[index]) if index in sys_name else "",
            )
        )
    return sorted(out, key=lambda n: (n.local_port, n.chassis_id, n.port_id))


def _forwarding(session: Any) -> list[ForwardingEntry]:
    bridge_ports = {
        int(i): n
        for i, var in walk_columns(session, [BRIDGE_PORT_IFINDEX])[BRIDGE_PORT_IFINDEX].items()
        if i.isdigit() and (n := _number(var)) is not None
    }
    entries: list[ForwardingEntry] = []
    qbridge = walk_columns(session, [QBRIDGE_FDB_PORT])[QBRIDGE_FDB_PORT]
    for index, var in qbridge.items():
        parts = index.split(".")
        if len(parts) != 7:
            continue
        port = _number(var)
        entries.append(
            ForwardingEntry(
                mac=_mac(bytes(int(p) & 0xFF for p in parts[1:])),
                ifindex=bridge_ports.get(port) if port else None,
                vlan=int(parts[0]),
            )
        )
    if not entries:
        bridge = walk_columns(session, [BRIDGE_FDB_PORT])[BRIDGE_FDB_PORT]
        for index, var in bridge.items():
            parts = index.split(".")
            if len(parts) != 6:
                continue
            port = _number(var)
            entries.append(
                ForwardingEntry(
                    mac=_mac(bytes(int(p) & 0xFF for p in parts)),
                    ifindex=bridge_ports.get(port) if port else None,
                    vlan=None,
                )
            )
    return sorted(entries, key=lambda e: (e.mac, e.vlan or 0))


def poll_switch(
    switch: Switch, *, lags: bool = True, lldp: bool = True, forwarding: bool = True
) -> SwitchPoll:
    """Poll one switch; never raises for a network failure (the error is in the result)."""
    started = time.time()
    result = SwitchPoll(switch=switch.name, started=started, seconds=0.0)
    try:
        session = open_session(switch)
        up = session.get([SYS_UPTIME])
        result.uptime = _number(up[0]) if up and not _absent(up[0]) else None
        now = time.time()
        result.ports = _interfaces(switch, session, now, result.uptime)
        if lags:
            result.lags = _lags(session)
        if lldp:
            result.lldp = _lldp(session)
        if forwarding:
            result.forwarding = _forwarding(session)
    except SnmpError as exc:
        result.error = str(exc)
    except Exception as exc:  # ezsnmp raises its own classes for timeouts and refusals
        result.error = _describe(switch, exc)
    result.seconds = time.time() - started
    return result


def _describe(switch: Switch, exc: Exception) -> str:
    kind = type(exc).__name__
    if kind == "TimeoutError":
        return _("{switch}: no answer (timeout {seconds} s, {retries} retries)").format(
            switch=switch.name, seconds=switch.timeout, retries=switch.retries
        )
    return f"{switch.name}: {kind}: {exc}"


def poll_switches(
    switches: Iterable[Switch], *, workers: int = 32, **options: Any
) -> list[SwitchPoll]:
    """Poll many switches at once, one thread each (up to ``workers``), in input order.

    net-snmp waits for answers with the GIL released, so a dead switch holds one thread
    for its own timeout and the others' polls go on.
    """
    todo = list(switches)
    if not todo:
        return []
    # each thread runs in a copy of the caller's context, so messages keep its language
    contexts = [contextvars.copy_context() for _s in todo]
    with ThreadPoolExecutor(max_workers=min(workers, len(todo))) as pool:
        return list(pool.map(lambda s, c: c.run(poll_switch, s, **options), todo, contexts))
