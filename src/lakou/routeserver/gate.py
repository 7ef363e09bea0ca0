"""The route gate of a deploy: did the new configuration keep the members' routes?

A configuration can pass ``bird -p``, reload cleanly and bring every session back while
filtering every route: a total outage that looks green. So deploy reads each session's
accepted-prefix count from the running daemon before the reload and after it, once the
counts have settled (unchanged for a few seconds, bounded by a timeout), and this module
judges the two readings: the new configuration fails when the accepted routes fall by more
than the allowed share overall, or when any session that had routes has none left.
Sessions the new configuration removes are set aside (a member leaving is a change the
diff shows, not an outage) and named. Pure functions on plain records; no I/O here except
the polling loop, which takes the reading function from the caller.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from lakou.i18n import gettext as _


@dataclass(frozen=True)
class SessionRoutes:
    """One BGP session as the daemon reports it: up or not, and its accepted prefixes."""

    up: bool
    accepted: int
    client: str = ""  # the member as the config describes it (AS10001 Member A)
    received: int = 0  # accepted + filtered: what the member sends
    updates: int = 0  # announcements received since the session came up (BIRD's counter)


Counts = Mapping[str, SessionRoutes]


@dataclass(frozen=True)
class Loss:
    session: str
    client: str
    before: int
    after: int


@dataclass
class Verdict:
    before_total: int
    after_total: int
    max_drop_share: float
    losses: list[Loss] = field(default_factory=list)  # every session that lost routes
    emptied: list[Loss] = field(default_factory=list)  # had routes, has none
    removed: list[str] = field(default_factory=list)  # not in the new configuration

    @property
    def drop_share(self) -> float:
        if self.before_total <= 0:
            return 0.0
        return max(0, self.before_total - self.after_total) / self.before_total

    @property
    def ok(self) -> bool:
        return not self.emptied and self.drop_share <= self.max_drop_share

    def summary(self) -> str:
        """One line: the totals and the share lost."""
        text = _("accepted routes {before} -> {after} ({share:.1%} lost, allowed {allowed:.0%})")
        return text.format(
            before=self.before_total,
            after=self.after_total,
            share=self.drop_share,
            allowed=self.max_drop_share,
        )

    def details(self, limit: int = 20) -> list[str]:
        """The sessions that lost routes, worst first, with their before/after counts."""
        lines = []
        emptied = {loss.session for loss in self.emptied}
        for loss in self.losses[:limit]:
            mark = _(" (all routes lost)") if loss.session in emptied else ""
            who = f"{loss.session} ({loss.client})" if loss.client else loss.session
            lines.append(f"  {who}: {loss.before} -> {loss.after}{mark}")
        if len(self.losses) > limit:
            lines.append(_("  … and {n} more sessions").format(n=len(self.losses) - limit))
        if self.removed:
            lines.append(
                _("  sessions removed by the new configuration (not counted): {names}").format(
                    names=", ".join(self.removed)
                )
            )
        return lines


def judge(before: Counts, after: Counts, max_drop_share: float) -> Verdict:
    """Compare two readings of the same daemon: what the new configuration did to routes."""
    kept = [name for name in before if name in after]
    removed = sorted(name for name in before if name not in after and before[name].accepted)
    verdict = Verdict(
        before_total=sum(before[n].accepted for n in kept),
        after_total=sum(after[n].accepted for n in kept),
        max_drop_share=max_drop_share,
        removed=removed,
    )
    for name in kept:
        old, new = before[name].accepted, after[name].accepted
        if new < old:
            loss = Loss(name, after[name].client or before[name].client, old, new)
            verdict.losses.append(loss)
            if new == 0:
                verdict.emptied.append(loss)
    verdict.losses.sort(key=lambda loss: (loss.after - loss.before, loss.session))
    return verdict


def resent(before: SessionRoutes, now: SessionRoutes | None) -> bool:
    """Has the member sent its routes again since ``before`` (so the new filter saw them)?

    Either the update counter grew by what the member had sent, or the session restarted
    (the counter starts again from zero) and the member sent that much since.
    """
    if now is None:
        return True  # the session is gone: nothing to wait for
    if not now.up:
        return False
    if now.updates >= before.updates:
        return now.updates - before.updates >= before.received
    return now.updates >= before.received


def settle(
    read: Callable[[], Counts],
    expected_up: set[str],
    timeout: float,
    quiet: float,
    poll: float = 0.5,
    refreshed: Counts | None = None,
    before: Counts | None = None,
) -> tuple[Counts, bool]:
    """Poll until the sessions in ``expected_up`` are up and no count moved for ``quiet`` s.

    ``refreshed``: sessions asked to send their routes again, as read before the reload;
    each must have done so (``resent``) before the reading counts, because a quiet
    count can also mean the new filters have not met the routes yet. ``before``: the
    reading before the reload; a session that restarted since (its update counter went
    back) must likewise have received again what it had. Returns the last
    reading and whether it settled before ``timeout``; a caller judges an unsettled
    reading all the same (a gate that waits forever protects nothing).
    """
    deadline = time.monotonic() + timeout
    last = read()
    stable_since = time.monotonic()
    waiting = dict(refreshed or {})
    while True:
        waiting = {n: b for n, b in waiting.items() if not resent(b, last.get(n))}
        restarted = [
            n
            for n, b in (before or {}).items()
            if b.received and n in last and last[n].updates < b.updates
            and not resent(b, last[n])
        ]  # fmt: skip
        up = {name for name, s in last.items() if s.up}
        if (
            not waiting
            and not restarted
            and expected_up <= up
            and time.monotonic() - stable_since >= quiet
        ):
            return last, True
        if time.monotonic() >= deadline:
            return last, False
        time.sleep(poll)
        now = read()
        if _accepted(now) != _accepted(last) or _up(now) != _up(last):
            stable_since = time.monotonic()
        last = now


def _accepted(counts: Counts) -> dict[str, int]:
    return {name: s.accepted for name, s in counts.items()}


def _up(counts: Counts) -> set[str]:
    return {name for name, s in counts.items() if s.up}
