"""A peering LAN for live tests: network namespaces on a Linux bridge, real BGP speakers.

Each speaker (the route server, members) gets its own namespace with one interface on a
bridge that lives in a "switch" namespace, with an IPv4 and an IPv6 address on the
LAN, so sessions are single-hop as on a real exchange and nothing touches the host's
network. Names carry the test process's id so parallel runs do not collide. Daemons are
started in the foreground and always stopped, namespaces always deleted.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lakou.routeserver.lg.birdsock import BirdError, BirdSocket

_COUNTER = itertools.count()


def missing_tools(*names: str) -> list[str]:
    """The names among ``names`` that are not on PATH (empty: all present)."""
    return [n for n in names if shutil.which(n) is None]


def can_make_namespaces() -> bool:
    if os.geteuid() != 0 or shutil.which("ip") is None:
        return False
    name = f"lkprobe{os.getpid()}"
    ok = subprocess.run(["ip", "netns", "add", name], capture_output=True).returncode == 0
    if ok:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return ok


def sh(*args: str) -> None:
    proc = subprocess.run(list(args), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {proc.stderr.strip()}")


def wait_for(check: Callable[[], object], timeout: float = 60.0, what: str = "condition") -> object:
    """Poll ``check`` until it returns something truthy (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    delay = 0.05
    last: object = None
    while time.monotonic() < deadline:
        try:
            last = check()
        except (BirdError, OSError) as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


@dataclass
class Node:
    name: str
    netns: str
    ipv4: str
    ipv6: str
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def popen(
        self, args: list[str], log: Path, env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        handle = log.open("wb")
        proc = subprocess.Popen(
            ["ip", "netns", "exec", self.netns, *args],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        handle.close()
        self.procs.append(proc)
        return proc


class Lab:
    """``with Lab(tmp) as lab: rs = lab.node("rs", 1)`` — addresses 192.0.2.N, 2001:db8::N."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.prefix = f"lk{os.getpid() % 100000}{next(_COUNTER)}"
        self.switch = f"{self.prefix}sw"
        self.nodes: list[Node] = []
        self._up = False

    def __enter__(self) -> Lab:
        sh("ip", "netns", "add", self.switch)
        self._up = True
        sh("ip", "-n", self.switch, "link", "add", "br0", "type", "bridge")
        sh("ip", "-n", self.switch, "link", "set", "br0", "up")
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def node(self, name: str, host: int) -> Node:
        netns = f"{self.prefix}{name}"
        port = f"p{host}"
        sh("ip", "netns", "add", netns)
        try:
            sh(
                "ip", "link", "add", port, "netns", self.switch, "type", "veth",
                "peer", "name", "eth0", "netns", netns,
            )  # fmt: skip
            sh("ip", "-n", self.switch, "link", "set", port, "master", "br0", "up")
            sh("ip", "-n", netns, "link", "set", "lo", "up")
            sh("ip", "-n", netns, "addr", "add", f"192.0.2.{host}/24", "dev", "eth0")
            sh("ip", "-n", netns, "addr", "add", f"2001:db8::{host}/64", "dev", "eth0", "nodad")
            sh("ip", "-n", netns, "link", "set", "eth0", "up")
        except RuntimeError:
            subprocess.run(["ip", "netns", "del", netns], capture_output=True)
            raise
        node = Node(name, netns, f"192.0.2.{host}", f"2001:db8::{host}")
        self.nodes.append(node)
        return node

    def close(self) -> None:
        for node in self.nodes:
            for proc in node.procs:
                stop(proc)
        for node in self.nodes:
            subprocess.run(["ip", "netns", "del", node.netns], capture_output=True)
        if self._up:
            subprocess.run(["ip", "netns", "del", self.switch], capture_output=True)
            self._up = False
        self.nodes = []


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


@dataclass
class Bird:
    node: Node
    socket: Path
    config: Path
    proc: subprocess.Popen[bytes]

    def cmd(self, line: str) -> str:
        with BirdSocket(self.socket, timeout=10) as bird:
            return "\n".join(r.text for r in bird.command(line))


def start_bird(node: Node, config_text: str, workdir: Path, name: str | None = None) -> Bird:
    name = name or node.name
    config = workdir / f"{name}.conf"
    config.write_text(config_text)
    check = subprocess.run(["bird", "-p", "-c", str(config)], capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"bird -p refused {config}: {check.stderr.strip()}")
    sock = workdir / f"{name}.ctl"
    proc = node.popen(
        ["bird", "-f", "-c", str(config), "-s", str(sock), "-P", str(workdir / f"{name}.pid")],
        workdir / f"{name}.log",
    )

    def ready() -> bool:
        if not sock.exists():
            return False
        with BirdSocket(sock, timeout=5):
            return True

    wait_for(ready, 20, f"{name} socket")
    return Bird(node, sock, config, proc)


def start_exabgp(
    node: Node, config_text: str, workdir: Path, name: str | None = None
) -> subprocess.Popen[bytes]:
    name = name or node.name
    config = workdir / f"{name}.exabgp.conf"
    config.write_text(config_text)
    env = dict(os.environ)
    env.update(
        {
            "exabgp_daemon_user": "root",
            "exabgp_daemon_drop": "false",
            "exabgp_api_cli": "false",
            "exabgp_log_destination": "stdout",
            "exabgp_daemon_daemonize": "false",
        }
    )
    return node.popen(["exabgp", str(config)], workdir / f"{name}.exabgp.log", env=env)


def member_bird_config(
    node: Node, asn: int, rs: Node, rs_asn: int, statics: str = "", export: str = "all"
) -> str:
    """A member's BIRD: one session per family to the route server, fast timers."""
    return f"""
log stderr all;
router id {node.ipv4};
protocol device {{}}
protocol static S4 {{ ipv4; {statics_for(statics, 4)} }}
protocol static S6 {{ ipv6; {statics_for(statics, 6)} }}
protocol bgp RS4 {{
  local {node.ipv4} as {asn};
  neighbor {rs.ipv4} as {rs_asn};
  hold time 6; keepalive time 2; connect retry time 1; connect delay time 1;
  error wait time 1, 2;
  ipv4 {{ import all; export {export}; }};
}}
protocol bgp RS6 {{
  local {node.ipv6} as {asn};
  neighbor {rs.ipv6} as {rs_asn};
  hold time 6; keepalive time 2; connect retry time 1; connect delay time 1;
  error wait time 1, 2;
  ipv6 {{ import all; export {export}; }};
}}
"""


def statics_for(statics: str, version: int) -> str:
    lines = [s.strip() for s in statics.split(";") if s.strip()]
    picked = [s for s in lines if (":" in s.split()[1]) == (version == 6)]
    return " ".join(s + ";" for s in picked)
