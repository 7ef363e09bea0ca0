"""Record job runs: a row when the run starts (so a run that dies is seen as running,
then stale), the outcome and message when it ends, old rows pruned.

What ``lakou jobs`` prints: :func:`job_roll` (each job, what it does, how its last run
ended) and :func:`run_as_dict` (one run, the JSON of ``jobs last``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from lakou.i18n import gettext as _
from lakou.operations.jobs import (
    FAILED,
    JOBS,
    SUCCEEDED,
    JobError,
    Outcome,
    exclusive,
    run_steps,
)
from lakou.operations.models import JobRun


def run_and_record(
    name: str, config: Any, config_path: str | None, echo: Callable[[str], None] | None = None
) -> JobRun:
    job = JOBS[name]
    run = JobRun.objects.create(job=name, started_at=timezone.now())
    with exclusive(config.core.data_dir, name) as alone:
        if not alone:
            outcome = Outcome(False, _("another run of {name} is in progress").format(name=name))
        else:
            try:
                waiting = waiting_exchanges() if job.only_waiting else None
                steps = job.steps(config, only=waiting) if waiting else job.steps(config)
            except JobError as exc:
                outcome = Outcome(False, str(exc))
            else:
                if job.only_waiting and not waiting:
                    outcome = Outcome(True, _("no member change waits for the route servers"))
                else:
                    try:
                        outcome = run_steps(steps, config_path, config.jobs.step_timeout, echo=echo)
                    except Exception as exc:  # recorded, then raised: never left "running"
                        finish(run, Outcome(False, _("lakou error: {error}").format(error=exc)))
                        raise
    finish(run, outcome)
    prune(name, config.jobs.keep_runs)
    return run


REBUILDS = ("rs-refresh", "rs-changes")  # the jobs that rebuild and deploy route servers


def waiting_exchanges() -> list[str]:
    """Slugs of the exchanges whose members changed their routing (self-service:
    ``Exchange.routeserver_changed``) after the start of the last successful rebuild."""
    from lakou.registry.models import Exchange

    last = (
        JobRun.objects.filter(job__in=REBUILDS, outcome=SUCCEEDED).order_by("-started_at").first()
    )
    changed = Exchange.objects.filter(routeserver_changed__isnull=False)
    if last is not None:
        changed = changed.filter(routeserver_changed__gt=last.started_at)
    return sorted(changed.values_list("slug", flat=True))


def finish(run: JobRun, outcome: Outcome) -> None:
    run.ended_at = timezone.now()
    run.outcome = SUCCEEDED if outcome.ok else FAILED
    run.message = outcome.message
    run.steps = "\n".join(outcome.steps)
    run.save()


def prune(name: str, keep: int) -> None:
    old = JobRun.objects.filter(job=name).order_by("-started_at", "-id")[keep:]
    with transaction.atomic():
        JobRun.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()


def last_runs(job: str | None = None, limit: int = 20) -> list[JobRun]:
    runs = JobRun.objects.all()
    if job:
        runs = runs.filter(job=job)
    return list(runs[:limit])


def latest_per_job() -> dict[str, dict[str, JobRun | None]]:
    """For each known job: its last run and its last successful run."""
    out: dict[str, dict[str, JobRun | None]] = {}
    for name in JOBS:
        runs = JobRun.objects.filter(job=name)
        out[name] = {
            "last": runs.first(),
            "last_success": runs.filter(outcome=SUCCEEDED).first(),
        }
    return out


def job_roll() -> list[dict[str, Any]]:
    """Each job with its description (in the current language) and its last runs' times."""
    latest = latest_per_job()
    rows = []
    for name, job in JOBS.items():
        last, ok = latest[name]["last"], latest[name]["last_success"]
        rows.append(
            {
                "job": name,
                "description": _(job.description),
                "last_outcome": last.outcome if last else None,
                "last_started": last.started_at.isoformat() if last else None,
                "last_success": ok.ended_at.isoformat() if ok and ok.ended_at else None,
            }
        )
    return rows


def run_as_dict(run: JobRun) -> dict[str, Any]:
    """One run as ``lakou jobs last --format json`` prints it."""
    return {
        "job": run.job,
        "started_at": run.started_at.isoformat(),
        "ended_at": run.ended_at.isoformat() if run.ended_at else None,
        "outcome": run.outcome,
        "message": run.message,
        "steps": run.steps.splitlines(),
    }
