"""Two BIRD route servers holding the huge synthetic AS-SET's routes, fed by ExaBGP.

The IRR data is ``synthetic_irr(huge=True)`` (the route-server build benchmark's data set:
about 28,700 origins, 860,000 IPv4 and 630,000 IPv6 route objects). lakou renders both
route servers' configurations from it (``make_plan`` + ``render_bird``) for three members:
the big one (AS20000, ExaBGP), which announces ``routes`` of those prefixes, a few per cent
with a private ASN in the path or unregistered (filtered, with their reasons), and two
small BIRD members that announce a little and import nothing. Everything runs in network
namespaces on a peering LAN (``tests/live/helpers/lab.py``); routes go over real BGP sessions.
ExaBGP gets them through its API as ``announce attributes ... nlri`` lines (one UPDATE
for many prefixes that share a path), which is what makes a million routes feasible.
"""

from __future__ import annotations

import importlib.util
import os
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from ipaddress import ip_address
from pathlib import Path
from types import ModuleType
from typing import Any

from lakou.routeserver.clients import RouteServerClient
from lakou.routeserver.enrich.model import Enriched, IrrData
from lakou.routeserver.enrich.testing import synthetic_irr
from lakou.routeserver.lg import api
from lakou.routeserver.plan import make_plan
from lakou.routeserver.policy import Policy
from lakou.routeserver.render.bird2 import render_bird

ROOT = Path(__file__).resolve().parents[2]
RS_ASN = 64999
BIG, SMALL1, SMALL2 = 20000, 10001, 10002
BIG_HOST, SMALL1_HOST, SMALL2_HOST = 20, 11, 12
BOGON_EVERY = 50  # one route in 50 has 64512 in its path: filtered (bogon ASN)
UNREGISTERED_EVERY = 100  # and one in 100 more is a prefix nobody registered (irr_prefix)
NLRI_PER_LINE = 400


def load_lab() -> ModuleType:
    """``tests/live/helpers/lab.py`` (namespaces, daemons started and always stopped), by path."""
    path = ROOT / "tests" / "live" / "helpers" / "lab.py"
    spec = importlib.util.spec_from_file_location("lakou_bench_lab", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class Announcements:
    """What the big member sends: (as_path, prefixes) groups per family, and counts."""

    groups: dict[int, list[tuple[str, list[str]]]] = field(default_factory=dict)
    accepted: list[str] = field(default_factory=list)
    filtered: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.accepted) + len(self.filtered)


