"""A local stand-in of the PeeringDB REST API, for tests (never for production).

It is a real HTTP server (``http.server`` in a thread on 127.0.0.1, port 0) that
answers ``GET /api/<obj>`` and ``GET /api/<obj>/<id>`` the way PeeringDB does:
``{"meta": {}, "data": [...]}``, only ``status: "ok"`` objects unless ``since`` is
given, in which case objects changed at or after that Unix time come back ordered by
``updated``, deleted ones included with ``status: "deleted"``; ``limit``/``skip``
paging; ``depth=0``; field filters (``asn=``, ``ixlan_id=``, ``id__in=``,
``name__contains=``...). It throttles like PeeringDB (a per-minute budget for anonymous
and for API-key clients, HTTP 429 with ``Retry-After``), checks ``Authorization:
Api-Key KEY``, and records every request with the time of its (injectable) clock, so
tests can assert the client's rate and its ``since`` cursors without sleeping.

The data: the real 2016 PeeringDB ``ix``, ``ixlan`` and ``ixpfx`` objects from the
public data set, plus ``net`` and ``netixlan`` objects generated in PeeringDB's shape
(:func:`generate_networks`) with documentation and private-use ASNs, since the public
data set has no networks. Faults (a bad body, a status) can be queued for the next
answers to test the client against hostile responses.
"""

from __future__ import annotations

import ipaddress
import json
import math
import random
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from lakou.peeringdb.schema import OBJECTS, parse_timestamp

# Documentation ASNs (RFC 5398) first, then 32-bit private-use ones (RFC 6996).
DOC_ASNS = [*range(64496, 64512), *range(65536, 65552)]
PRIVATE_ASN_START = 4200000000
# The Caribbean exchanges of the 2016 data set: OCIX (Sint Maarten), MARTINIX, Guyanix.
CARIBBEAN_IX_IDS = (260, 1127, 1134)
PAGING = {"limit", "skip", "depth", "since", "fields"}


