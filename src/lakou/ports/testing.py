"""Real SNMP agents for tests and benchmarks: Debian's snmpd and snmpsim replaying switches.

``run_snmpd`` starts net-snmp's agent on a free loopback port with its own configuration
(a v2c community and a v3 authPriv user) in a directory of the caller's; ``run_snmpsim``
starts snmpsim's command responder on recordings of real switches from the ``snmpsim-data``
package (``switch_recordings`` copies the ones named, keeping only the MIBs the poller
reads so the simulator indexes them in a second). Both stop their daemon on exit.
``snmpbulkwalk`` runs Debian's tool, the reference the poller is checked against.
"""

from __future__ import annotations

import bz2
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# Recordings of real devices in snmpsim-data, by vendor: (file under data/network, what it has).
RECORDINGS = {
    "cisco": "switch/cisco-n5000.snmprec.bz2",  # Nexus 5000: LAGs (IEEE8023-LAG-MIB), LLDP
    "hpe": "switch/hpe-procurve-516733-b21.snmprec.bz2",  # ProCurve: LLDP, Q-BRIDGE FDB
    "juniper": "router/juniper-mx960-16-1r6-7-a.snmprec.bz2",  # MX960: LLDP, Q-BRIDGE FDB
    "dlink": "switch/dlink-des3200.snmprec.bz2",  # DES-3200: Q-BRIDGE and BRIDGE FDB
    "cisco-c3560": "switch/cisco-c3560.snmprec.bz2",  # Catalyst 3560: LAGs
}
# Subtrees the poller reads: system, interfaces, ifMIB, bridge, LAG, LLDP.
KEPT_PREFIXES = (
    "1.3.6.1.2.1.1.",
    "1.3.6.1.2.1.2.",
    "1.3.6.1.2.1.31.",
    "1.3.6.1.2.1.17.",
    "1.2.840.10006.300.43.",
    "1.0.8802.1.1.2.",
)
V3_USER = "lakouv3"
V3_AUTH = "lakou-auth-pass"
V3_PRIV = "lakou-priv-pass"


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def snmpsim_data_dir() -> Path | None:
    """Where the snmpsim-data package keeps its recordings, or None if it is not installed."""
    try:
        import snmpsim_data
    except ImportError:
        return None
    return Path(snmpsim_data.__file__).parent / "data" / "network"


def switch_recordings(target: Path, names: dict[str, str]) -> None:
    """Write community -> recording (a key of :data:`RECORDINGS`) as ``<community>.snmprec``."""
    source = snmpsim_data_dir()
    if source is None:
        raise RuntimeError("snmpsim-data is not installed (pip install snmpsim-data)")
    target.mkdir(parents=True, exist_ok=True)
    cache: dict[str, list[str]] = {}
    for community, recording in names.items():
        if recording not in cache:
            with bz2.open(source / RECORDINGS[recording], "rt", errors="replace") as f:
                cache[recording] = [line for line in f if line.startswith(KEPT_PREFIXES)]
        (target / f"{community}.snmprec").write_text("".join(cache[recording]))


@dataclass
class Agent:
    """An SNMP agent listening on 127.0.0.1:``port``."""

    port: int
    process: subprocess.Popen[bytes]
    community: str = ""

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.port}"


def _wait_answers(port: int, community: str, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 60
    target = [f"127.0.0.1:{port}", "1.3.6.1.2.1.1.3.0"]
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        probe = subprocess.run(
            ["snmpget", "-v2c", "-c", community, "-t", "0.5", "-r", "0", "-On", *target],
            capture_output=True,
            env=_quiet_env(),
        )
        if probe.returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} on 127.0.0.1:{port} did not answer within 60 s")