def irr_and_routes(routes: int, smoke: bool, seed: int = 1) -> tuple[Enriched, Announcements]:
    if smoke:
        syn = synthetic_irr(0, seed=seed, huge=True, huge_asns=40, huge_v4=300, huge_v6=100)
    else:
        syn = synthetic_irr(0, seed=seed, huge=True)
    huge = syn.huge
    assert huge is not None
    db = syn.database
    by_origin: dict[int, tuple[list[str], list[str]]] = {
        o: (db.routes4.get("RIPE", {}).get(o, []), db.routes6.get("RIPE", {}).get(o, []))
        for o in huge.origins
    }
    p4 = tuple(sorted({p for v4, _ in by_origin.values() for p in v4}))
    p6 = tuple(sorted({p for _, v6 in by_origin.values() for p in v6}))
    now = datetime.now(UTC)
    irr = {
        BIG: IrrData(BIG, ("AS-HUGE",), frozenset(huge.origins), p4, p6, "synthetic", now),
        SMALL1: IrrData(SMALL1, (), frozenset({SMALL1}), ("45.1.0.0/24",), (), "synthetic", now),
        SMALL2: IrrData(SMALL2, (), frozenset({SMALL2}), (), (), "synthetic", now),
    }
    # Routes: IPv4 first, in the proportion of the data set, IPv6 for the rest.
    want4 = min(len(p4), routes * len(p4) // max(1, len(p4) + len(p6)))
    want6 = min(len(p6), routes - want4)
    out = Announcements({4: [], 6: []})
    rng = random.Random(seed)
    budget = {4: want4, 6: want6}
    for origin, (v4, v6) in by_origin.items():
        for family, prefixes in ((4, v4), (6, v6)):
            take = prefixes[: budget[family]]
            budget[family] -= len(take)
            if not take:
                continue
            bad = [p for i, p in enumerate(take) if (i + origin) % BOGON_EVERY == 0]
            good = [p for p in take if p not in set(bad)]
            if good:
                path = f"{BIG}" if origin == BIG else f"{BIG} {origin}"
                out.groups[family].append((path, good))
                out.accepted.extend(good)
            if bad:
                out.groups[family].append((f"{BIG} 64512 {origin}", bad))
                out.filtered.extend(bad)
    # Unregistered prefixes: /24s nobody has a route object for (the data set's space can
    # reach this far, so registered ones are left out: each prefix is announced once).
    count = max(1, out.total // UNREGISTERED_EVERY)
    registered = set(p4)
    extra = sorted(
        {f"45.{128 + rng.randrange(127)}.{rng.randrange(256)}.0/24" for _ in range(count)}
        - registered
    )
    out.groups[4].append((f"{BIG}", extra))
    out.filtered.extend(extra)
    return Enriched(irr=irr), out


def policy(host: int) -> Policy:
    return Policy.model_validate(
        {
            "rs_asn": RS_ASN,
            "router_id": f"192.0.2.{host}",
            "rs_ipv4": f"192.0.2.{host}",
            "rs_ipv6": f"2001:db8::{host}",
            "peering_lans": ["192.0.2.0/24", "2001:db8::/64"],
            "rpki": {"enabled": False},
            # a generous hold time: ExaBGP is one busy Python thread while it sends
            "timers": {"hold": 240, "keepalive": 80},
        }
    )


def clients() -> list[RouteServerClient]:
    def ips(n: int) -> tuple[Any, ...]:
        return (ip_address(f"192.0.2.{n}"), ip_address(f"2001:db8::{n}"))

    return [
        RouteServerClient(
            BIG, ips(BIG_HOST), "Big member (ExaBGP)", ("AS-HUGE",), 3_000_000, 3_000_000
        ),
        RouteServerClient(SMALL1, ips(SMALL1_HOST), "Small member 1 (BIRD)"),
        RouteServerClient(SMALL2, ips(SMALL2_HOST), "Small member 2 (BIRD)"),
    ]


def exabgp_config(servers: list[int], feeder: Path) -> str:
    me4, me6 = f"192.0.2.{BIG_HOST}", f"2001:db8::{BIG_HOST}"
    out = f"""
process feed {{
  run {sys.executable} {feeder};
  encoder text;
}}
"""
    for host in servers:
        for family, peer, local in ((4, f"192.0.2.{host}", me4), (6, f"2001:db8::{host}", me6)):
            out += f"""
neighbor {peer} {{
  router-id {me4}; local-address {local}; local-as {BIG}; peer-as {RS_ASN}; hold-time 240;
  family {{ ipv{family} unicast; }}
  api {{ processes [ feed ]; }}
}}
"""
    return out


def feeder_script(announcements: Announcements, workdir: Path, servers: list[int]) -> Path:
    """A process for ExaBGP's API: prints the announcements, then waits to be stopped.

    Each line names the sessions of its family (ExaBGP would otherwise try every session
    and log a refusal per prefix for the others)."""
    lines = []
    for family, nh in ((4, f"192.0.2.{BIG_HOST}"), (6, f"2001:db8::{BIG_HOST}")):
        peers = ", ".join(
            f"neighbor {'192.0.2.' if family == 4 else '2001:db8::'}{host}" for host in servers
        )
        for path, prefixes in announcements.groups[family]:
            for start in range(0, len(prefixes), NLRI_PER_LINE):
                chunk = " ".join(prefixes[start : start + NLRI_PER_LINE])
                lines.append(
                    f"{peers} announce attributes next-hop {nh} as-path [ {path} ] nlri {chunk}"
                )
    data = workdir / "announce.txt"
    data.write_text("\n".join(lines) + "\n")
    script = workdir / "feeder.py"
    # ExaBGP answers each command on the process's stdin: read it, or once the pipe is
    # full ExaBGP blocks writing, stops sending keepalives and the sessions drop. Its end
    # (ExaBGP gone) ends the process.
    script.write_text(
        "import sys, threading\n"
        "def send():\n"
        f"    for line in open({str(data)!r}):\n"
        "        sys.stdout.write(line)\n"
        "    sys.stdout.flush()\n"
        "threading.Thread(target=send, daemon=True).start()\n"
        "for _ in sys.stdin:\n"
        "    pass\n"
    )
    return script


def member_config(lab: ModuleType, node: Any, asn: int, servers: list[Any], statics: str) -> str:
    """A small member: sessions to every route server, imports nothing, announces statics."""
    parts = [
        f"log stderr all;\nrouter id {node.ipv4};\nprotocol device {{}}\n"
        f"protocol static S4 {{ ipv4; {lab.statics_for(statics, 4)} }}\n"
        f"protocol static S6 {{ ipv6; {lab.statics_for(statics, 6)} }}\n"
    ]
    for n, rs in enumerate(servers):
        for family, local, peer in ((4, node.ipv4, rs.ipv4), (6, node.ipv6, rs.ipv6)):
            parts.append(
                f"protocol bgp RS{n}_{family} {{ local {local} as {asn}; "
                f"neighbor {peer} as {RS_ASN}; ipv{family} {{ import none; export all; }}; }}\n"
            )
    return "".join(parts)


@dataclass
class Running:
    endpoints: list[api.RouteServerEndpoint]
    birds: list[Any]
    feed_seconds: float
    announcements: Announcements
    config_bytes: int


def start(lab_module: ModuleType, net: Any, workdir: Path, routes: int, smoke: bool) -> Running:
    enriched, announcements = irr_and_routes(routes, smoke)
    print(
        f"routes: {announcements.total:,} announced by AS{BIG} "
        f"({len(announcements.accepted):,} to accept, {len(announcements.filtered):,} to filter)",
        flush=True,
    )
    servers = []
    birds = []
    size = 0
    for host, name in ((1, "rs1"), (2, "rs2")):
        t0 = time.perf_counter()
        config = render_bird(make_plan(policy(host), clients(), enriched), (2, 0, 12))
        size = len(config)
        print(f"{name}: config {size / 1e6:.0f} MB rendered in {time.perf_counter() - t0:.0f} s",
              flush=True)  # fmt: skip
        node = net.node(name, host)
        birds.append(lab_module.start_bird(node, config, workdir, name))
        servers.append(node)
    for asn, host, statics in (
        (SMALL1, SMALL1_HOST, "route 45.1.0.0/24 blackhole; route 45.2.0.0/24 blackhole"),
        (SMALL2, SMALL2_HOST, ""),
    ):
        node = net.node(f"m{asn}", host)
        lab_module.start_bird(node, member_config(lab_module, node, asn, servers, statics),
                              workdir, f"m{asn}")  # fmt: skip
    big = net.node("big", BIG_HOST)
    t0 = time.perf_counter()
    feeder = feeder_script(announcements, workdir, [1, 2])
    # ExaBGP logs every route it is given at INFO: a million lines slow it down until it
    # misses its keepalives. Warnings only (start_exabgp passes the environment on).
    os.environ.update(
        {
            "exabgp_log_level": "WARNING",
            "exabgp_log_configuration": "false",
            "exabgp_log_processes": "false",
            "exabgp_log_routes": "false",
        }
    )
    lab_module.start_exabgp(big, exabgp_config([1, 2], feeder), workdir, "big")
    endpoints = [
        api.RouteServerEndpoint(name=n, socket=b.socket, rs_asn=RS_ASN, timeout=600)
        for n, b in zip(("rs1", "rs2"), birds, strict=True)
    ]

    def received() -> int:
        total = 0
        for endpoint in endpoints:
            total += sum(n.received for n in api.neighbours(endpoint) if n.asn == BIG)
        return total

    expected = 2 * announcements.total
    last, moved = -1, time.perf_counter()
    while True:
        got = received()
        if got >= expected:
            break
        now = time.perf_counter()
        if got != last:
            print(f"  fed {got:,}/{expected:,} ({got / (now - t0):,.0f} routes/s)", flush=True)
            last, moved = got, now
        elif now - moved > (300 if not smoke else 60):
            raise RuntimeError(f"feeding stalled at {got:,} of {expected:,} routes")
        time.sleep(5 if not smoke else 0.5)
    feed = time.perf_counter() - t0
    print(f"fed {expected:,} routes (both route servers) in {feed:.0f} s", flush=True)
    return Running(endpoints, birds, feed, announcements, size)
