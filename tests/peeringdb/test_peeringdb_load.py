"""``lakou peeringdb load``: PeeringDB from files, with no network at all.

The real 2016 PeeringDB objects (one file per type, as the API answers) plus the
shipped example networks fill the cache; pre-fill and compare then work with every
socket refused, and ``sync`` says at once that PeeringDB cannot be reached.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from lakou.cli import main
from lakou.peeringdb.cache import PeeringDBCache
from lakou.peeringdb.client import PeeringDBClient, PeeringDBUnreachableError
from lakou.peeringdb.dump import DumpError, read_dump
from lakou.peeringdb.testing import FakeClock

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "peeringdb-networks.json"


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every attempt to resolve a name or open a connection fails, and is recorded."""
    attempts: list[str] = []

    def no_dns(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(f"getaddrinfo {host}")
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    def no_connect(self: socket.socket, address: Any) -> None:
        attempts.append(f"connect {address}")
        raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    monkeypatch.setattr(socket.socket, "connect", no_connect)
    return attempts


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"LAKOU_CORE__DATA_DIR": str(tmp_path), "LAKOU_LANGUAGE": "en"}


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


def _snapshot(path: Path) -> dict[str, Any]:
    with PeeringDBCache(path) as cache:
        db = cache._db()
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {
            t: sorted(tuple(row) for row in db.execute(f"SELECT * FROM {t}"))
            for t in tables
            if t != "sync_state"
        } | {"state": sorted(tuple(r)[:2] for r in db.execute("SELECT * FROM sync_state"))}


@pytest.mark.django_db
def test_real_dumps_then_prefill_and_compare_offline(
    shared_data: Path, env: dict[str, str], tmp_path: Path, offline: list[str]
) -> None:
    from lakou.registry import models as m

    dumps = sorted(str(p) for p in (shared_data / "ixp").glob("peeringdb-2016-*.json"))
    assert len(dumps) == 3, dumps
    code, out = run(env, "peeringdb", "load", *dumps, str(EXAMPLE), "--format", "json")
    assert code == 0, out
    doc = json.loads(out)
    counts = {t["obj"]: t["upserted"] for t in doc["types"]}
    assert counts == {"ix": 557, "ixlan": 559, "ixpfx": 793, "net": 2, "netixlan": 2}
    assert all(t["mode"] == "dump" for t in doc["types"])

    with PeeringDBCache(tmp_path / "peeringdb.sqlite3") as cache:
        ocix = cache.ix(260)
        assert ocix is not None and ocix["name"] == "OCIX"
        prefixes = {p["prefix"] for lan in cache.ixlans_of(260) for p in cache.ixpfx_of(lan["id"])}
        assert prefixes == {"200.0.22.0/23", "2001:13c7:6002::/48"}

    m.Exchange.objects.create(slug="ocix", name="OCIX", country="SX", peeringdb_ix_id=260)
    code, out = run(env, "peeringdb", "prefill", "64500", "--exchange", "ocix")
    assert code == 0, out
    assert "Example Island Telecom (example)" in out and "what --apply would change" in out
    assert "RADB::AS-EXAMPLE-ISLAND AS64500" in out

    code, out = run(env, "peeringdb", "compare", "--exchange", "ocix", "--format", "json")
    assert code == 0, out
    missing = {r["asn"] for r in json.loads(out) if r["kind"] == "missing_in_registry"}
    assert missing == {64500, 64501}
    assert offline == []  # none of this tried the network

    code, out = run(env, "peeringdb", "sync")
    assert code == 1
    assert "cannot reach PeeringDB" in out and "lakou peeringdb load" in out
    assert len([a for a in offline if a.startswith("getaddrinfo")]) == 1  # no retries
    assert _snapshot(tmp_path / "peeringdb.sqlite3")["ix"]  # the loaded data is still there


def test_full_dump_keyed_by_type(tmp_path: Path, env: dict[str, str]) -> None:
    ix = {
        "id": 7,
        "status": "ok",
        "updated": "2020-05-01T00:00:00Z",
        "name": "Example IX",
        "proto_unicast": True,
    }
    full = {
        "fac": {"data": [{"id": 1}, {"id": 2}]},
        "org": {"data": [{"id": 3}]},
        "ix": {"meta": {}, "data": [ix]},
        **json.loads(EXAMPLE.read_text()),
    }
    path = tmp_path / "peeringdb_2_dump_2020_05_01.json"
    path.write_text(json.dumps(full))
    code, out = run(env, "peeringdb", "load", str(path))
    assert code == 0, out
    assert "Example IX" not in out  # a summary, not the objects
    assert "net" in out and "netixlan" in out
    assert "Not kept (lakou does not use these types): fac (2), org (1)" in out
    code, out = run(env, "peeringdb", "show", "64501")
    assert code == 0 and "Example Hosting (example)" in out


