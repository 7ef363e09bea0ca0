"""The build plan: each client's problems are reported once."""

from __future__ import annotations

from datetime import UTC, datetime
from ipaddress import ip_address

from lakou.routeserver.clients import RouteServerClient
from lakou.routeserver.enrich.model import Enriched, IrrData
from lakou.routeserver.plan import make_plan
from lakou.routeserver.policy import Policy

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def _irr(problems: tuple[str, ...]) -> IrrData:
    return IrrData(
        64500, ("AS-X",), frozenset({64500}), ("11.0.0.0/24",), (), "test", NOW,
        problems=problems,
    )  # fmt: skip


def test_problems_shown_once() -> None:
    client = RouteServerClient(64500, (ip_address("192.0.2.11"),), "X", ("AS-X",))
    loop = "AS-X: AS-SET loop through AS-Y (ignored)"
    # As enrich() builds it: the IRR data's problems are also in enriched.problems.
    enriched = Enriched(irr={64500: _irr((loop,))}, problems={64500: (loop,)})
    plan = make_plan(Policy(), [client], enriched)
    assert plan.clients[0].problems == (loop,)
    assert plan.warnings == (f"AS64500: {loop}",)
    # An injected Enriched with the problem only on the IRR data still shows it.
    only_irr = Enriched(irr={64500: _irr((loop,))})
    assert make_plan(Policy(), [client], only_irr).clients[0].problems == (loop,)
