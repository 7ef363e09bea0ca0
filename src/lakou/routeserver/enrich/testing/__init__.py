"""Test seams for enrichment, shipped with the library for other components' tests.

- :class:`DictIrrSource`: an in-memory :class:`IrrSource` with failure injection;
- :class:`DictPeeringDB`: a :class:`PeeringDBSource` from plain dicts;
- :func:`synthetic_irr`: deterministic, seeded IRR data for N clients, optionally with one
  client whose AS-SET is as large as AS-HURRICANE (about 28,700 ASNs, 860k IPv4 and 630k
  IPv6 route objects), as an :class:`IrrDatabase` and as RPSL files;
- :func:`run_stayrtr`: the real ``stayrtr`` serving a ROA JSON file over RTR on loopback;
- :func:`serve_whois` (re-exported): the local IRR whois server for the real ``bgpq4``.
"""

from __future__ import annotations

import json
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lakou.routeserver.enrich.irrdb import IrrDatabase
from lakou.routeserver.enrich.model import IrrData, IrrRequest, Roa
from lakou.routeserver.enrich.rpsl import DatabaseSource
from lakou.routeserver.enrich.sources import IrrError
from lakou.routeserver.enrich.testing.whois import run_whois_server, serve_whois

__all__ = [
    "DictIrrSource",
    "DictPeeringDB",
    "SyntheticClient",
    "SyntheticIrr",
    "database_from_dicts",
    "run_stayrtr",
    "run_whois_server",
    "serve_whois",
    "serve_whois_process",
    "synthetic_irr",
    "write_roas_json",
]


def database_from_dicts(
    as_sets: Mapping[str, Iterable[str]] | None = None,
    routes: Mapping[int, Iterable[str]] | None = None,
    *,
    source: str = "LOCAL",
) -> IrrDatabase:
    """An IRR database from ``{"AS-FOO": ["AS1", "AS-BAR"]}`` and ``{1: ["192.0.2.0/24"]}``."""
    db = IrrDatabase()
    db.source_order.append(source.upper())
    db.routes4.setdefault(source.upper(), {})
    db.routes6.setdefault(source.upper(), {})
    for name, members in (as_sets or {}).items():
        db.add_as_set(name, members, source=source)
    for origin, prefixes in (routes or {}).items():
        db.add_routes(origin, list(prefixes), source=source)
    return db


class DictIrrSource(DatabaseSource):
    """An in-memory IRR for tests: lakou's expansion over dicts, failures on demand.

    ``down=True`` makes every fetch raise :class:`IrrError` (an IRR server that is down);
    ``failing`` names client ASNs whose fetch fails. ``calls`` counts fetches per ASN.
    """

    def __init__(
        self,
        as_sets: Mapping[str, Iterable[str]] | None = None,
        routes: Mapping[int, Iterable[str]] | None = None,
        *,
        database: IrrDatabase | None = None,
        sources: Sequence[str] = (),
        down: bool = False,
        failing: Iterable[int] = (),
        name: str = "dict",
    ) -> None:
        super().__init__(database or database_from_dicts(as_sets, routes), sources)
        self.down = down
        self.failing = set(failing)
        self.name = name
        self.calls: dict[int, int] = {}

    @property
    def description(self) -> str:
        return f"{self.name}-irr"

    def fetch(self, request: IrrRequest) -> IrrData:
        self.calls[request.asn] = self.calls.get(request.asn, 0) + 1
        if self.down or request.asn in self.failing:
            raise IrrError(f"{self.description}: connection refused (simulated)")
        return super().fetch(request)


class DictPeeringDB:
    """A :class:`PeeringDBSource` from ``{asn: net record}`` and a never-via-RS set."""

    def __init__(
        self, nets: Mapping[int, dict[str, Any]] | None = None, never: Iterable[int] = ()
    ) -> None:
        self.nets = dict(nets or {})
        self.never = set(never) | {
            asn for asn, rec in self.nets.items() if rec.get("info_never_via_route_servers") is True
        }

    def net_by_asn(self, asn: int) -> dict[str, Any] | None:
        return self.nets.get(asn)

    def never_via_route_servers_asns(self) -> set[int]:
        return set(self.never)


