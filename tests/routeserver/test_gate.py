"""The route gate's judgement on two readings of a route server (no daemon needed)."""

from __future__ import annotations

from lakou.i18n import language
from lakou.routeserver.gate import SessionRoutes, judge, resent, settle


def _counts(**accepted: int) -> dict[str, SessionRoutes]:
    return {
        name: SessionRoutes(up=True, accepted=n, client=f"{name} Ltd")
        for name, n in accepted.items()
    }


def test_small_drop_within_the_share_passes() -> None:
    verdict = judge(_counts(A=50, B=50), _counts(A=50, B=41), 0.10)
    assert verdict.ok
    assert (verdict.before_total, verdict.after_total) == (100, 91)
    assert [loss.session for loss in verdict.losses] == ["B"]


def test_drop_beyond_the_share_fails_and_names_the_sessions() -> None:
    verdict = judge(_counts(A=50, B=50), _counts(A=50, B=30), 0.10)
    assert not verdict.ok
    assert verdict.drop_share == 0.2
    assert verdict.details() == ["  B (B Ltd): 50 -> 30"]
    assert "100 -> 80 (20.0% lost, allowed 10%)" in verdict.summary()


def test_one_member_losing_everything_fails_even_when_small() -> None:
    before = _counts(**{f"S{i}": 100 for i in range(99)}, SMALL=3)
    after = {**before, "SMALL": SessionRoutes(up=True, accepted=0)}
    verdict = judge(before, after, 0.10)
    assert verdict.drop_share < 0.01
    assert not verdict.ok
    assert verdict.details() == ["  SMALL (SMALL Ltd): 3 -> 0 (all routes lost)"]


def test_member_with_no_routes_before_is_not_an_outage() -> None:
    assert judge(_counts(A=10, C=0), _counts(A=10, C=0), 0.0).ok


def test_removed_sessions_are_named_not_counted() -> None:
    verdict = judge(_counts(A=10, GONE=90), _counts(A=10), 0.10)
    assert verdict.ok and verdict.before_total == 10
    assert verdict.removed == ["GONE"]
    assert "GONE" in verdict.details()[-1]


def test_zero_share_refuses_any_loss_and_gains_always_pass() -> None:
    assert not judge(_counts(A=10), _counts(A=9), 0.0).ok
    assert judge(_counts(A=0), _counts(A=500), 0.0).ok


def test_messages_in_french() -> None:
    verdict = judge(_counts(A=4), _counts(A=0), 0.10)
    with language("fr"):
        assert "routes acceptées 4 -> 0" in verdict.summary()
        assert "toutes ses routes perdues" in verdict.details()[0]


def test_resent_counts_a_full_resend_or_a_restart() -> None:
    before = SessionRoutes(up=True, accepted=80, received=100, updates=250)
    assert not resent(before, SessionRoutes(up=True, accepted=80, updates=300))
    assert resent(before, SessionRoutes(up=True, accepted=0, updates=350))
    assert not resent(before, SessionRoutes(up=True, accepted=0, updates=40))  # restarted
    assert resent(before, SessionRoutes(up=True, accepted=0, updates=100))
    assert not resent(before, SessionRoutes(up=False, accepted=0, updates=400))
    assert resent(before, None)  # removed by the new configuration


def test_settle_waits_for_the_resend_before_a_quiet_reading_counts() -> None:
    before = SessionRoutes(up=True, accepted=100, received=100, updates=100)
    readings = [
        {"A": SessionRoutes(up=True, accepted=100, updates=100)},  # not yet re-filtered
        {"A": SessionRoutes(up=True, accepted=100, updates=100)},
        {"A": SessionRoutes(up=True, accepted=0, updates=200)},
        {"A": SessionRoutes(up=True, accepted=0, updates=200)},
    ]
    calls = iter(readings + readings[-1:] * 100)
    last, settled = settle(lambda: next(calls), {"A"}, 60, 0.0, poll=0.0, refreshed={"A": before})
    assert settled and last["A"].accepted == 0


def test_settle_waits_for_a_restarted_session_to_receive_its_routes_again() -> None:
    before = {"A": SessionRoutes(up=True, accepted=100, received=100, updates=300)}
    readings = [
        {"A": SessionRoutes(up=True, accepted=0, updates=0)},  # restarted, nothing yet
        {"A": SessionRoutes(up=True, accepted=0, updates=0)},
        {"A": SessionRoutes(up=True, accepted=60, updates=100)},
    ]
    calls = iter(readings + readings[-1:] * 100)
    last, settled = settle(lambda: next(calls), {"A"}, 60, 0.0, poll=0.0, before=before)
    assert settled and last["A"].accepted == 60
