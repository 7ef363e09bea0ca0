"""Staff pages of operations: the last runs of the scheduled jobs, failures first to see."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lakou.operations.jobs import FAILED, JOBS
from lakou.operations.record import last_runs, latest_per_job


@staff_member_required
def jobs(request: HttpRequest) -> HttpResponse:
    """Each job's last run and last success, then the last 100 runs of all jobs."""
    latest = latest_per_job()
    summary: list[dict[str, Any]] = [
        {
            "name": name,
            "description": job.description,
            "last": latest[name]["last"],
            "last_success": latest[name]["last_success"],
        }
        for name, job in JOBS.items()
    ]
    return render(
        request,
        "operations/jobs.html",
        {
            "summary": summary,
            "runs": last_runs(limit=100),
            "failing": [row for row in summary if row["last"] and row["last"].outcome == FAILED],
        },
    )
