"""/metrics: the Prometheus text format, allowed addresses only, with the jobs, the flow
collector, the route servers and the HTTP requests; the access log."""

from __future__ import annotations

import asyncio
import io
import shutil
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from click.testing import CliRunner
from django.conf import settings
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from lakou.cli import main
from lakou.flows.config import Listener
from lakou.flows.inlet import Collector
from lakou.flows.pipeline import Pipeline
from lakou.flows.testing import SampledFrame, datagram
from lakou.flows.trust import ExporterAllowList
from lakou.metrics import metrics_dir
from lakou.operations.jobs import Outcome
from lakou.operations.models import JobRun
from lakou.operations.record import finish
from lakou.routeserver.deploy import DeployResult
from lakou.routeserver.exposition import record_deploy
from lakou.routeserver.gate import SessionRoutes, judge

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_metrics_dir() -> Iterator[Path]:
    directory = metrics_dir(settings.LAKOU_CONFIG.core.data_dir)
    shutil.rmtree(directory, ignore_errors=True)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample, keyed by name and sorted labels (the text must parse)."""
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def scrape(client: Client, **meta: Any) -> str:
    answer = client.get("/metrics", **meta)
    assert answer.status_code == 200, answer.content
    assert answer["Content-Type"].startswith("text/plain; version=0.0.4")
    return answer.content.decode()


def test_metrics_only_to_allowed_addresses(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
    refused = client.get("/metrics", REMOTE_ADDR="192.0.2.7")
    assert refused.status_code == 403 and b"portal.metrics_allow" in refused.content
    # relayed by a reverse proxy on loopback: the asker is not loopback
    relayed = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert relayed.status_code == 403
    portal = settings.LAKOU_CONFIG.portal.model_copy(update={"metrics_allow": ["192.0.2.0/24"]})
    config = settings.LAKOU_CONFIG.model_copy(update={"portal": portal})
    monkeypatch.setattr(settings, "LAKOU_CONFIG", config)
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


def test_metrics_allow_rejects_what_is_not_a_network() -> None:
    from pydantic import ValidationError

    from lakou.portal.config import Config

    with pytest.raises(ValidationError, match="'localhost' is not an address or a network"):
        Config(metrics_allow=["localhost"])


def test_job_series(client: Client) -> None:
    ok = JobRun.objects.create(job="rs-refresh", started_at=timezone.now() - timedelta(hours=6))
    finish(ok, Outcome(True, "deployed", []))
    bad = JobRun.objects.create(job="rs-refresh", started_at=timezone.now())
    finish(bad, Outcome(False, "rs build failed", []))
    got = samples(scrape(client))
    job = (("job", "rs-refresh"),)
    assert got[("lakou_job_last_outcome", (("job", "rs-refresh"), ("outcome", "failed")))] == 1
    assert got[("lakou_job_last_outcome", (("job", "rs-refresh"), ("outcome", "succeeded")))] == 0
    ok.refresh_from_db()
    assert ok.ended_at is not None
    assert got[("lakou_job_last_success_timestamp_seconds", job)] == ok.ended_at.timestamp()
    assert got[("lakou_job_last_run_timestamp_seconds", job)] == bad.started_at.timestamp()
    assert ("lakou_job_last_success_timestamp_seconds", (("job", "backup"),)) not in got


def test_collector_series_from_a_real_collector(client: Client, clean_metrics_dir: Path) -> None:
    frame = SampledFrame("02:00:00:00:00:01", "02:00:00:00:00:02", "192.0.2.1", "198.51.100.1")

    async def run() -> Collector:
        c = Collector(
            Pipeline(),
            [Listener(address="127.0.0.1", port=0, protocol="sflow")],
            ExporterAllowList.from_entries([("127.0.0.1", "switch")]),
            metrics_file=clean_metrics_dir / "collector.prom",
        )
        await c.start()
        friend = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        friend.bind(("127.0.0.1", 0))
        stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        stranger.bind(("127.0.0.3", 0))
        for seq in range(1, 4):
            friend.sendto(datagram("127.0.0.1", [frame], sequence=seq), c.bound[0])
        friend.sendto(b"\x00\x00\x00\x05garbage", c.bound[0])
        stranger.sendto(datagram("127.0.0.3", [frame]), c.bound[0])
        friend.close()
        stranger.close()
        assert await c.drained(5, timeout=300)  # the first decode compiles (numba)
        await c.stop()
        return c

    collector = asyncio.run(run())
    got = samples(scrape(client))
    assert got[("lakou_collector_datagrams_received_total", ())] == 5
    assert got[("lakou_collector_exporter_datagrams_total", (("exporter", "127.0.0.1"),))] == 4
    reason = (("reason", "unknown_exporter"),)
    assert got[("lakou_collector_datagrams_dropped_total", reason)] == 1
    assert got[("lakou_collector_datagrams_dropped_total", (("reason", "malformed"),))] == 1
    assert (
        got[("lakou_collector_unknown_exporter_datagrams_total", (("source", "127.0.0.3"),))] == 1
    )
    (malformed,) = [k for k in got if k[0] == "lakou_collector_malformed_datagrams_total"]
    assert dict(malformed[1])["protocol"] == "sflow"
    assert got[("lakou_collector_records_total", ())] == collector.pipeline.counters["records"] > 0


def test_route_server_series(client: Client, tmp_path: Path) -> None:
    clients = tmp_path / "clients.yml"
    clients.write_text(
        "clients:\n  - asn: 3333\n    ip: 192.0.2.11\n  - asn: 10745\n    ip: 192.0.2.22\n"
    )
    result = CliRunner().invoke(
        main,
        ["rs", "build", "--clients", str(clients), "--no-irr", "--no-check",
         "--route-server", "rs1", "--out", str(tmp_path / "bird.conf")],
    )  # fmt: skip
    # --route-server names the server in the series even when building from clients.yml
    assert result.exit_code == 0, result.output
    before = {"s1": SessionRoutes(up=True, accepted=120), "s2": SessionRoutes(up=True, accepted=30)}
    after = {"s1": SessionRoutes(up=True, accepted=118), "s2": SessionRoutes(up=True, accepted=30)}
    deployed = DeployResult(
        tmp_path / "h.conf", None, sessions_up=2, verdict=judge(before, after, 0.1)
    )
    record_deploy(settings.LAKOU_CONFIG.core.data_dir, "rs1", 4.5, deployed)
    got = samples(scrape(client))
    rs = (("route_server", "rs1"),)
    assert got[("lakou_rs_build_clients", rs)] == 2
    assert got[("lakou_rs_build_last_success_timestamp_seconds", rs)] > 1.7e9
    assert got[("lakou_rs_accepted_routes", rs)] == 148
    assert got[("lakou_rs_deploy_duration_seconds", rs)] == 4.5
    assert got[("lakou_rs_deploy_sessions_up", rs)] == 2


def test_a_broken_textfile_is_skipped_not_fatal(client: Client, clean_metrics_dir: Path) -> None:
    clean_metrics_dir.mkdir(parents=True)
    (clean_metrics_dir / "broken.prom").write_text("this is { not prometheus\n")
    assert "lakou_job_last_outcome" in scrape(client)


def test_access_log_and_http_series(
    client: Client, capsys: pytest.CaptureFixture[str], django_db_setup: None
) -> None:
    from lakou.portal.server import wsgi_app

    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    app = wsgi_app()
    environ: dict[str, Any] = {
        "PATH_INFO": "/api/exchanges",
        "QUERY_STRING": "limit=5",
        "REMOTE_ADDR": "198.51.100.4",
        "REQUEST_METHOD": "GET",
        "SERVER_NAME": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
    }
    setup_testing_defaults(environ)
    seen: list[str] = []
    body = app(environ, lambda status, headers, exc=None: seen.append(status))
    size = sum(len(chunk) for chunk in body)
    body.close()
    line = capsys.readouterr().out.strip().splitlines()[-1]
    code = seen[0].split()[0]
    assert line.startswith("198.51.100.4 - - [")
    assert f'] "GET /api/exchanges?limit=5 HTTP/1.0" {code} {size}' in line
    got = samples(scrape(client))
    key = ("lakou_http_requests_total", (("area", "api"), ("method", "GET"), ("status", code)))
    assert got[key] >= 1
    assert got[("lakou_http_request_duration_seconds_count", (("area", "api"),))] >= 1
