"""ezsnmp against pysnmp 7: CPU per varbind walking the poller's columns on one switch.

``python3 -m benchmarks.ports.libraries``: starts snmpsim on the recorded Juniper MX960
(snmpsim-data), walks the 17 columns of a poll five times with lakou's ezsnmp column walk
and five times with pysnmp 7's asyncio ``bulk_walk_cmd`` (40 rows per request both), and
prints the CPU each spends per varbind. The reason lakou polls with ezsnmp.
"""

from __future__ import annotations

import asyncio
import resource
import tempfile
from pathlib import Path

from lakou.ports.config import Switch
from lakou.ports.snmp import COUNTER_COLUMNS, open_session, walk_columns
from lakou.ports.testing import run_snmpsim, switch_recordings

COLUMNS = [c for c, _f in COUNTER_COLUMNS]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _ezsnmp(port: int, rounds: int) -> tuple[float, int]:
    session = open_session(Switch(host="127.0.0.1", port=port, community="juniper"))
    walk_columns(session, COLUMNS)
    start, count = _cpu(), 0
    for _ in range(rounds):
        count += sum(len(v) for v in walk_columns(session, COLUMNS).values())
    return _cpu() - start, count


def _pysnmp(port: int, rounds: int) -> tuple[float, int]:
    from pysnmp.hlapi.v3arch.asyncio import (
        CommunityData,
        ContextData,
        ObjectIdentity,
        ObjectType,
        SnmpEngine,
        UdpTransportTarget,
        bulk_walk_cmd,
    )

    async def walk() -> int:
        engine = SnmpEngine()
        target = await UdpTransportTarget.create(("127.0.0.1", port))
        count = 0
        for column in COLUMNS:
            async for error, status, _index, binds in bulk_walk_cmd(
                engine,
                CommunityData("juniper"),
                target,
                ContextData(),
                0,
                40,
                ObjectType(ObjectIdentity(column)),
                lexicographicMode=False,
            ):
                if error or status:
                    break
                count += len(binds)
        return count

    asyncio.run(walk())
    start, count = _cpu(), 0
    for _ in range(rounds):
        count += asyncio.run(walk())
    return _cpu() - start, count


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="lakou-bench-snmplib-") as tmp:
        root = Path(tmp)
        switch_recordings(root / "data", {"juniper": "juniper"})
        with run_snmpsim(root / "data", root / "cache") as agents:
            port = agents[0].port
            ez_cpu, ez_n = _ezsnmp(port, 5)
            py_cpu, py_n = _pysnmp(port, 5)
    ez, py = ez_cpu / ez_n * 1e6, py_cpu / py_n * 1e6
    print(
        f"CPU per varbind over {ez_n // 5} varbinds a walk: ezsnmp {ez:.1f} us, "
        f"pysnmp {py:.1f} us; pysnmp/ezsnmp {py / ez:.1f}x"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
