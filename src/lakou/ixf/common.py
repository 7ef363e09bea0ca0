"""What the IX-F reader, exporter and importer share: versions, paths, errors, the report.

A JSON path is written the way people read it in an editor, ``member_list[3].
connection_list[0].vlan_list[0].ipv4.address``; every error the importer raises carries
one, so an operator can find the culprit in a file of several thousand lines.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from lakou.i18n import gettext, gettext_noop
from lakou.routeserver import OptionError, join

# The kinds of object an import reports, translated when shown.
REPORTED_KINDS = (
    gettext_noop("MAC address"),
    gettext_noop("address"),
    gettext_noop("bridge"),
    gettext_noop("connection"),
    gettext_noop("contact"),
    gettext_noop("exchange"),
    gettext_noop("facility"),
    gettext_noop("member"),
    gettext_noop("network"),
    gettext_noop("peering LAN"),
    gettext_noop("port"),
    gettext_noop("route server"),
    gettext_noop("route-server session"),
    gettext_noop("switch"),
)

SUPPORTED_VERSIONS = ("0.4", "0.5", "0.6", "0.7", "1.0")
EXPORT_VERSIONS = ("1.0", "0.7", "0.6")

# Our peering policies, plus the words real exports use for them (PeeringDB's
# "Restrictive" and "No", IXP Manager's "custom").
POLICY_ALIASES = {
    "open": "open",
    "selective": "selective",
    "case-by-case": "case-by-case",
    "case by case": "case-by-case",
    "custom": "case-by-case",
    "mandatory": "mandatory",
    "closed": "closed",
    "restrictive": "closed",
    "no": "closed",
}
POLICIES = ("open", "selective", "case-by-case", "mandatory", "closed")

# Connection states seen in published exports -> the registry's states.
STATE_ALIASES = {
    "active": "active",
    "connected": "active",
    "up": "active",
    "provisioning": "provisioning",
    "quarantine": "quarantine",
    "inactive": "disabled",
    "disabled": "disabled",
    "down": "disabled",
}

# VLAN ids above 4094 stand for peering LANs that have no 802.1Q tag in the registry.
UNTAGGED_VLAN_BASE = 4096


def path_of(parts: Iterable[str | int]) -> str:
    path = ""
    for part in parts:
        path = join(path, part)
    return path or "$"


class IxfError(OptionError):
    """A document lakou cannot use; ``path`` says where, ``problem`` says why."""


@dataclass
class ImportReport:
    """What an import changed (or would change, with ``dry_run``)."""

    version: str = ""
    dry_run: bool = False
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) + sum(self.updated.values()))

    def note_created(self, kind: str, label: str) -> None:
        self.created[kind] += 1
        self.changes.append(f"+ {kind} {label}")

    def note_updated(self, kind: str, label: str, fields: Iterable[str]) -> None:
        self.updated[kind] += 1
        self.changes.append(f"~ {kind} {label}: {', '.join(fields)}")

    def note_deleted(self, kind: str, label: str) -> None:
        self.deleted[kind] += 1
        self.changes.append(f"- {kind} {label}")

    def note_unchanged(self, kind: str) -> None:
        self.unchanged[kind] += 1

    def warn(self, path: str, message: str) -> None:
        self.warnings.append(f"{path}: {message}")

    def lines(self) -> list[str]:
        """The report as printed by ``lakou ixf import`` and ``lakou clients import``."""
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        out = list(self.changes)
        for kind in kinds:
            counts = {
                "kind": gettext(kind),
                "created": self.created[kind],
                "updated": self.updated[kind],
                "unchanged": self.unchanged[kind],
                "deleted": self.deleted[kind],
            }
            out.append(
                (
                    gettext(
                        "%(kind)s: %(created)s created, %(updated)s updated, "
                        "%(unchanged)s unchanged, %(deleted)s deleted"
                    )
                    if self.deleted[kind]
                    else gettext(
                        "%(kind)s: %(created)s created, %(updated)s updated, "
                        "%(unchanged)s unchanged"
                    )
                )
                % counts
            )
        out.extend(gettext("warning: {text}").format(text=w) for w in self.warnings)
        return out