class FakeClock:
    """A clock whose ``sleep`` advances time instantly (share it with the client)."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += max(0.0, seconds)


def iso(moment: float) -> str:
    return datetime.fromtimestamp(int(moment), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class PeeringDBData:
    """The objects the stand-in serves, by type and id; changes stamp ``updated``."""

    def __init__(self, objects: Mapping[str, Iterable[Mapping[str, Any]]] | None = None) -> None:
        self.objects: dict[str, dict[int, dict[str, Any]]] = {obj: {} for obj in OBJECTS}
        self._lock = threading.Lock()
        for obj, items in (objects or {}).items():
            for item in items:
                self.objects[obj][int(item["id"])] = dict(item)

    @classmethod
    def from_public_data(
        cls, data_dir: Path, networks: int = 40, seed: int = 2016
    ) -> PeeringDBData:
        """The 2016 ix/ixlan/ixpfx files plus ``networks`` generated nets and their ports."""
        objects: dict[str, list[dict[str, Any]]] = {}
        for obj in ("ix", "ixlan", "ixpfx"):
            path = data_dir / "ixp" / f"peeringdb-2016-{obj}.json"
            objects[obj] = json.loads(path.read_text(encoding="utf-8"))["data"]
        data = cls(objects)
        nets, netixlans = generate_networks(data, networks, seed=seed)
        for net in nets:
            data.objects["net"][net["id"]] = net
        for port in netixlans:
            data.objects["netixlan"][port["id"]] = port
        return data

    def add(self, obj: str, item: Mapping[str, Any], when: float) -> dict[str, Any]:
        with self._lock:
            new = dict(item)
            new.setdefault("id", max(self.objects[obj], default=0) + 1)
            new.setdefault("status", "ok")
            new.setdefault("created", iso(when))
            new["updated"] = iso(when)
            self.objects[obj][int(new["id"])] = new
            return new

    def update(self, obj: str, object_id: int, changes: Mapping[str, Any], when: float) -> None:
        with self._lock:
            self.objects[obj][object_id].update(changes)
            self.objects[obj][object_id]["updated"] = iso(when)

    def delete(self, obj: str, object_id: int, when: float) -> None:
        """PeeringDB soft-deletes: the object stays, ``status: "deleted"``."""
        self.update(obj, object_id, {"status": "deleted"}, when)

    def select(self, obj: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
        """What ``GET /api/<obj>?params`` returns, before paging (``ValueError`` if bad)."""
        with self._lock:
            items = [dict(o) for o in self.objects[obj].values()]
        since = params.get("since")
        if since not in (None, ""):
            after = int(float(since))
            if after > 0:
                items = [
                    o
                    for o in items
                    if o.get("status") in ("ok", "deleted")
                    and parse_timestamp(o["updated"]) >= after
                ]
                items.sort(key=lambda o: (parse_timestamp(o["updated"]), o["id"]))
            else:
                items = [o for o in items if o.get("status") == "ok"]
                items.sort(key=lambda o: o["id"])
        else:
            items = [o for o in items if o.get("status") == "ok"]
            items.sort(key=lambda o: o["id"])
        known = {key for o in self.objects[obj].values() for key in o} | {"id"}
        for key, value in params.items():
            if key in PAGING:
                continue
            name, _sep, op = key.partition("__")
            if name not in known:
                raise ValueError(f"Unknown field '{name}'")
            items = [o for o in items if _matches(o.get(name), op, value)]
        return items


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return "" if value is None else str(value)


def _matches(value: Any, op: str, wanted: str) -> bool:
    if op == "":
        if isinstance(value, bool):
            return wanted.lower() in (("1", "true") if value else ("0", "false"))
        return _text(value).lower() == wanted.lower()
    if op == "in":
        return _text(value) in wanted.split(",")
    if op == "contains":
        return wanted.lower() in _text(value).lower()
    if op == "startswith":
        return _text(value).lower().startswith(wanted.lower())
    if op in ("lt", "lte", "gt", "gte"):
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        limit = float(wanted)
        return {
            "lt": value < limit,
            "lte": value <= limit,
            "gt": value > limit,
            "gte": value >= limit,
        }[op]
    raise ValueError(f"Unknown filter '{op}'")


def generate_networks(
    data: PeeringDBData,
    count: int,
    *,
    seed: int = 2016,
    ix_ids: Iterable[int] = CARIBBEAN_IX_IDS,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``count`` PeeringDB-shaped nets, each with ports (netixlan) on some of ``ix_ids``.

    Addresses are taken in order from the exchanges' real 2016 peering-LAN prefixes.
    The AS-SETs, max-prefix hints, policies and never-via-route-servers flags vary the
    way they do in the real PeeringDB (including free-text AS-SET fields).
    """
    rng = random.Random(seed)
    lans: list[tuple[dict[str, Any], list[ipaddress.IPv4Network | ipaddress.IPv6Network]]] = []
    for ix_id in ix_ids:
        for ixlan in sorted(data.objects["ixlan"].values(), key=lambda o: o["id"]):
            if ixlan["ix_id"] != ix_id:
                continue
            prefixes = [
                ipaddress.ip_network(p["prefix"], strict=False)
                for p in data.objects["ixpfx"].values()
                if p["ixlan_id"] == ixlan["id"] and p.get("status") == "ok"
            ]
            lans.append((ixlan, prefixes))
    next_host: dict[str, int] = {}
    as_set_shapes: list[Callable[[int], str]] = [
        lambda asn: f"AS-NET{asn}",
        lambda asn: f"RIPE::AS-NET{asn}",
        lambda asn: f"AS-NET{asn} AS-NET{asn}-V6",
        lambda asn: f"AS-NET{asn}@RADB",
        lambda asn: f"AS{asn}",
        lambda asn: "",
    ]
    policies = ["Open", "Open", "Selective", "Restrictive", "No"]
    base = datetime(2016, 1, 1, tzinfo=UTC).timestamp()
    nets: list[dict[str, Any]] = []
    ports: list[dict[str, Any]] = []
    for n in range(count):
        asn = DOC_ASNS[n] if n < len(DOC_ASNS) else PRIVATE_ASN_START + n
        net_id = 10000 + n
        updated = iso(base + rng.randrange(0, 200 * 86400))
        nets.append(
            {
                "id": net_id,
                "org_id": 20000 + n,
                "name": f"Generated Network {n + 1}",
                "aka": "",
                "name_long": "",
                "website": f"https://net{n + 1}.example.net" if n % 5 else "",
                "asn": asn,
                "looking_glass": "",
                "route_server": "",
                "irr_as_set": as_set_shapes[n % len(as_set_shapes)](asn),
                "info_type": rng.choice(["NSP", "Cable/DSL/ISP", "Content", "Enterprise"]),
                "info_prefixes4": rng.choice([0, 5, 20, 100, 1500]),
                "info_prefixes6": rng.choice([0, 2, 10, 50]),
                "info_traffic": "",
                "info_ratio": "Balanced",
                "info_scope": "Regional",
                "info_unicast": True,
                "info_multicast": False,
                "info_ipv6": True,
                "info_never_via_route_servers": n % 7 == 3,
                "notes": "",
                "policy_url": "",
                "policy_general": policies[n % len(policies)],
                "policy_locations": "Not Required",
                "policy_ratio": False,
                "policy_contracts": "Not Required",
                "created": updated,
                "updated": updated,
                "status": "ok",
            }
        )
        for ixlan, prefixes in lans:
            if rng.random() < 0.4 and n > 2:
                continue
            port: dict[str, Any] = {
                "id": 50000 + len(ports),
                "net_id": net_id,
                "ix_id": ixlan["ix_id"],
                "ixlan_id": ixlan["id"],
                "name": "",
                "notes": "",
                "speed": rng.choice([1000, 10000]),
                "asn": asn,
                "ipaddr4": None,
                "ipaddr6": None,
                "is_rs_peer": rng.random() < 0.7,
                "operational": True,
                "created": updated,
                "updated": updated,
                "status": "ok",
            }
            for prefix in prefixes:
                key = str(prefix)
                host = next_host.get(key, 10)
                if host >= min(prefix.num_addresses - 1, 1 << 20):
                    continue
                next_host[key] = host + 1
                port[f"ipaddr{prefix.version}"] = str(prefix.network_address + host)
            ports.append(port)
    return nets, ports


