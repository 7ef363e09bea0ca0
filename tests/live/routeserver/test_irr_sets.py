"""The per-length IRR address sets and their two functions, evaluated by the real BIRD.

``irr_range_bodies`` writes each run of registered blocks once; the exact check (normal
routes) and the RFC 7999 coverage check (longer blackholes) are two functions over the
same sets. This runs both, as rendered, inside BIRD 2 on thousands of routes (folded and
plain lists, IPv4 and IPv6) and compares what BIRD accepts with the definition: a normal
route is accepted only if registered exactly; a blackhole longer than the bound only if
a registered prefix covers it. No network: a static protocol feeds the routes.
"""

from __future__ import annotations

import ipaddress
import random
import re
import subprocess
from pathlib import Path

import pytest
from tests.live.helpers.lab import missing_tools, stop, wait_for

from lakou.routeserver.lg.birdsock import BirdSocket
from lakou.routeserver.render.bird2 import SetNames, _irr_functions
from lakou.routeserver.render.prefixsets import irr_range_bodies

pytestmark = pytest.mark.live
if missing_tools("bird"):
    pytestmark = [pytest.mark.live, pytest.mark.skip(reason="needs bird")]

Net = ipaddress.IPv4Network | ipaddress.IPv6Network


def _registered(rng: random.Random, v: int, count: int) -> list[Net]:
    out: set[Net] = set()
    while len(out) < count:
        if v == 4:
            length = rng.choice((16, 20, 22, 23, 24, 24, 24))
            address = (11 << 24) | (rng.getrandbits(16) << 8)
            out.add(ipaddress.ip_network((address, length), strict=False))
        else:
            length = rng.choice((29, 32, 44, 48, 48))
            address = (0x2A0B << 112) | (rng.getrandbits(24) << 80)
            out.add(ipaddress.ip_network((address, length), strict=False))
    return sorted(out, key=lambda n: (int(n.network_address), n.prefixlen))


def _probes(rng: random.Random, registered: list[Net], v: int) -> list[Net]:
    """Registered prefixes, their parents, children and deep more-specifics, strangers."""
    full = 32 if v == 4 else 128
    out: set[Net] = set()
    for net in rng.sample(registered, min(len(registered), 700)):
        out.add(net)
        out.add(net.supernet())
        for new in (net.prefixlen + 1, full - 8, full):
            if new > net.prefixlen:
                host = int(net.network_address) + rng.randrange(net.num_addresses)
                out.add(ipaddress.ip_network((host, new), strict=False))
    for _ in range(300):
        length = rng.choice((24, 25, 32) if v == 4 else (48, 56, 128))
        base = (12 << 24) if v == 4 else (0x2A0C << 112)
        out.add(
            ipaddress.ip_network(
                (base | rng.getrandbits(20 if v == 4 else 100), length), strict=False
            )
        )
    return sorted(out, key=lambda n: (int(n.network_address), n.prefixlen))


def _expected(registered: list[Net], probe: Net, bound: int, longest: int) -> bool:
    if probe.prefixlen <= bound:
        return probe in registered
    if probe.prefixlen > longest:
        return False
    return any(probe.subnet_of(n) for n in registered if n.version == probe.version)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fold", "longest"),
    [(True, None), (False, None), (True, 30)],
    ids=["folded", "plain", "folded-bounded"],
)
def test_bird_answers_exact_and_covering(tmp_path: Path, fold: bool, longest: int | None) -> None:
    rng = random.Random(7)
    names = SetNames(
        origins="AS1_ORIGINS",
        prefixes={4: "AS1_PREFIXES_4", 6: "AS1_PREFIXES_6"},
        exact_fn={4: "AS1_IRR_EXACT_4", 6: "AS1_IRR_EXACT_6"},
        cover_fn={4: "AS1_IRR_COVER_4", 6: "AS1_IRR_COVER_6"},
    )
    bounds = {4: 24, 6: 48}
    parts = ["router id 192.0.2.1;\nprotocol device {}\n"]
    expected: set[str] = set()
    for v in (4, 6):
        registered = _registered(rng, v, 2500)
        full = 32 if v == 4 else 128
        top = full if longest is None else longest + (0 if v == 4 else 96)
        sets = irr_range_bodies([str(n) for n in registered], v, fold=fold)
        parts.append(_irr_functions(names, v, sets, cover_max=top))
        probes = _probes(rng, registered, v)
        expected |= {str(p) for p in probes if _expected(registered, p, bounds[v], top)}
        statics = "\n".join(f"  route {p} unreachable;" for p in probes)
        parts.append(
            f"protocol static S{v} {{\n  ipv{v} {{ import filter {{\n"
            f"    if net.len > {bounds[v]} then {{\n"
            f"      if {names.cover_fn[v]}() then accept; reject;\n    }}\n"
            f"    if {names.exact_fn[v]}() then accept;\n    reject;\n  }}; }};\n{statics}\n}}\n"
        )
    config = tmp_path / "irr.conf"
    config.write_text("".join(parts))
    check = subprocess.run(["bird", "-p", "-c", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    sock = tmp_path / "bird.ctl"
    proc = subprocess.Popen(
        ["bird", "-f", "-c", str(config), "-s", str(sock), "-P", str(tmp_path / "bird.pid")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(sock.exists, 20, "bird socket")

        def accepted() -> set[str]:
            with BirdSocket(sock, timeout=10) as bird:
                status = "\n".join(r.text for r in bird.command("show protocols"))
                if status.count("up") < 3:
                    return set()
                text = "\n".join(r.text for r in bird.command("show route"))
            return set(re.findall(r"^([0-9a-f:.]+/\d+)\s", text, re.M))

        got = wait_for(lambda: accepted() or None, 20, "routes in BIRD")
        assert got == expected, (sorted(got - expected)[:5], sorted(expected - got)[:5])
        assert len(expected) > 1000  # many accepted and many refused: a real comparison
    finally:
        stop(proc)
