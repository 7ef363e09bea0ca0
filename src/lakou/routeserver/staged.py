"""Staged deploys over an exchange's route servers: one, verify, then the next.

Members peer with every route server so that one can fail without an outage; deploying
the same mistake to all of them at once throws that away. So a staged deploy runs the
full safe deploy (check, swap, reload, sessions, route gate) on the first server, and
moves to the next only when it passed. At the first failure it stops: the servers
already done keep their new configuration (it passed every check there), the failing
one has been rolled back by the deploy itself, the rest were never touched. The
report names the state of each server.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from lakou.i18n import gettext as _
from lakou.routeserver.deploy import (
    NOT_RESTORED,
    RESTORED,
    UNCHANGED,
    Daemon,
    DeployError,
    DeployResult,
    RouteGate,
    deploy,
)


@dataclass(frozen=True)
class Stage:
    name: str
    new_config: Path
    target: Path
    daemon: Daemon
    history: Path


@dataclass
class StageOutcome:
    name: str
    state: str  # deployed | rolled back | refused | not restored | not attempted
    result: DeployResult | None = None
    error: str = ""
    seconds: float = 0.0  # how long this server's deploy took

    def line(self) -> str:
        texts = {
            "deployed": _("{name}: deployed, running the new configuration"),
            "rolled back": _("{name}: failed, rolled back to its last good configuration"),
            "refused": _("{name}: failed, nothing changed (still the previous configuration)"),
            "not restored": _("{name}: failed and NOT restored: check it by hand"),
            "not attempted": _("{name}: not attempted, still the previous configuration"),
        }
        return texts[self.state].format(name=self.name)


_STATE = {UNCHANGED: "refused", RESTORED: "rolled back", NOT_RESTORED: "not restored"}


def deploy_staged(
    stages: list[Stage],
    *,
    timeout: float = 120.0,
    keep: int = 30,
    require_sessions: bool = True,
    gate: RouteGate | None = None,
) -> list[StageOutcome]:
    """Deploy to each stage in order; stop at the first failure. One outcome per stage."""
    outcomes: list[StageOutcome] = []
    failed = False
    for stage in stages:
        if failed:
            outcomes.append(StageOutcome(stage.name, "not attempted"))
            continue
        started = time.monotonic()
        try:
            result = deploy(
                stage.new_config,
                stage.target,
                stage.daemon,
                stage.history,
                timeout=timeout,
                keep=keep,
                require_sessions=require_sessions,
                gate=gate,
            )
        except DeployError as exc:
            outcomes.append(
                StageOutcome(
                    stage.name,
                    _STATE[exc.state],
                    error=str(exc),
                    seconds=time.monotonic() - started,
                )
            )
            failed = True
            continue
        outcomes.append(
            StageOutcome(stage.name, "deployed", result=result, seconds=time.monotonic() - started)
        )
    return outcomes