# -- synthetic IRR data -------------------------------------------------------------------

_V4_BOGON_FIRST_OCTETS = {0, 10, 100, 127, 169, 172, 192, 198, 203, 224}


@dataclass
class SyntheticClient:
    asn: int
    as_set: str
    source: str
    origins: list[int]  # the client's own ASN first, then its customers
    prefixes_v4: list[str]  # route objects of the client's own ASN
    prefixes_v6: list[str]

    @property
    def request(self) -> IrrRequest:
        return IrrRequest(self.asn, (self.as_set,))


@dataclass
class SyntheticIrr:
    database: IrrDatabase
    clients: list[SyntheticClient] = field(default_factory=list)
    huge: SyntheticClient | None = None
    sources: tuple[str, ...] = ("RIPE", "ARIN")

    @property
    def requests(self) -> list[IrrRequest]:
        out = [c.request for c in self.clients]
        if self.huge is not None:
            out.append(self.huge.request)
        return out

    def write_rpsl(self, directory: Path) -> Path:
        """Write the data as RPSL dump files, one per source, in ``directory``."""
        return write_rpsl(self.database, directory)


class _Allocator:
    """Hands out unique, aligned, non-bogon prefixes in address order."""

    def __init__(self) -> None:
        self.v4 = 11 << 24  # in units of addresses; starts at 11.0.0.0
        self.v6 = 0  # in /48 units under 2a00::/12

    def next_v4(self, length: int) -> str:
        size = 1 << (32 - length)
        start = (self.v4 + size - 1) // size * size
        while (start >> 24) in _V4_BOGON_FIRST_OCTETS:
            start = ((start >> 24) + 1) << 24
        self.v4 = start + size
        return f"{start >> 24}.{(start >> 16) & 255}.{(start >> 8) & 255}.{start & 255}/{length}"

    def next_v6(self, length: int) -> str:
        size = 1 << (48 - length) if length <= 48 else 1
        start = (self.v6 + size - 1) // size * size
        self.v6 = start + size
        value = (0x2A00 << 112) | (start << 80)
        packed = value.to_bytes(16, "big")
        return f"{socket.inet_ntop(socket.AF_INET6, packed)}/{length}"


