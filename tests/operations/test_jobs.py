"""``lakou jobs run`` records real runs: each job failing for a real reason, and
succeeding where this machine can make it succeed, read back with ``jobs last``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.slow


class Install:
    """A lakou configuration in a temp directory, its own SQLite registry migrated."""

    def __init__(self, root: Path, extra: dict[str, Any] | None = None) -> None:
        self.root = root
        self.config = root / "lakou.yml"
        data: dict[str, Any] = {"core": {"data_dir": str(root / "data")}}
        for section, values in (extra or {}).items():
            data.setdefault(section, {}).update(values)
        self.config.write_text(yaml.safe_dump(data))
        self.lakou("db", "migrate")

    def lakou(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LAKOU_", "DJANGO_"))}
        out = subprocess.run(
            [sys.executable, "-m", "lakou", "--config", str(self.config), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        if check and out.returncode != 0:
            raise AssertionError(f"lakou {args}: {out.returncode}\n{out.stdout}\n{out.stderr}")
        return out

    def last(self, job: str) -> dict[str, Any]:
        runs = json.loads(self.lakou("jobs", "last", job, "--format", "json").stdout)
        assert runs, f"no run of {job} recorded"
        return runs[0]

    def django(self, code: str) -> None:
        """Python with Django set up on this install (to put rows in its registry)."""
        setup = (
            "from lakou.config import load_config\n"
            "from lakou.portal.setup import setup_django\n"
            f"setup_django(load_config({str(self.config)!r}))\n"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LAKOU_", "DJANGO_"))}
        out = subprocess.run(
            [sys.executable, "-c", setup + code], capture_output=True, text=True, env=env
        )
        assert out.returncode == 0, out.stderr


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _assert_failed(run: dict[str, Any], *words: str) -> None:
    assert run["outcome"] == "failed", run
    assert run["ended_at"] and run["ended_at"] >= run["started_at"]
    for word in words:
        assert word in run["message"], (word, run["message"])


def test_rs_refresh_without_route_servers_fails_and_is_recorded(tmp_path: Path) -> None:
    inst = Install(tmp_path)
    out = inst.lakou("jobs", "run", "rs-refresh", check=False)
    assert out.returncode == 1
    assert "routeserver.deploy_servers is empty" in out.stderr
    _assert_failed(inst.last("rs-refresh"), "routeserver.deploy_servers is empty")


def test_rs_refresh_on_an_exchange_without_route_servers(tmp_path: Path) -> None:
    inst = Install(
        tmp_path,
        {
            "routeserver": {
                "deploy_servers": [
                    {
                        "name": "rs1",
                        "exchange": "test-ix",
                        "config_path": str(tmp_path / "bird.conf"),
                        "control_socket": str(tmp_path / "bird.ctl"),
                        "new_config": str(tmp_path / "bird.conf.new"),
                    }
                ]
            }
        },
    )
    inst.django(
        "from lakou.registry.models import Exchange\n"
        "Exchange.objects.create(slug='test-ix', name='Test IX', country='GP')\n"
    )
    out = inst.lakou("jobs", "run", "rs-refresh", check=False)
    assert out.returncode == 1
    run = inst.last("rs-refresh")
    # the build step fails (the exchange has no route server rs1); nothing is deployed
    _assert_failed(run, "lakou rs build --exchange test-ix --route-server rs1", "rs1")
    assert run["steps"] == [
        f"lakou rs build --exchange test-ix --route-server rs1 --daemon bird2 --out "
        f"{tmp_path / 'bird.conf.new'}"
    ]
    assert not (tmp_path / "bird.conf.new").exists()


def test_flows_rollup_succeeds_and_is_recorded(tmp_path: Path) -> None:
    inst = Install(tmp_path, {"flows": {"store_dir": str(tmp_path / "flows")}})
    out = inst.lakou("jobs", "run", "flows-rollup")
    assert "$ lakou flows maintain" in out.stdout
    run = inst.last("flows-rollup")
    assert run["outcome"] == "succeeded", run
    assert "roll-ups written" in run["message"] and "partitions expired" in run["message"]
    assert run["steps"] == ["lakou flows maintain"]
    listed = {
        r["job"]: r for r in json.loads(inst.lakou("jobs", "list", "--format", "json").stdout)
    }
    assert listed["flows-rollup"]["last_outcome"] == "succeeded"
    assert listed["flows-rollup"]["last_success"]
    assert listed["peeringdb-sync"]["last_outcome"] is None


def test_flows_rollup_on_an_unreachable_store_fails(tmp_path: Path) -> None:
    ch = {"host": "127.0.0.1", "port": _closed_port()}
    inst = Install(tmp_path, {"flows": {"store": "clickhouse", "clickhouse": ch}})
    out = inst.lakou("jobs", "run", "flows-rollup", check=False)
    assert out.returncode == 1
    _assert_failed(inst.last("flows-rollup"), "lakou flows maintain: failed (exit 1)")


def test_territory_refresh_with_unreachable_sources_fails(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/delegated.txt"
    inst = Install(
        tmp_path,
        {"territory": {"update_urls": {"delegated.txt": url}, "download_timeout_seconds": 5}},
    )
    out = inst.lakou("jobs", "run", "territory-refresh", check=False)
    assert out.returncode == 1
    run = inst.last("territory-refresh")
    _assert_failed(run, "lakou territory update: failed", "download(s) failed")
    assert run["steps"] == ["lakou territory update"]  # the build did not run


DELEGATED = """2|lacnic|20240101|3|19700101|20240101|-0300
lacnic|*|asn|*|1|summary
lacnic|*|ipv4|*|2|summary
lacnic|GP|asn|64500|1|20100101|allocated|abc
lacnic|GP|ipv4|200.0.22.0|256|20100101|allocated|abc
lacnic|GP|ipv4|200.0.23.0|256|20100101|allocated|abc
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_territory_refresh_downloads_and_rebuilds_the_prefix_table(tmp_path: Path) -> None:
    # a stand-in of the RIR's web site: plain HTTP on loopback, serving one delegated file
    site = tmp_path / "site"
    site.mkdir()
    (site / "delegated-lacnic-extended-latest").write_text(DELEGATED)
    handler = partial(_QuietHandler, directory=str(site))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{server.server_address[1]}/delegated-lacnic-extended-latest"
        prefixes = tmp_path / "prefixes.csv"
        inst = Install(
            tmp_path,
            {
                "territory": {
                    "countries": ["GP"],
                    "update_urls": {"delegated-lacnic-extended-latest": url},
                },
                "flows": {"prefixes_file": str(prefixes)},
            },
        )
        try:
            inst.lakou("jobs", "run", "territory-refresh")
        finally:
            server.shutdown()
    run = inst.last("territory-refresh")
    assert run["outcome"] == "succeeded", run
    assert run["steps"] == [
        "lakou territory update",
        f"lakou territory build --registry --format csv --out {prefixes}",
    ]
    rows = prefixes.read_text().splitlines()
    assert rows[0].startswith("prefix,asn,territory")
    assert {r.split(",")[0] for r in rows[1:]} == {"200.0.22.0/24", "200.0.23.0/24"}


