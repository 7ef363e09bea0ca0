"""A PeeringDB network, turned into the values a new registry member starts with.

What is taken: ``name``, ``website``, ``irr_as_set`` (PeeringDB's free text, made into
the registry's space-separated AS-SETs: ``AS-FOO, AS-BAR`` and ``AS-FOO@RADB`` become
``AS-FOO AS-BAR`` and ``RADB::AS-FOO``), ``info_prefixes4``/``info_prefixes6`` as
max-prefix, ``info_never_via_route_servers`` and ``policy_general``. The max-prefix
values are PeeringDB's *raw* hints, no headroom added: the route-server policy decides
how much slack to give (``0`` in PeeringDB means "not given" and fills nothing). Whatever
is not usable (a URL that is not one, an item that is not an AS-SET) is left out and
said in ``notes``, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from lakou.i18n import gettext as _

# The registry's own rule (lakou.registry.models.as_set_validator), without Django.
AS_SET_RE = re.compile(
    r"^([A-Za-z0-9-]+::)?(AS\d+|AS-[A-Za-z0-9_:-]+|AS\d+:AS-[A-Za-z0-9_:-]+)$", re.IGNORECASE
)
# PeeringDB's policy_general -> the registry's (and IX-F's) peering policy.
POLICIES = {
    "open": "open",
    "selective": "selective",
    "restrictive": "case-by-case",
    "no": "closed",
}
NAME_MAX = 255
AS_SET_MAX = 255
URL_MAX = 200


@dataclass(frozen=True)
class Prefill:
    """The values PeeringDB suggests for a member's network (registry field names)."""

    asn: int
    peeringdb_net_id: int
    name: str
    website: str
    as_set: str  # space-separated, as the registry stores it
    max_prefix_v4: int | None
    max_prefix_v6: int | None
    never_via_route_servers: bool
    peering_policy: str | None
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def registry_values(self) -> dict[str, Any]:
        """The fields of a registry ``Network`` this fills (None: nothing to fill)."""
        return {
            "name": self.name or None,
            "website": self.website or None,
            "as_set": self.as_set or None,
            "max_prefix_v4": self.max_prefix_v4,
            "max_prefix_v6": self.max_prefix_v6,
            "never_via_route_servers": self.never_via_route_servers,
            "peering_policy": self.peering_policy,
            "peeringdb_net_id": self.peeringdb_net_id,
        }


def parse_irr_as_set(text: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """PeeringDB's ``irr_as_set`` -> (usable AS-SETs in registry form, unusable items)."""
    good: list[str] = []
    bad: list[str] = []
    for raw in re.split(r"[\s,;]+", text or ""):
        item = raw.strip()
        if not item:
            continue
        if "@" in item and "::" not in item:  # AS-FOO@RADB: the source after the @
            name, _sep, source = item.partition("@")
            item = f"{source}::{name}" if source and name else item
        if AS_SET_RE.match(item):
            if item.upper() not in (g.upper() for g in good):
                good.append(item.upper())
        else:
            bad.append(raw)
    return tuple(good), tuple(bad)


def _url(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        return ""
    text = value.strip()
    if len(text) > URL_MAX or any(c.isspace() for c in text):
        raise ValueError(text)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(text)
    return text


def prefill_from_net(net: Mapping[str, Any]) -> Prefill:
    """The registry values for this PeeringDB ``net`` object (as the cache returns it)."""
    notes: list[str] = []
    name = net.get("name")
    name = name.strip() if isinstance(name, str) else ""
    if len(name) > NAME_MAX:
        notes.append(_("name cut to %(n)s characters") % {"n": NAME_MAX})
        name = name[:NAME_MAX]
    try:
        website = _url(net.get("website"))
    except ValueError as exc:
        notes.append(_("website %(url)r is not an http(s) URL: left empty") % {"url": str(exc)})
        website = ""
    raw_sets = net.get("irr_as_set")
    if raw_sets is not None and not isinstance(raw_sets, str):
        notes.append(_("irr_as_set is not text: left out"))
        raw_sets = ""
    sets, unusable = parse_irr_as_set(raw_sets)
    if unusable:
        notes.append(
            _("irr_as_set items that are not AS-SETs, left out: %(items)s")
            % {"items": ", ".join(unusable)}
        )
    as_set = " ".join(sets)
    while len(as_set) > AS_SET_MAX and sets:
        notes.append(_("AS-SET %(item)s left out: the field is full") % {"item": sets[-1]})
        sets = sets[:-1]
        as_set = " ".join(sets)
    policy_raw = str(net.get("policy_general") or "")
    policy = POLICIES.get(policy_raw.strip().lower())
    if policy_raw and policy is None:
        notes.append(_("unknown policy_general %(p)r: policy not filled") % {"p": policy_raw})
    limits = {}
    for family in (4, 6):
        value = net.get(f"info_prefixes{family}")
        limits[family] = value if isinstance(value, int) and value > 0 else None
    return Prefill(
        asn=int(net["asn"]),
        peeringdb_net_id=int(net["id"]),
        name=name,
        website=website,
        as_set=as_set,
        max_prefix_v4=limits[4],
        max_prefix_v6=limits[6],
        never_via_route_servers=bool(net.get("info_never_via_route_servers")),
        peering_policy=policy,
        notes=tuple(notes),
    )
