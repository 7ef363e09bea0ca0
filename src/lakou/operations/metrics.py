"""``/metrics``: every series of the install in the Prometheus text format, to allowed
addresses only.

What it serves, gathered at each scrape: the scheduled jobs from their record (last run,
last success, outcome, duration), the textfiles other processes leave in
``<data_dir>/metrics`` (the flow collector, route-server builds and deploys; see
:mod:`lakou.metrics`), and the portal's own HTTP counters and process figures.

Who may read it: addresses in ``portal.metrics_allow`` (default loopback only); everyone
else gets 403. A request relayed by a proxy (``X-Forwarded-For``, ``Forwarded``,
``X-Real-IP``) is refused too: the proxy's loopback address is not the asker's, and a
public reverse proxy must not open the metrics to the Internet. Scrape the portal
directly.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector

from lakou.metrics import metrics_dir
from lakou.operations.jobs import FAILED, JOBS, RUNNING, SUCCEEDED

log = logging.getLogger(__name__)
# The classic text format every Prometheus reads (Debian 12 ships Prometheus 2.42).
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


class JobsCollector(Collector):
    """The scheduled jobs' series, read from the run record at each scrape."""

    def collect(self) -> Iterator[Metric]:
        from lakou.operations.models import JobRun

        last_run = GaugeMetricFamily(
            "lakou_job_last_run_timestamp_seconds", "When the job last started.", labels=["job"]
        )
        last_ok = GaugeMetricFamily(
            "lakou_job_last_success_timestamp_seconds",
            "When the job last ended with success (absent: never).",
            labels=["job"],
        )
        outcome = GaugeMetricFamily(
            "lakou_job_last_outcome",
            "1 for the outcome of the job's last run (running, succeeded, failed).",
            labels=["job", "outcome"],
        )
        duration = GaugeMetricFamily(
            "lakou_job_last_duration_seconds", "How long the job's last ended run took.",
            labels=["job"],
        )  # fmt: skip
        recorded = GaugeMetricFamily(
            "lakou_job_runs_recorded",
            "Runs in the record, by outcome (the record keeps jobs.keep_runs per job).",
            labels=["job", "outcome"],
        )
        for name in JOBS:
            runs = JobRun.objects.filter(job=name)
            last = runs.first()
            if last is not None:
                last_run.add_metric([name], last.started_at.timestamp())
                for state in (RUNNING, SUCCEEDED, FAILED):
                    outcome.add_metric([name, state], 1.0 if last.outcome == state else 0.0)
            ended = runs.exclude(ended_at=None).first()
            if ended is not None and ended.duration is not None:
                duration.add_metric([name], ended.duration)
            ok = runs.filter(outcome=SUCCEEDED).first()
            if ok is not None and ok.ended_at is not None:
                last_ok.add_metric([name], ok.ended_at.timestamp())
            for state in (RUNNING, SUCCEEDED, FAILED):
                recorded.add_metric([name, state], runs.filter(outcome=state).count())
        yield from (last_run, last_ok, outcome, duration, recorded)


class TextfileCollector(Collector):
    """The series other processes wrote to ``*.prom`` files, merged by name."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def collect(self) -> Iterator[Metric]:
        merged: dict[str, Metric] = {}
        for path in sorted(self.directory.glob("*.prom")):
            try:
                families = list(text_string_to_metric_families(path.read_text("utf-8")))
            except (OSError, ValueError) as exc:  # a half-written or foreign file
                log.warning("metrics: skipping %s: %s", path, exc)
                continue
            for family in families:
                into = merged.setdefault(
                    family.name, Metric(family.name, family.documentation, family.type)
                )
                into.samples.extend(family.samples)
        yield from merged.values()


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(JobsCollector())
    registry.register(TextfileCollector(metrics_dir(settings.LAKOU_CONFIG.core.data_dir)))
    return registry


def allowed(request: HttpRequest) -> bool:
    if any(request.META.get(h) for h in FORWARDED_HEADERS):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", "").split("%")[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(
        address in ipaddress.ip_network(net, strict=False)
        for net in settings.LAKOU_CONFIG.portal.metrics_allow
    )


def metrics(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        return HttpResponseForbidden(
            "metrics: this address is not in portal.metrics_allow\n", content_type="text/plain"
        )
    from lakou.portal import HTTP_REGISTRY

    body = generate_latest(_registry()) + generate_latest(HTTP_REGISTRY)
    return HttpResponse(body, content_type=CONTENT_TYPE)
