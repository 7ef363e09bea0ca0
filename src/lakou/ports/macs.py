"""Discovered MAC addresses beside the registered ones, with the differences flagged.

The forwarding tables the poller reads (Q-BRIDGE or BRIDGE-MIB) say which MACs sit behind
which port; the registry says which MACs each member declared and which ports are the
member's. :func:`compare` puts them side by side, for member ports only (uplinks and
unknown ports carry everyone's MACs and prove nothing):

- ``ok``: a member's registered MAC seen behind one of its own ports;
- ``unregistered``: a MAC behind a member's port that nobody registered;
- ``other_member``: a MAC registered for one member seen behind another member's port;
- ``not_seen``: a registered MAC seen behind none of the member's ports.

:func:`mac_findings` is ``lakou ports macs``: it reads the switches' forwarding tables
and compares.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lakou.ports.config import Switch
from lakou.ports.records import ForwardingEntry

OK = "ok"
UNREGISTERED = "unregistered"
OTHER_MEMBER = "other_member"
NOT_SEEN = "not_seen"


@dataclass(frozen=True)
class MacFinding:
    mac: str
    kind: str
    registered_for: str = ""  # member the registry gives the MAC to
    seen_at: str = ""  # SWITCH:PORT where the switch learned it
    port_member: str = ""  # member owning that port
    vlan: int | None = None


def compare(
    discovered: Iterable[tuple[str, str, ForwardingEntry]],
    registered: Mapping[str, str],
    port_members: Mapping[tuple[str, str], str],
) -> list[MacFinding]:
    """``discovered``: (switch, port name, entry); ``registered``: MAC -> member;
    ``port_members``: (switch, port name) -> member. Returns findings sorted by MAC."""
    findings: list[MacFinding] = []
    seen: set[str] = set()
    for switch, port, entry in discovered:
        member = port_members.get((switch, port))
        if not member:
            continue
        owner = registered.get(entry.mac, "")
        seen.add(entry.mac)
        kind = OK if owner == member else OTHER_MEMBER if owner else UNREGISTERED
        findings.append(MacFinding(entry.mac, kind, owner, f"{switch}:{port}", member, entry.vlan))
    for mac, owner in registered.items():
        if mac not in seen:
            findings.append(MacFinding(mac, NOT_SEEN, owner))
    return sorted(set(findings), key=lambda f: (f.mac, f.kind, f.seen_at))


def mac_findings(
    switches: Iterable[Switch],
    registered: Mapping[str, str],
    port_members: Mapping[tuple[str, str], str],
) -> tuple[list[MacFinding], list[str]]:
    """Poll the forwarding tables of the ``switches`` polled by SNMP (all at once) and
    :func:`compare` what they learned behind named ports with ``registered`` (MAC ->
    member) and ``port_members`` ((switch, port name) -> member). Returns the findings
    and a message per switch that did not answer."""
    from lakou.ports.snmp import poll_switches

    polls = poll_switches([s for s in switches if s.poll], lags=False, lldp=False, forwarding=True)
    errors: list[str] = []
    discovered = []
    for poll in polls:
        if not poll.ok:
            errors.append(str(poll.error))
            continue
        names = {p.ifindex: p.name for p in poll.ports}
        for entry in poll.forwarding:
            if entry.ifindex is not None and entry.ifindex in names:
                discovered.append((poll.switch, names[entry.ifindex], entry))
    return compare(discovered, registered, port_members), errors