def test_type_from_the_fields_when_the_name_says_nothing(tmp_path: Path) -> None:
    doc = json.loads(EXAMPLE.read_text())
    for obj in ("net", "netixlan"):
        (tmp_path / f"download-{len(obj)}.json").write_text(json.dumps(doc[obj]))
    dump = read_dump(sorted(tmp_path.glob("*.json")))
    assert {k: len(v) for k, v in dump.objects.items()} == {"net": 2, "netixlan": 2}


BAD: list[tuple[str, str, str]] = [
    ("ix.json", '{"data": [', r"ix\.json: line 1, column 11: not JSON"),
    ("ix.json", '{"meta": {}}', r"ix\.json: expected an object with a 'data' list"),
    ("ix.json", '{"data": {"id": 1}}', r"ix\.json: data: expected a list, got dict"),
    (
        "net.json",
        '{"data": [{"id": 1, "status": "ok", "updated": "2016-01-01T00:00:00Z", '
        '"asn": "x", "name": "n"}]}',
        r"net\.json: data\[0\]\.asn: expected an integer, got 'x'",
    ),
    (
        "full.json",
        '{"net": {"data": [{"id": 1, "status": "ok", "updated": "2016-01-01T00:00:00Z", '
        '"asn": 64500}]}}',
        r"full\.json: net: data\[0\]\.name: required field is missing",
    ),
    ("misc.json", '{"data": [{"id": 1, "city": "Paris"}]}', r"cannot tell which PeeringDB"),
    ("empty.json", '{"fac": {"data": []}}', r"no PeeringDB object of a type lakou keeps"),
    ("nan.json", '{"data": [{"id": NaN}]}', r"nan\.json: not usable JSON: NaN"),
]


@pytest.mark.parametrize("name,text,message", BAD, ids=[b[2][:30] for b in BAD])
def test_bad_file_one_line_and_nothing_written(
    tmp_path: Path, env: dict[str, str], name: str, text: str, message: str
) -> None:
    assert run(env, "peeringdb", "load", str(EXAMPLE))[0] == 0
    before = _snapshot(tmp_path / "peeringdb.sqlite3")
    bad = tmp_path / "in" / name
    bad.parent.mkdir()
    bad.write_text(text)
    # The good file first: even so, nothing of it is written when the second is bad.
    code, out = run(env, "peeringdb", "load", str(EXAMPLE), str(bad))
    assert code == 1
    first = out.strip().splitlines()[0]
    assert str(bad) in first
    import re

    assert re.search(message, first), first
    assert "Traceback" not in out and "Nothing was written" in out
    assert _snapshot(tmp_path / "peeringdb.sqlite3") == before
    with pytest.raises(DumpError):
        read_dump([bad])


def test_missing_file_is_one_line(env: dict[str, str], tmp_path: Path) -> None:
    code, out = run(env, "peeringdb", "load", str(tmp_path / "nope.json"))
    assert code == 1 and "nope.json: cannot read: No such file or directory" in out


def test_french(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "ix.json").write_text('{"data": [')
    code, out = run(env, "-L", "fr", "peeringdb", "load", str(tmp_path / "ix.json"))
    assert code == 1 and "pas du JSON" in out and "Rien n'a été écrit" in out


def test_unreachable_fails_at_once_without_retries() -> None:
    clock = FakeClock()
    calls: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    client = PeeringDBClient(
        "http://peeringdb.invalid/api",
        max_retries=5,
        clock=clock,
        sleep=clock.sleep,
        transport=httpx.MockTransport(refuse),
    )
    start = clock()
    with client, pytest.raises(PeeringDBUnreachableError, match="lakou peeringdb load"):
        client.get("ix")
    assert len(calls) == 1 and client.stats.retries == 0 and clock() == start


def test_once_reached_a_lost_connection_is_retried_and_said() -> None:
    clock = FakeClock()
    answers = iter(["ok", "refuse", "ok"])
    said: list[tuple[str, float]] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        if next(answers) == "refuse":
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return httpx.Response(200, json={"meta": {}, "data": []})

    client = PeeringDBClient(
        "http://peeringdb.invalid/api",
        max_retries=5,
        clock=clock,
        sleep=clock.sleep,
        transport=httpx.MockTransport(flaky),
        on_retry=lambda why, seconds: said.append((why, seconds)),
    )
    with client:
        assert client.get("ix") == []
        assert client.get("net") == []
    assert client.stats.retries == 1
    assert len(said) == 1 and "Connection refused" in said[0][0] and said[0][1] == 1.0
