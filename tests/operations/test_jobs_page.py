"""The staff page of job runs, and the record's pruning."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from lakou.accounts.testing import verified_login
from lakou.operations.jobs import Outcome
from lakou.operations.models import JobRun
from lakou.operations.record import finish, prune

pytestmark = pytest.mark.django_db


def _run(job: str, ok: bool, message: str, minutes_ago: int = 0) -> JobRun:
    run = JobRun.objects.create(job=job, started_at=timezone.now() - timedelta(minutes=minutes_ago))
    finish(run, Outcome(ok, message, [f"lakou {job}"]))
    return run


def test_the_page_is_for_staff_only(client: Client) -> None:
    answer = client.get("/operations/jobs/")
    assert answer.status_code == 302 and "/admin/login/" in answer["Location"]
    User.objects.create_user("member", password="pw-123456789")
    client.login(username="member", password="pw-123456789")
    assert client.get("/operations/jobs/").status_code == 302


def test_staff_see_the_last_runs_and_the_failures(client: Client) -> None:
    _run("rs-refresh", True, "bird2 2.0.12: 3 clients", minutes_ago=60)
    _run("rs-refresh", False, "lakou rs build: failed (exit 1): no exchange 'x'")
    _run("flows-rollup", True, "2 roll-ups written, 0 partitions expired")
    staff = User.objects.create_user("staff", password="pw-123456789", is_staff=True)
    verified_login(client, staff)  # staff pass the second factor (lakou.accounts)
    page = client.get("/operations/jobs/").content.decode()
    assert 'role="alert"' in page and "1 job failed on its last run." in page
    assert "no exchange &#x27;x&#x27;" in page  # the failing run's message, escaped
    assert "2 roll-ups written" in page
    assert page.count('class="run-failed"') == 1 and page.count('class="run-succeeded"') == 2
    row = page[page.index('id="job-peeringdb-sync"') :]
    assert "never run" in row[: row.index("</tr>")]


def test_prune_keeps_the_newest_runs_of_that_job_only() -> None:
    for i in range(12):
        _run("backup", True, f"run {i}", minutes_ago=i)
    _run("flows-rollup", True, "other job")
    prune("backup", 10)
    kept = list(JobRun.objects.filter(job="backup").values_list("message", flat=True))
    assert kept == [f"run {i}" for i in range(10)]
    assert JobRun.objects.filter(job="flows-rollup").count() == 1


def test_a_run_that_crashes_is_recorded_as_failed_not_running(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    from lakou.operations import record

    config = SimpleNamespace(
        jobs=SimpleNamespace(step_timeout=5, keep_runs=10),
        flows=SimpleNamespace(prefixes_file=""),
        core=SimpleNamespace(data_dir="/nonexistent"),
    )

    def explode(*args: object, **kwargs: object) -> Outcome:
        raise OSError("no python to run")

    monkeypatch.setattr(record, "run_steps", explode)
    with pytest.raises(OSError):
        record.run_and_record("flows-rollup", config, None)
    run = JobRun.objects.get(job="flows-rollup")
    assert run.outcome == "failed" and "no python to run" in run.message and run.ended_at


def test_job_runs_are_in_the_admin_read_only(client: Client) -> None:
    _run("backup", False, "disk full")
    root = User.objects.create_superuser("root", password="pw-123456789")
    verified_login(client, root)  # staff pass the second factor (lakou.accounts)
    listing = client.get("/admin/operations/jobrun/?outcome__exact=failed")
    assert listing.status_code == 200 and "disk full" in listing.content.decode()
    assert client.get("/admin/operations/jobrun/add/").status_code == 403
    run = JobRun.objects.get()
    detail = client.get(f"/admin/operations/jobrun/{run.pk}/change/").content.decode()
    assert 'href="/operations/jobs/"' in detail
