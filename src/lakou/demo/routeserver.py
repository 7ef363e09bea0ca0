"""The demo's live route server: real BIRD for one demo exchange, real BGP speakers for its members.

``lakou demo`` calls :func:`start_demo_route_server` after loading the demo data. The route
server's configuration comes out of lakou's own ``rs build`` path (the registry's route
server and members -> policy -> enrichment -> plan -> ``render_bird``), with the IRR data
read from ``irr/demo.rpsl`` and the ROAs from ``rpki/roas.json`` (``rpki.source: file``):
nothing is fetched from the network. Each member of the exchange that has route-server
sessions gets its own BIRD, announcing its real prefixes (``prefixes.csv``) plus, for four
members, one route the filters must reject: an RPKI-invalid one (the demo ROA names
another origin), a bogon, an unregistered more-specific, a too-long AS path
(:data:`REJECTED`). The looking glass then shows sessions, accepted routes and filtered
routes with their reasons.

Where the speakers live: as root with working ``ip netns``, each in its own network
namespace on a bridge, with the registry's peering-LAN addresses (IPv4 and IPv6), so the
sessions are single-hop as on a real exchange and nothing touches the host's network.
Otherwise on loopback addresses 127.65.x.y (x.y: the last two bytes of the LAN address;
IPv4 only, the loopback has a single IPv6 address), BIRD binding each address strictly
and speaking BGP on one free port above 1024 (the one change made to the rendered text,
since ``rs build`` writes port 179). Daemons run in the foreground, each in its own process
group; :meth:`DemoRouteServer.stop` ends them, deletes the namespaces and the temporary
directory.
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path
from typing import Literal

from lakou.i18n import gettext as _
from lakou.routeserver import BirdError, BirdSocket, RouteServerEndpoint
from lakou.routeserver import FilterReason as Reason

DEMO_EXCHANGE = "demo-saint-martin"
IRR_DIR = Path(__file__).with_name("irr")
DEMO_IRR_DIR = IRR_DIR  # the door's name: the RPSL files the demo's route servers use
ROAS_FILE = Path(__file__).with_name("rpki") / "roas.json"
APT_LINE = "apt-get install bird2"
LOOPBACK_NET = ipaddress.IPv4Network("127.65.0.0/16")
PREPEND = 40  # the too-long AS path: the member's ASN this many times more (limit: 32)

Mode = Literal["netns", "loopback"]
_LANS = itertools.count()  # several demo LANs in one process never share a name


@dataclass(frozen=True)
class Rejected:
    """A route a member announces that the route server must filter, and why."""

    asn: int
    prefix: str
    reason: Reason
    extra: bool = True  # not one of the member's prefixes: announced only to be rejected
    prepend: int = 0


REJECTED: tuple[Rejected, ...] = (
    # In the IRR, but the demo ROA (rpki/roas.json) gives 213.16.0.0/19 to AS64500.
    Rejected(21351, "213.16.0.0/19", Reason.RPKI_INVALID, extra=False),
    # RFC 2544 benchmarking space: a bogon on any exchange.
    Rejected(985, "198.18.0.0/24", Reason.BOGON_PREFIX),
    # Inside AS393894's registered 45.15.196.0/22, with no route object of its own.
    Rejected(393894, "45.15.197.0/24", Reason.IRR_PREFIX),
    # A registered prefix, but the path is 41 ASNs long.
    Rejected(395916, "158.222.40.0/24", Reason.AS_PATH_TOO_LONG, extra=False, prepend=PREPEND),
)


class DemoRouteServerError(Exception):
    """The live route server cannot start; the message says why, for the operator."""


_SBIN = "/usr/local/sbin:/usr/sbin:/sbin"


def bird_binary() -> str | None:
    """BIRD's path: on PATH, or in the sbin directories Debian puts it in (not on an
    ordinary user's PATH)."""
    return shutil.which("bird") or shutil.which("bird", path=_SBIN)