def _quiet_env() -> dict[str, str]:
    # net-snmp tools need no MIB files here: every OID is numeric.
    return {**os.environ, "MIBS": "", "MIBDIRS": "/nonexistent"}


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def run_snmpd(
    directory: Path, community: str = "lakoupublic", port: int | None = None
) -> Iterator[Agent]:
    """Debian's snmpd on a loopback port (a free one by default): v2c ``community`` and the
    v3 user above."""
    binary = shutil.which("snmpd") or "/usr/sbin/snmpd"
    if not Path(binary).exists():
        raise RuntimeError("snmpd is not installed (Debian package snmpd)")
    port = port or free_udp_port()
    conf = directory / "snmpd.conf"
    conf.write_text(
        f"agentAddress udp:127.0.0.1:{port}\n"
        f"rocommunity {community} 127.0.0.1\n"
        f"createUser {V3_USER} SHA {V3_AUTH} AES {V3_PRIV}\n"
        f"rouser {V3_USER} priv\n"
    )
    pid = ["-p", str(directory / "snmpd.pid")]
    env = {**_quiet_env(), "SNMP_PERSISTENT_DIR": str(directory / "persist")}
    process = subprocess.Popen(
        [binary, "-f", "-C", "-c", str(conf), "-Lf", str(directory / "snmpd.log"), *pid],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_answers(port, community, process, "snmpd")
        yield Agent(port, process, community)
    finally:
        _stop(process)


@contextmanager
def run_snmpsim(
    data_dir: Path, cache_dir: Path, ports: list[int] | None = None
) -> Iterator[list[Agent]]:
    """snmpsim serving every ``<community>.snmprec`` of ``data_dir`` on each of ``ports``."""
    binary = shutil.which("snmpsim-command-responder")
    if binary is None:
        raise RuntimeError("snmpsim is not installed (pip install snmpsim)")
    ports = ports or [free_udp_port()]
    cache_dir.mkdir(parents=True, exist_ok=True)
    # snmpsim refuses to run as root unless told it may (tests and CI run as root).
    env = {**os.environ, "SNMPSIM_ALLOW_ROOT": "true"}
    command = [binary, f"--data-dir={data_dir}", f"--cache-dir={cache_dir}"]
    command += [f"--agent-udpv4-endpoint=127.0.0.1:{p}" for p in ports]
    log = open(cache_dir / "snmpsim.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        community = next(iter(sorted(data_dir.glob("*.snmprec")))).stem
        for p in ports:
            _wait_answers(p, community, process, "snmpsim")
        yield [Agent(p, process) for p in ports]
    finally:
        _stop(process)
        log.close()


def snmpbulkwalk(agent: str, auth: list[str], oid: str) -> dict[str, str]:
    """Debian's snmpbulkwalk: full numeric OID -> value as the tool prints it (-Oqn)."""
    out = subprocess.run(
        ["snmpbulkwalk", *auth, "-On", "-Oq", "-Ot", "-Oe", agent, oid],
        capture_output=True,
        text=True,
        check=True,
        env=_quiet_env(),
    ).stdout
    values = {}
    for line in out.splitlines():
        key, _sep, value = line.partition(" ")
        values[key.lstrip(".")] = value.strip().strip('"')
    return values


@dataclass
class InterfaceCounters:
    """What a switch's sFlow agent reports for one interface in a counter sample."""

    ifindex: int
    in_octets: int
    out_octets: int
    speed_bps: int = 10_000_000_000
    in_packets: int = 0
    out_packets: int = 0


def sflow_counter_datagram(
    agent: str, interfaces: list[InterfaceCounters], uptime_ms: int, sequence: int = 1
) -> bytes:
    """One sFlow v5 datagram holding a generic interface counter sample per interface."""
    import struct
    from ipaddress import ip_address

    samples = b""
    for i, c in enumerate(interfaces):
        record = struct.pack(
            "!IIQIIQIIIIIIQIIIIII",
            c.ifindex,
            6,  # ethernetCsmacd
            c.speed_bps,
            1,  # full duplex
            3,  # admin up, oper up
            c.in_octets,
            c.in_packets % 2**32,
            0,
            0,
            0,
            0,
            0,
            c.out_octets,
            c.out_packets % 2**32,
            0,
            0,
            0,
            0,
            0,
        )
        body = struct.pack("!III", sequence * 1000 + i, c.ifindex, 1)
        body += struct.pack("!II", 1, len(record)) + record
        samples += struct.pack("!II", 2, len(body)) + body
    head = struct.pack(
        "!II4sIIII", 5, 1, ip_address(agent).packed, 0, sequence, uptime_ms % 2**32, len(interfaces)
    )
    return head + samples
