"""The rs-changes job: members' self-service changes reach the route servers soon.

Only the exchanges whose ``routeserver_changed`` is newer than the last successful
rebuild are rebuilt and deployed; with nothing waiting the run succeeds and runs nothing.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from lakou.config import load_config
from lakou.operations import record
from lakou.operations.jobs import Outcome
from lakou.operations.models import JobRun
from lakou.registry.models import Exchange
from lakou.routeserver.config import DeployServer

pytestmark = pytest.mark.django_db


def _config(tmp_path: Path, servers: list[dict[str, Any]]) -> Any:
    config = load_config(None)
    deploy = [DeployServer(**s) for s in servers]
    routeserver = config.routeserver.model_copy(update={"deploy_servers": deploy})
    core = config.core.model_copy(update={"data_dir": tmp_path})
    return config.model_copy(update={"routeserver": routeserver, "core": core})


@pytest.fixture
def steps_run(monkeypatch: pytest.MonkeyPatch) -> list[list[list[str]]]:
    seen: list[list[list[str]]] = []

    def fake(steps: list[list[str]], *args: Any, **kwargs: Any) -> Outcome:
        seen.append(steps)
        return Outcome(True, "deployed", [" ".join(s) for s in steps])

    monkeypatch.setattr(record, "run_steps", fake)
    return seen


def _servers(tmp_path: Path) -> list[dict[str, Any]]:
    return [
        {
            "name": f"rs-{slug}",
            "exchange": slug,
            "new_config": str(tmp_path / f"{slug}.conf"),
            "config_path": str(tmp_path / f"{slug}.running"),
            "control_socket": str(tmp_path / f"{slug}.ctl"),
        }
        for slug in ("ix-a", "ix-b")
    ]


def test_only_the_exchanges_with_changes_waiting_are_rebuilt(
    tmp_path: Path, steps_run: list[list[list[str]]]
) -> None:
    config = _config(tmp_path, _servers(tmp_path))
    a = Exchange.objects.create(slug="ix-a", name="A", country="GP")
    Exchange.objects.create(slug="ix-b", name="B", country="MF")
    # nothing waits: success, nothing run
    run = record.run_and_record("rs-changes", config, None)
    assert run.outcome == "succeeded" and "no member change waits" in run.message
    assert steps_run == []
    # a member of ix-a changed its AS-SET: only ix-a is built and deployed
    Exchange.objects.filter(pk=a.pk).update(routeserver_changed=timezone.now())
    assert record.waiting_exchanges() == ["ix-a"]
    run = record.run_and_record("rs-changes", config, None)
    assert run.outcome == "succeeded", run.message
    (steps,) = steps_run
    assert ["rs", "deploy", "--exchange", "ix-a"] in steps
    assert not any("ix-b" in step for step in steps)
    # done: nothing waits any more (a later change would)
    assert record.waiting_exchanges() == []


def test_a_rebuild_by_rs_refresh_also_clears_the_wait(tmp_path: Path) -> None:
    Exchange.objects.create(
        slug="ix-a", name="A", country="GP", routeserver_changed=timezone.now() - timedelta(hours=1)
    )
    assert record.waiting_exchanges() == ["ix-a"]
    JobRun.objects.create(job="rs-refresh", started_at=timezone.now(), outcome="succeeded")
    assert record.waiting_exchanges() == []
    failed = JobRun.objects.create(job="rs-refresh", started_at=timezone.now(), outcome="failed")
    Exchange.objects.update(routeserver_changed=failed.started_at + timedelta(seconds=1))
    assert record.waiting_exchanges() == ["ix-a"]  # a failed run deployed nothing


def test_changes_on_an_exchange_without_a_deploy_server_fail_saying_so(
    tmp_path: Path, steps_run: list[list[list[str]]]
) -> None:
    config = _config(tmp_path, _servers(tmp_path))
    Exchange.objects.create(slug="ix-c", name="C", country="BL", routeserver_changed=timezone.now())
    run = record.run_and_record("rs-changes", config, None)
    assert run.outcome == "failed" and "ix-c" in run.message and "deploy_servers" in run.message
    assert steps_run == []