def missing_daemon() -> str | None:
    """Why the live route server cannot run here (BIRD 2 absent), or None."""
    if bird_binary() is None:
        return _(
            "The demo's live route server needs BIRD 2, which is not installed: %(line)s "
            "(then run lakou demo again)."
        ) % {"line": APT_LINE}
    return None


def namespaces_work() -> bool:
    """Root, ``ip`` present and a namespace can really be made (not in every container)."""
    if os.geteuid() != 0 or shutil.which("ip") is None:
        return False
    probe = f"lkdemoprobe{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True).returncode == 0
    if made:
        subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return made


@dataclass
class Speaker:
    """One BIRD (the route server or a member) and where it runs."""

    name: str
    asn: int
    ipv4: IPv4Address
    ipv6: IPv6Address | None
    netns: str | None = None
    proc: subprocess.Popen[bytes] | None = None


@dataclass
class DemoRouteServer:
    """The running demo: the route server's looking-glass endpoint, and how to stop it all."""

    exchange: str
    endpoint: RouteServerEndpoint
    mode: Mode
    workdir: Path
    port: int = 179  # BGP's port: 179 in namespaces, a free one on loopback
    members: list[Speaker] = field(default_factory=list)
    route_server: Speaker | None = None
    namespaces: list[str] = field(default_factory=list)
    _own_workdir: bool = True
    stopped: bool = False
    cleaned: list[str] = field(default_factory=list)  # an earlier demo's leftovers, removed

    @property
    def sessions(self) -> int:
        return sum(1 + (m.ipv6 is not None) for m in self.members)

    def established(self) -> int:
        """How many of the route server's member sessions are up now."""
        from lakou.routeserver import lg_neighbours

        return sum(n.state == "Established" for n in lg_neighbours(self.endpoint))

    def wait_established(self, timeout: float = 60.0) -> int:
        """Wait (polling, at most ``timeout`` s) until every session is up; the count up."""
        deadline = time.monotonic() + timeout
        up = 0
        while time.monotonic() < deadline:
            with contextlib.suppress(BirdError, OSError):
                up = self.established()
            if up >= self.sessions:
                break
            time.sleep(0.5)
        return up

    def stop(self) -> None:
        """Stop every daemon, delete the namespaces and the temporary directory (idempotent)."""
        if self.stopped:
            return
        self.stopped = True
        speakers = [*self.members, *([self.route_server] if self.route_server else [])]
        for speaker in speakers:
            if speaker.proc is not None:
                _terminate(speaker.proc)
        for netns in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", netns], capture_output=True)
        self.namespaces = []
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


