"""What a new route-server configuration changes for each member, before it is deployed.

``lakou rs diff RUNNING NEW`` reads both files (``confread``) and, per member: sessions
added or removed, max-prefix limits and actions changed, origin ASNs and registered
prefixes (per family) that appear or disappear, with counts and a bounded sample. It is
the question an operator asks before ``rs deploy``: "whose routes will this filter?" —
the deploy gate answers it again afterwards from the running daemon. The result is
plain data (``as_dict`` for JSON); the CLI prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lakou.routeserver.confread import ClientConf, Prefix, format_prefix, read_config

SAMPLE = 10


@dataclass
class SetChange:
    """One member's set (origins, or one family's prefixes) before and after."""

    before: int
    after: int
    appear: list[str]  # sorted sample
    disappear: list[str]
    appear_count: int
    disappear_count: int

    @property
    def changed(self) -> bool:
        return bool(self.appear_count or self.disappear_count)


@dataclass
class LimitChange:
    session: str
    before: tuple[int | None, str]
    after: tuple[int | None, str]


@dataclass
class ClientDiff:
    asn: int
    description: str
    status: str  # added | removed | changed
    sessions_added: list[str] = field(default_factory=list)
    sessions_removed: list[str] = field(default_factory=list)
    limits: list[LimitChange] = field(default_factory=list)
    origins: SetChange | None = None
    prefixes: dict[int, SetChange] = field(default_factory=dict)
    irr_before: str = ""
    irr_after: str = ""


@dataclass
class ConfigDiff:
    running: Path
    new: Path
    daemons: tuple[str, str]
    clients: list[ClientDiff]
    unchanged: int

    def as_dict(self) -> dict[str, Any]:
        def change(c: SetChange | None) -> dict[str, Any] | None:
            if c is None:
                return None
            return {
                "before": c.before,
                "after": c.after,
                "appear_count": c.appear_count,
                "disappear_count": c.disappear_count,
                "appear": c.appear,
                "disappear": c.disappear,
            }

        return {
            "running": str(self.running),
            "new": str(self.new),
            "daemons": list(self.daemons),
            "unchanged_clients": self.unchanged,
            "clients": [
                {
                    "asn": c.asn,
                    "description": c.description,
                    "status": c.status,
                    "sessions_added": c.sessions_added,
                    "sessions_removed": c.sessions_removed,
                    "limits": [
                        {
                            "session": lc.session,
                            "before": {"limit": lc.before[0], "action": lc.before[1]},
                            "after": {"limit": lc.after[0], "action": lc.after[1]},
                        }
                        for lc in c.limits
                    ],
                    "origins": change(c.origins),
                    "prefixes": {f"ipv{v}": change(ch) for v, ch in c.prefixes.items()},
                    "irr": {"before": c.irr_before, "after": c.irr_after},
                }
                for c in self.clients
            ],
        }


def _set_change(before: set[Any], after: set[Any], fmt: Any, sample: int) -> SetChange:
    appear = after - before
    disappear = before - after
    return SetChange(
        before=len(before),
        after=len(after),
        appear=[fmt(x) for x in sorted(appear)[:sample]],
        disappear=[fmt(x) for x in sorted(disappear)[:sample]],
        appear_count=len(appear),
        disappear_count=len(disappear),
    )


def _prefix_fmt(family: int) -> Any:
    def fmt(p: Prefix) -> str:
        return format_prefix(family, p)

    return fmt


def diff_configs(running: Path, new: Path, sample: int = SAMPLE) -> ConfigDiff:
    """Per member, what ``new`` changes against ``running`` (ConfigReadError: unreadable)."""
    old_conf, new_conf = read_config(running), read_config(new)
    out: list[ClientDiff] = []
    unchanged = 0
    empty = ClientConf(0)
    for asn in sorted(set(old_conf.clients) | set(new_conf.clients)):
        a = old_conf.clients.get(asn, empty)
        b = new_conf.clients.get(asn, empty)
        old_s = {n: s for n, s in old_conf.sessions.items() if s.asn == asn}
        new_s = {n: s for n, s in new_conf.sessions.items() if s.asn == asn}
        status = (
            "added"
            if asn not in old_conf.clients
            else "removed"
            if asn not in new_conf.clients
            else "changed"
        )
        d = ClientDiff(asn, b.description or a.description, status)
        d.sessions_added = sorted(set(new_s) - set(old_s))
        d.sessions_removed = sorted(set(old_s) - set(new_s))
        for name in sorted(set(old_s) & set(new_s)):
            before = (old_s[name].limit, old_s[name].action)
            after = (new_s[name].limit, new_s[name].action)
            if before != after:
                d.limits.append(LimitChange(name, before, after))
        origins = _set_change(a.origins, b.origins, lambda n: f"AS{n}", sample)
        d.origins = origins if origins.changed else None
        for family in (4, 6):
            change = _set_change(
                a.prefixes[family], b.prefixes[family], _prefix_fmt(family), sample
            )
            if change.changed:
                d.prefixes[family] = change
        if a.irr != b.irr:
            d.irr_before, d.irr_after = a.irr, b.irr
        touched = (
            d.sessions_added
            or d.sessions_removed
            or d.limits
            or d.origins
            or d.prefixes
            or d.irr_before != d.irr_after
            or status != "changed"
        )
        if touched:
            out.append(d)
        else:
            unchanged += 1
    return ConfigDiff(running, new, (old_conf.daemon, new_conf.daemon), out, unchanged)