def _v4_length(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.80:
        return 24
    if roll < 0.90:
        return 23
    if roll < 0.95:
        return 22
    return rng.choice((16, 18, 19, 20, 21))


def _v6_length(rng: random.Random) -> int:
    roll = rng.random()
    return 48 if roll < 0.85 else (44 if roll < 0.95 else 32)


def synthetic_irr(
    clients: int = 12,
    *,
    seed: int = 1,
    huge: bool = False,
    huge_asns: int = 28_700,
    huge_v4: int = 860_000,
    huge_v6: int = 630_000,
) -> SyntheticIrr:
    """Deterministic IRR data: ``clients`` ordinary clients and, if ``huge``, one more.

    Client ``i`` is AS ``10000+i`` with AS-SET ``AS-CLIENT<i>`` (source RIPE for even
    ``i``, ARIN for odd) holding its own ASN and 0-3 customers (from AS100000), each with
    1-4 IPv4 and 0-2 IPv6 route objects. The huge client (AS 20000, ``AS-HUGE``, source
    RIPE) nests 100 sub-sets with ``huge_asns`` ASNs (from AS200000) in total, including a
    loop back to ``AS-HUGE`` as real large sets have, and ``huge_v4``/``huge_v6`` route
    objects spread unevenly (a few origins hold thousands). No ASN falls in the ranges
    bgpq4 refuses to query.
    """
    rng = random.Random(seed)
    db = IrrDatabase()
    for source in ("RIPE", "ARIN"):
        db._see_source(source)
    alloc = _Allocator()
    out = SyntheticIrr(db)
    next_customer = 100_000
    for i in range(clients):
        asn = 10_000 + i
        source = "RIPE" if i % 2 == 0 else "ARIN"
        customers = list(range(next_customer, next_customer + rng.randint(0, 3)))
        next_customer += len(customers)
        name = f"AS-CLIENT{i}"
        db.add_as_set(name, [f"AS{a}" for a in (asn, *customers)], source=source)
        own4: list[str] = []
        own6: list[str] = []
        for origin in (asn, *customers):
            db.add_aut_num(origin, source=source, mnt_by=[f"MNT-CLIENT{i}"])
            v4 = [alloc.next_v4(_v4_length(rng)) for _ in range(rng.randint(1, 4))]
            v6 = [alloc.next_v6(_v6_length(rng)) for _ in range(rng.randint(0, 2))]
            db.add_routes(origin, v4, source=source)
            db.add_routes(origin, v6, source=source)
            if origin == asn:
                own4, own6 = v4, v6
        out.clients.append(SyntheticClient(asn, name, source, [asn, *customers], own4, own6))
    if huge:
        out.huge = _huge_client(db, alloc, rng, huge_asns, huge_v4, huge_v6)
    return out


def _spread(total: int, buckets: int, rng: random.Random) -> list[int]:
    """``total`` items over ``buckets`` origins, heavy-tailed like real IRR data."""
    weights = [rng.paretovariate(1.2) for _ in range(buckets)]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for k in range(total - sum(counts)):
        counts[k % buckets] += 1
    return counts


def _huge_client(
    db: IrrDatabase, alloc: _Allocator, rng: random.Random, n_asns: int, n_v4: int, n_v6: int
) -> SyntheticClient:
    asn, name, source = 20_000, "AS-HUGE", "RIPE"
    origins = [asn, *range(200_000, 200_000 + n_asns - 1)]
    subsets = 100
    members: list[str] = [f"AS{asn}"]
    chunk = (len(origins) - 1 + subsets - 1) // subsets
    for k in range(subsets):
        part = origins[1 + k * chunk : 1 + (k + 1) * chunk]
        sub_members = [f"AS{a}" for a in part]
        if k == subsets - 1:
            sub_members.append(name)  # a loop, as in real large AS-SETs
        db.add_as_set(f"AS-HUGE-{k}", sub_members, source=source)
        members.append(f"AS-HUGE-{k}")
    db.add_as_set(name, members, source=source)
    counts4 = _spread(n_v4, len(origins), rng)
    counts6 = _spread(n_v6, len(origins), rng)
    own4: list[str] = []
    own6: list[str] = []
    for origin, c4, c6 in zip(origins, counts4, counts6, strict=True):
        v4 = [alloc.next_v4(_v4_length(rng)) for _ in range(c4)]
        v6 = [alloc.next_v6(_v6_length(rng)) for _ in range(c6)]
        db.add_routes(origin, v4, source=source)
        db.add_routes(origin, v6, source=source)
        if origin == asn:
            own4, own6 = v4, v6
    return SyntheticClient(asn, name, source, origins, own4, own6)


def write_rpsl(db: IrrDatabase, directory: Path) -> Path:
    """Dump ``db`` as RPSL files (``<source>.db``) that :class:`RpslSource` reads back."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for source in db.source_order:
        with (directory / f"{source.lower()}.db").open("w", encoding="utf-8") as out:
            out.write(f"% synthetic IRR data for lakou tests, source {source}\n\n")
            for name, by_source in db.as_sets.items():
                obj = by_source.get(source)
                if obj is None:
                    continue
                out.write(f"as-set:         {name}\n")
                for member in obj.members:
                    out.write(f"members:        {member}\n")
                for mnt in obj.mbrs_by_ref:
                    out.write(f"mbrs-by-ref:    {mnt}\n")
                for mnt in obj.mnt_by:
                    out.write(f"mnt-by:         {mnt}\n")
                out.write(f"source:         {source}\n\n")
            for asn, auts in db.aut_nums.items():
                aut = auts.get(source)
                if aut is None:
                    continue
                out.write(f"aut-num:        AS{asn}\n")
                for set_name in aut.member_of:
                    out.write(f"member-of:      {set_name}\n")
                for mnt in aut.mnt_by:
                    out.write(f"mnt-by:         {mnt}\n")
                out.write(f"source:         {source}\n\n")
            for cls, table in (("route", db.routes4), ("route6", db.routes6)):
                for origin, prefixes in table.get(source, {}).items():
                    tail = f"origin:         AS{origin}\nsource:         {source}\n\n"
                    out.write(
                        "".join(f"{cls}:{' ' * (15 - len(cls))}{p}\n{tail}" for p in prefixes)
                    )
    return directory


@contextmanager
def serve_whois_process(
    *,
    rpsl: Path | None = None,
    synthetic: int | None = None,
    huge: bool = False,
    seed: int = 1,
    start_timeout: float = 300.0,
) -> Iterator[str]:
    """The whois server in its own Python process (for benchmarks); yields its address.

    Serves RPSL files, or :func:`synthetic_irr` data rebuilt in the child from the same
    ``synthetic``/``huge``/``seed`` (deterministic, so it equals the parent's copy).
    """
    import sys

    args = [sys.executable, "-m", "lakou.routeserver.enrich.testing.whois", "--seed", str(seed)]
    if rpsl is not None:
        args += ["--rpsl", str(rpsl)]
    else:
        args += ["--synthetic", str(synthetic or 0)] + (["--huge"] if huge else [])
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        ready: list[str] = []
        reader = threading.Thread(target=lambda: ready.append(proc.stdout.readline()))  # type: ignore[union-attr]
        reader.start()
        reader.join(start_timeout)
        address = ready[0].strip() if ready else ""
        if not address:
            raise RuntimeError(f"whois server process did not start (exit {proc.poll()})")
        yield address
    finally:
        if proc.stdin is not None:
            proc.stdin.close()  # the child's stdin read returns and it stops cleanly
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


# -- RPKI ---------------------------------------------------------------------------------


def write_roas_json(path: Path, roas: Iterable[Roa], *, asn_style: str = "rpki-client") -> Path:
    """Write ROAs as rpki-client (``"asn": 64496``) or Routinator (``"AS64496"``) JSON."""
    entries = [
        {
            "asn": r.asn if asn_style == "rpki-client" else f"AS{r.asn}",
            "prefix": r.prefix,
            "maxLength": r.max_length,
            "ta": r.ta or "test",
        }
        for r in roas
    ]
    document = {"metadata": {"buildtime": "2026-01-01T00:00:00Z", "roas": len(entries)}}
    document["roas"] = entries  # type: ignore[assignment]
    Path(path).write_text(json.dumps(document, indent=1), encoding="utf-8")
    return Path(path)


def _free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def run_stayrtr(
    json_file: Path, *, host: str = "127.0.0.1", start_timeout: float = 15.0
) -> Iterator[tuple[str, int]]:
    """Run the real ``stayrtr`` on ``json_file`` (rpki-client format) and yield (host, port).

    ``stayrtr -cache FILE -bind HOST:PORT -checktime=false -metrics.addr ''``: no
    staleness check on the test file's build time, and no metrics listener (its default
    is the fixed port 9847, which parallel test runs would fight over). The process is
    always stopped on exit; its log is in the error message if it fails to start.
    """
    exe = shutil.which("stayrtr")
    if exe is None:
        raise FileNotFoundError("stayrtr not found (install the Debian package stayrtr)")
    last_error = ""
    for _attempt in range(5):  # a free port can be taken between probing and binding
        port = _free_port(host)
        bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        with tempfile.TemporaryFile() as log:
            proc = subprocess.Popen(
                [
                    exe,
                    "-cache",
                    str(json_file),
                    "-bind",
                    bind,
                    "-checktime=false",
                    "-metrics.addr",
                    "",
                    "-refresh",
                    "3600",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                if _wait_listening(proc, host, port, start_timeout):
                    yield host, port
                    return
                log.seek(0)
                last_error = log.read().decode("utf-8", "replace")[-2000:]
            finally:
                _stop(proc)
    raise RuntimeError(f"stayrtr did not start on {host}: {last_error}")


def _wait_listening(proc: subprocess.Popen[bytes], host: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