WORKDIR_PREFIX = "lakou-demo-rs-"
OWNER_FILE = "owner.pid"
_NETNS = re.compile(r"lkd([0-9]+)x[0-9]+(?:sw|n[0-9]+)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers() -> list[str]:
    """Stop what a demo killed without warning (SIGKILL, power cut) left: its BIRDs, its
    namespaces, its temporary directory. Only a demo's own, and only when the process that
    started them is gone. Returns what was cleaned, for the caller to say."""
    cleaned: list[str] = []
    for work in Path(tempfile.gettempdir()).glob(WORKDIR_PREFIX + "*"):
        try:
            owner = int((work / OWNER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        for pidfile in work.glob("*.pid"):
            if pidfile.name == OWNER_FILE:
                continue
            try:
                pid = int(pidfile.read_text(encoding="utf-8").strip())
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except (OSError, ValueError):
                continue
            if str(work).encode() in cmdline:  # still that demo's BIRD, not a reused pid
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
        shutil.rmtree(work, ignore_errors=True)
        cleaned.append(str(work))
    if os.geteuid() == 0 and shutil.which("ip"):
        listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        for line in listed.splitlines():
            name = line.split(" ", 1)[0]
            match = _NETNS.fullmatch(name)
            if match and not _alive(int(match[1])):
                pids = subprocess.run(
                    ["ip", "netns", "pids", name], capture_output=True, text=True
                ).stdout.split()
                for text in pids:
                    with contextlib.suppress(ProcessLookupError, ValueError):
                        os.kill(int(text), signal.SIGKILL)
                subprocess.run(["ip", "netns", "del", name], capture_output=True)
                cleaned.append(name)
    return cleaned


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def _sh(*args: str) -> None:
    proc = subprocess.run(list(args), capture_output=True, text=True)
    if proc.returncode != 0:
        raise DemoRouteServerError(f"{' '.join(args)}: {proc.stderr.strip()}")


def free_port() -> int:
    """A TCP port above 1024 free on 127.65.0.1 now (for BGP on loopback, without root)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_demo_route_server(
    slug: str = DEMO_EXCHANGE,
    *,
    workdir: Path | None = None,
    mode: Mode | None = None,
    timeout: float = 20.0,
) -> DemoRouteServer:
    """Build the route server's configuration from the registry and start it with its members.

    Needs Django set up and the demo loaded. ``mode``: ``netns`` or ``loopback``; default:
    namespaces when they work here. Raises :class:`DemoRouteServerError` (nothing is left
    running) when BIRD is missing or refuses the configuration, or a daemon does not start.
    """
    problem = missing_daemon()
    if problem:
        raise DemoRouteServerError(problem)
    if mode is None:
        mode = "netns" if namespaces_work() else "loopback"
    cleaned = clean_leftovers()
    own = workdir is None
    work = Path(tempfile.mkdtemp(prefix=WORKDIR_PREFIX)) if workdir is None else workdir
    work.mkdir(parents=True, exist_ok=True)
    (work / OWNER_FILE).write_text(str(os.getpid()), encoding="utf-8")
    port = 179 if mode == "netns" else free_port()
    try:
        config, rs, members = _build(slug, mode, work, port)
    except BaseException as exc:
        if own:
            shutil.rmtree(work, ignore_errors=True)
        if isinstance(exc, DemoRouteServerError) or not _is_data_error(exc):
            raise
        raise DemoRouteServerError(str(exc)) from None
    endpoint = RouteServerEndpoint(
        name=rs.name, socket=work / "rs.ctl", rs_asn=rs.asn, daemon="bird2", timeout=10
    )
    demo = DemoRouteServer(slug, endpoint, mode, work, port, members, rs, _own_workdir=own)
    demo.cleaned = cleaned
    try:
        if mode == "netns":
            _make_lan(demo)
        rs_conf = work / "rs.conf"
        rs_conf.write_text(config, encoding="utf-8")
        _check(rs_conf)
        rs.proc = _start_bird(demo, rs, rs_conf, endpoint.socket, timeout)
        for member in members:
            conf = work / f"{member.name}.conf"
            conf.write_text(member_config(member, rs, port, mode), encoding="utf-8")
            _check(conf)
            member.proc = _start_bird(demo, member, conf, work / f"{member.name}.ctl", timeout)
    except BaseException:
        demo.stop()
        raise
    return demo


def _is_data_error(exc: BaseException) -> bool:
    """A failure of the demo's data or the registry's (said in one line), not a bug."""
    from lakou.routeserver import ClientsError, EnrichError, IrrError, RpkiFileError

    return isinstance(
        exc, (ClientsError, EnrichError, IrrError, RpkiFileError, ValueError, OSError)
    )


def _build(slug: str, mode: Mode, work: Path, port: int) -> tuple[str, Speaker, list[Speaker]]:
    """The route server's configuration through ``rs build``'s own path, and the speakers."""
    from django.core.exceptions import ObjectDoesNotExist

    from lakou.registry import exchange_view
    from lakou.routeserver import (
        BuildError,
        Policy,
        build_config,
        clients_from_exchange,
        enrich_clients,
        policy_for_exchange,
    )

    try:
        exchange = exchange_view(slug)
    except ObjectDoesNotExist:
        raise DemoRouteServerError(
            _("No exchange %(slug)s in the registry: load the demo first.") % {"slug": slug}
        ) from None
    if not exchange.route_servers:
        raise DemoRouteServerError(_("%(slug)s has no route server.") % {"slug": slug})
    base = Policy.model_validate(
        {
            "rpki": {"enabled": True, "source": "file"},
            # Demo timers: sessions come up in seconds, not minutes.
            "timers": {
                "hold": 9,
                "keepalive": 3,
                "connect_retry": 2,
                "connect_delay": 1,
                "error_wait_min": 1,
                "error_wait_max": 5,
            },
        }
    )
    policy = policy_for_exchange(exchange, base)
    clients = clients_from_exchange(exchange)
    if mode == "loopback":
        clients = [
            replace(c, ips=tuple(_loopback(ip) for ip in c.ips if ip.version == 4)) for c in clients
        ]
        clients = [c for c in clients if c.ips]
        rs_ip = _loopback(policy.rs_ipv4 or policy.router_id)
        policy = policy.model_copy(
            update={
                "rs_ipv4": rs_ip,
                "rs_ipv6": None,
                "peering_lans": [LOOPBACK_NET],
                "multihop": True,
            }
        )
    enriched = enrich_clients(
        clients,
        irr_server=None,
        irr_sources=[],
        rpsl_dir=IRR_DIR,
        rpki_json=ROAS_FILE,
        cache_dir=work / "cache",
        workers=2,
    )
    try:
        # BIRD's log in the demo's directory, not the host's syslog.
        log_file = str(work / "rs-bird.log")
        result = build_config(clients, policy, enriched, log_file=log_file)
    except BuildError as exc:
        raise DemoRouteServerError("; ".join(exc.lines)) from None
    text = result.text
    if mode == "loopback":
        text = _with_port(text, port)
    rs_name = exchange.route_servers[0].name
    assert policy.rs_ipv4 is not None
    rs = Speaker(rs_name, policy.rs_asn, policy.rs_ipv4, policy.rs_ipv6)
    members = []
    for client in clients:
        v4 = next((ip for ip in client.ips if isinstance(ip, IPv4Address)), None)
        v6 = next((ip for ip in client.ips if isinstance(ip, IPv6Address)), None)
        if v4 is None:
            continue
        members.append(Speaker(f"as{client.asn}", client.asn, v4, v6))
    return text, rs, members


def _loopback(ip: IPv4Address | IPv6Address) -> IPv4Address:
    """192.0.2.14 -> 127.65.2.14: the last two bytes kept, on the loopback network."""
    host = int(ip) & 0xFFFF
    return IPv4Address(int(LOOPBACK_NET.network_address) + host)


_SESSION_ENDS = re.compile(r"^(  (?:local|neighbor) [0-9.]+) (as )", re.MULTILINE)


def _with_port(text: str, port: int) -> str:
    """Every BGP session's ``local`` and ``neighbor`` on ``port`` (loopback, no root)."""
    return _SESSION_ENDS.sub(rf"\1 port {port} \2", text)


def announcements(asn: int) -> list[str]:
    """What member ``asn`` announces: its prefixes, then the extra routes to be rejected."""
    from lakou.demo.data import demo_prefixes

    out = list(demo_prefixes().get(asn, []))
    out += [r.prefix for r in REJECTED if r.asn == asn and r.extra]
    return out


def member_config(member: Speaker, rs: Speaker, port: int, mode: Mode) -> str:
    """A member's BIRD: its routes as statics, one session per family to the route server."""
    routes = announcements(member.asn)
    v4 = [p for p in routes if ":" not in p]
    v6 = [p for p in routes if ":" in p and member.ipv6 is not None]
    prepends = [r for r in REJECTED if r.asn == member.asn and r.prepend]
    lines = [
        f"# lakou demo: AS{member.asn}, a member speaker (DEMO DATA).",
        f"router id {member.ipv4};",
        "protocol device {}",
        "filter to_rs {",
    ]
    for r in prepends:
        lines.append(f"  if net = {r.prefix} then {{")
        lines += [f"    bgp_path.prepend({member.asn});"] * r.prepend
        lines.append("  }")
    lines += ["  accept;", "}"]
    lines.append(
        "protocol static S4 { ipv4; " + " ".join(f"route {p} blackhole;" for p in v4) + " }"
    )
    if v6:
        lines.append(
            "protocol static S6 { ipv6; " + " ".join(f"route {p} blackhole;" for p in v6) + " }"
        )
    sessions: list[tuple[int, IPv4Address | IPv6Address, IPv4Address | IPv6Address]] = [
        (4, member.ipv4, rs.ipv4)
    ]
    if member.ipv6 is not None and rs.ipv6 is not None:
        sessions.append((6, member.ipv6, rs.ipv6))
    ports = f" port {port}" if mode == "loopback" else ""
    for version, local, neighbour in sessions:
        lines += [
            f"protocol bgp RS{version} {{",
            f"  local {local}{ports} as {member.asn};",
            f"  neighbor {neighbour}{ports} as {rs.asn};",
            "  hold time 9; keepalive time 3; connect retry time 2; connect delay time 1;",
            "  error wait time 1, 5;",
        ]
        if mode == "loopback":
            lines += ["  strict bind yes;", "  multihop;"]
        export = "export filter to_rs" if (v4 if version == 4 else v6) else "export none"
        lines += [f"  ipv{version} {{ import all; {export}; }};", "}"]
    return "\n".join(lines) + "\n"


def _make_lan(demo: DemoRouteServer) -> None:
    """A bridge in a "switch" namespace and one namespace per speaker on it."""
    prefix = f"lkd{os.getpid()}x{next(_LANS)}"
    switch = f"{prefix}sw"
    _sh("ip", "netns", "add", switch)
    demo.namespaces.append(switch)
    _sh("ip", "-n", switch, "link", "add", "br0", "type", "bridge")
    _sh("ip", "-n", switch, "link", "set", "br0", "up")
    assert demo.route_server is not None
    for n, speaker in enumerate([demo.route_server, *demo.members], start=1):
        netns = f"{prefix}n{n}"
        _sh("ip", "netns", "add", netns)
        demo.namespaces.append(netns)
        speaker.netns = netns
        port = f"p{n}"
        _sh(
            "ip", "link", "add", port, "netns", switch, "type", "veth",
            "peer", "name", "eth0", "netns", netns,
        )  # fmt: skip
        _sh("ip", "-n", switch, "link", "set", port, "master", "br0", "up")
        _sh("ip", "-n", netns, "link", "set", "lo", "up")
        _sh("ip", "-n", netns, "addr", "add", f"{speaker.ipv4}/24", "dev", "eth0")
        if speaker.ipv6 is not None:
            _sh("ip", "-n", netns, "addr", "add", f"{speaker.ipv6}/64", "dev", "eth0", "nodad")
        _sh("ip", "-n", netns, "link", "set", "eth0", "up")


def _check(config: Path) -> None:
    bird = bird_binary() or "bird"
    check = subprocess.run([bird, "-p", "-c", str(config)], capture_output=True, text=True)
    if check.returncode != 0:
        raise DemoRouteServerError(
            _("BIRD refuses %(path)s: %(error)s") % {"path": config, "error": check.stderr.strip()}
        )


def _start_bird(
    demo: DemoRouteServer, speaker: Speaker, config: Path, sock: Path, timeout: float
) -> subprocess.Popen[bytes]:
    prefix: Sequence[str] = ("ip", "netns", "exec", speaker.netns) if speaker.netns else ()
    log = demo.workdir / f"{speaker.name}.log"
    with log.open("wb") as handle:
        proc = subprocess.Popen(
            [*prefix, bird_binary() or "bird", "-f", "-c", str(config), "-s", str(sock),
             "-P", str(demo.workdir / f"{speaker.name}.pid")],
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
    speaker.proc = proc
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            text = log.read_text(errors="replace").strip()
            raise DemoRouteServerError(
                _("BIRD for %(name)s stopped at once: %(log)s")
                % {"name": speaker.name, "log": text[-400:]}
            )
        if sock.exists():
            try:
                with BirdSocket(sock, timeout=2):
                    return proc
            except (BirdError, OSError):
                pass
        time.sleep(0.1)
    raise DemoRouteServerError(
        _("BIRD for %(name)s did not open its control socket within %(s)s seconds.")
        % {"name": speaker.name, "s": f"{timeout:g}"}
    )