def test_backup_job_calls_lakou_backup_into_the_backup_dir(tmp_path: Path) -> None:
    inst = Install(tmp_path, {"jobs": {"backup_dir": str(tmp_path / "backups")}})
    out = inst.lakou("jobs", "run", "backup", check=False)
    run = inst.last("backup")
    (step,) = run["steps"]
    assert step.startswith(f"lakou backup --out {tmp_path / 'backups'}/lakou-")
    has_backup = inst.lakou("backup", "--help", check=False).returncode == 0
    if has_backup:  # the backup command (another branch) is in this build
        assert out.returncode == 0 and run["outcome"] == "succeeded", run
    else:
        assert out.returncode == 1
        _assert_failed(run, "No such command 'backup'")


def test_a_second_run_of_the_same_job_is_refused_while_one_runs(tmp_path: Path) -> None:
    import fcntl

    inst = Install(tmp_path, {"flows": {"store_dir": str(tmp_path / "flows")}})
    lock = tmp_path / "data" / "jobs" / "flows-rollup.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running flows-rollup holds it
        out = inst.lakou("jobs", "run", "flows-rollup", check=False)
        other = inst.lakou("jobs", "run", "rs-refresh", check=False)
    assert out.returncode == 1
    _assert_failed(inst.last("flows-rollup"), "another run of flows-rollup is in progress")
    assert "deploy_servers is empty" in inst.last("rs-refresh")["message"]  # not blocked
    assert other.returncode == 1
    inst.lakou("jobs", "run", "flows-rollup")  # the lock is free again
    assert inst.last("flows-rollup")["outcome"] == "succeeded"


def test_an_unknown_job_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    inst = Install(tmp_path)
    out = inst.lakou("jobs", "run", "nightly", check=False)
    assert out.returncode == 2
    assert "rs-refresh" in out.stderr and "flows-rollup" in out.stderr
    assert json.loads(inst.lakou("jobs", "last", "--format", "json").stdout) == []


def test_peeringdb_sync_succeeds_against_the_stand_in_and_is_recorded(tmp_path: Path) -> None:
    from lakou.peeringdb.testing import PeeringDBData, PeeringDBStandIn

    ix = {"id": 1, "name": "Test IX", "status": "ok", "created": "2020-01-01T00:00:00Z",
          "updated": "2020-01-01T00:00:00Z"}  # fmt: skip
    with PeeringDBStandIn(PeeringDBData({"ix": [ix]}), anonymous_per_minute=1000) as api:
        inst = Install(tmp_path, {"registry": {"peeringdb": {"url": api.url}}})
        inst.lakou("jobs", "run", "peeringdb-sync")
    run = inst.last("peeringdb-sync")
    assert run["outcome"] == "succeeded", run
    assert run["steps"] == ["lakou peeringdb sync"]
    assert (tmp_path / "data" / "peeringdb.sqlite3").is_file()


def test_peeringdb_sync_against_a_closed_port_fails(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/api"
    inst = Install(tmp_path, {"registry": {"peeringdb": {"url": url, "max_retries": 0}}})
    out = inst.lakou("jobs", "run", "peeringdb-sync", check=False)
    assert out.returncode == 1
    _assert_failed(inst.last("peeringdb-sync"), "lakou peeringdb sync: failed")