@dataclass
class RecordedRequest:
    time: float
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    status: int

    @property
    def obj(self) -> str:
        return self.path.split("/")[2] if self.path.count("/") >= 2 else ""


@dataclass
class Fault:
    """An answer to serve instead of the real one (``obj``: only for that type)."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    obj: str | None = None


class PeeringDBStandIn:
    """The HTTP server; ``with PeeringDBStandIn(data) as api: api.url``."""

    def __init__(
        self,
        data: PeeringDBData,
        *,
        clock: Callable[[], float] | None = None,
        anonymous_per_minute: int = 20,
        authenticated_per_minute: int = 40,
        api_keys: Iterable[str] = (),
        require_api_key: bool = False,
    ) -> None:
        self.data = data
        self.clock: Callable[[], float] = clock or FakeClock()
        self.limits = {"anonymous": anonymous_per_minute, "key": authenticated_per_minute}
        self.api_keys = set(api_keys)
        self.require_api_key = require_api_key
        self.requests: list[RecordedRequest] = []
        self.faults: deque[Fault] = deque()
        self._windows: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the stand-in first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api"

    def start(self) -> PeeringDBStandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out without delay

            def do_GET(self) -> None:
                status, headers, body = stand_in.answer(self.path, dict(self.headers.items()))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the request log is stand_in.requests

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> PeeringDBStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def inject(self, fault: Fault) -> None:
        self.faults.append(fault)

    # -- the API ----------------------------------------------------------------------

    def answer(
        self, raw_path: str, headers: Mapping[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(raw_path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        lower = {k.lower(): v for k, v in headers.items()}
        with self._lock:
            now = self.clock()
            status, out_headers, body = self._answer(parts.path, params, lower, now)
            self.requests.append(RecordedRequest(now, parts.path, params, lower, status))
        out_headers.setdefault("Content-Type", "application/json")
        return status, out_headers, body

    def _answer(
        self, path: str, params: dict[str, str], headers: Mapping[str, str], now: float
    ) -> tuple[int, dict[str, str], bytes]:
        auth = headers.get("authorization", "")
        identity = "anonymous"
        if auth:
            scheme, _sep, key = auth.partition(" ")
            if scheme != "Api-Key" or key.strip() not in self.api_keys:
                return _error(401, "Invalid API key")
            identity = "key"
        elif self.require_api_key:
            return _error(401, "Authentication credentials were not provided.")
        window = self._windows.setdefault(identity, deque())
        while window and window[0] <= now - 60:
            window.popleft()
        if len(window) >= self.limits[identity]:
            wait = max(1, math.ceil(window[0] + 60 - now))
            body = {"message": f"Request was throttled. Expected available in {wait} seconds."}
            return 429, {"Retry-After": str(wait)}, json.dumps(body).encode()
        window.append(now)
        segments = [s for s in path.split("/") if s]
        if len(segments) < 2 or segments[0] != "api" or segments[1] not in OBJECTS:
            return _error(404, "Not found")
        obj = segments[1]
        for i, fault in enumerate(self.faults):
            if fault.obj in (None, obj):
                del self.faults[i]
                return fault.status, dict(fault.headers), fault.body
        if len(segments) == 3:
            try:
                found = self.data.objects[obj].get(int(segments[2]))
            except ValueError:
                found = None
            if found is None or found.get("status") != "ok":
                return _error(404, "Not found")
            return 200, {}, _envelope([found])
        if len(segments) != 2:
            return _error(404, "Not found")
        try:
            depth = int(params.get("depth", "0") or 0)
            limit = int(params.get("limit", "0") or 0)
            skip = int(params.get("skip", "0") or 0)
            if depth != 0:
                raise ValueError("this stand-in serves depth=0 only")
            if limit < 0 or skip < 0:
                raise ValueError("limit and skip must not be negative")
            items = self.data.select(obj, params)
        except ValueError as exc:
            return _error(400, str(exc))
        items = items[skip:]
        if limit:
            items = items[:limit]
        return 200, {}, _envelope(items)

    # -- what tests assert ----------------------------------------------------------

    def max_requests_per_window(self, seconds: float = 60.0) -> int:
        """The most requests the server saw in any ``seconds``-long window."""
        times = sorted(r.time for r in self.requests)
        best = 0
        start = 0
        for end, moment in enumerate(times):
            while times[start] <= moment - seconds:
                start += 1
            best = max(best, end - start + 1)
        return best


def _envelope(items: list[dict[str, Any]]) -> bytes:
    return json.dumps({"meta": {}, "data": items}, ensure_ascii=False).encode("utf-8")


def _error(status: int, message: str) -> tuple[int, dict[str, str], bytes]:
    return status, {}, json.dumps({"meta": {"error": message}}).encode()
