"""Test seams of the flow engine, for its own tests and other components'.

- A real sFlow v5 encoder (:mod:`lakou.flows.sflow_encode`, re-exported here): it builds
  datagrams the way a switch does, so the collector is tested end to end on the wire
  format, not on objects. :func:`netflow_v5` builds a NetFlow v5 datagram with the
  exporter's own date in it. :func:`mutate` damages a datagram the way the fuzz tests do.
- :func:`run_clickhouse`: Debian's real ``clickhouse-server`` started in a temporary
  directory on free loopback ports, and always stopped, for the ClickHouse store's tests.
"""

from __future__ import annotations

import shutil
import socket
import struct
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from ipaddress import ip_address
from pathlib import Path

from lakou.flows.sflow_encode import SampledFrame, datagram, flow_sample, raw_header

__all__ = [
    "ClickHouseServer",
    "SampledFrame",
    "clickhouse_binary",
    "datagram",
    "flow_sample",
    "mutate",
    "netflow_v5",
    "raw_header",
    "run_clickhouse",
]


def mutate(data: bytes, edits: list[tuple[int, int]], cut: int) -> bytes:
    """``data`` with each ``(position, value)`` of ``edits`` written (positions wrap
    around) and its last ``cut`` bytes cut off: a damaged datagram for the decoders."""
    out = bytearray(data)
    for pos, value in edits:
        if out:
            out[pos % len(out)] = value
    return bytes(out[: max(0, len(out) - cut)])


def netflow_v5(
    unix_secs: int, flows: int = 1, src: str = "192.0.2.1", dst: str = "198.51.100.1"
) -> bytes:
    """A NetFlow v5 datagram dated ``unix_secs`` by its exporter, with ``flows`` records of
    1500 bytes in one packet (the datagram issue 11 spoofed: ``unix_secs=3825100800``)."""
    head = struct.pack("!HHIIIIBBH", 5, flows, 1000, unix_secs, 0, 1, 0, 0, 0)
    record = struct.pack(
        "!4s4s4sHHIIIIHHxBBBHHBBxx",
        ip_address(src).packed,
        ip_address(dst).packed,
        bytes(4),
        1,
        2,
        1,
        1500,
        0,
        0,
        443,
        50000,
        0,
        6,
        0,
        64500,
        64501,
        24,
        24,
    )
    return head + record * flows


# --------------------------------------------------------------------------- ClickHouse
_CLICKHOUSE_CONFIG = """<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>{root}/log/server.log</log>
    <errorlog>{root}/log/error.log</errorlog>
    <console>0</console>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <tcp_port>{tcp}</tcp_port>
  <http_port>{http}</http_port>
  <interserver_http_port>{interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <path>{root}/data/</path>
  <tmp_path>{root}/tmp/</tmp_path>
  <user_files_path>{root}/user_files/</user_files_path>
  <format_schema_path>{root}/format_schemas/</format_schema_path>
  <users_config>{root}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>20</max_concurrent_queries>
  <timezone>UTC</timezone>
</yandex>
"""
_CLICKHOUSE_USERS = """<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>1000000000</max_memory_usage></default></profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors>
    <result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time>
  </interval></default></quotas>
</yandex>
"""


@dataclass(frozen=True)
class ClickHouseServer:
    """A running test ClickHouse: native protocol on ``host:port``, user default, no password."""

    host: str
    port: int
    http_port: int
    root: Path


def clickhouse_binary() -> list[str] | None:
    """The command that starts Debian's ClickHouse server, or None when not installed."""
    for path in ("/usr/bin/clickhouse-server", "/usr/sbin/clickhouse-server"):
        if Path(path).is_file():
            return [path]
    found = shutil.which("clickhouse-server")
    if found:
        return [found]
    found = shutil.which("clickhouse")
    return [found, "server"] if found else None


def _free_ports(count: int) -> list[int]:
    socks = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _answers(port: int) -> bool:
    from clickhouse_driver import Client, errors

    client = Client("127.0.0.1", port=port, connect_timeout=1, send_receive_timeout=5)
    try:
        return bool(client.execute("SELECT 1") == [(1,)])
    except (errors.Error, OSError, EOFError):
        return False
    finally:
        client.disconnect()


@contextmanager
def run_clickhouse(root: Path, timeout: float = 60.0) -> Iterator[ClickHouseServer]:
    """Start Debian's ``clickhouse-server`` in ``root`` on free loopback ports; always stop it.

    Everything the server writes (data, temporary files, logs) stays under ``root``; it
    listens on 127.0.0.1 only. It runs as the current user (root included: 18.16 does not
    refuse). A port taken between choosing and binding is retried with new ports.
    """
    command = clickhouse_binary()
    if command is None:
        raise FileNotFoundError("clickhouse-server is not installed")
    root = Path(root)
    for sub in ("data", "tmp", "user_files", "format_schemas", "log"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "users.xml").write_text(_CLICKHOUSE_USERS)
    last_error = ""
    for _attempt in range(3):
        tcp, http, interserver = _free_ports(3)
        config = root / "config.xml"
        config.write_text(
            _CLICKHOUSE_CONFIG.format(root=root, tcp=tcp, http=http, interserver=interserver)
        )
        with (root / "log" / "stdout.log").open("ab") as out:
            proc = subprocess.Popen(
                [*command, f"--config-file={config}"],
                cwd=root,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + timeout
            while proc.poll() is None and time.monotonic() < deadline:
                if _answers(tcp):
                    break
                time.sleep(0.1)
            if proc.poll() is None and _answers(tcp):
                yield ClickHouseServer("127.0.0.1", tcp, http, root)
                return
            error_log = root / "log" / "error.log"
            last_error = error_log.read_text()[-2000:] if error_log.exists() else ""
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    raise RuntimeError(f"clickhouse-server did not start in {root}: {last_error}")
