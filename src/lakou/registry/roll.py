"""The roll of the registry's exchanges: one typed row each, for ``lakou exchange list``.

:func:`exchange_roll` counts each exchange's members and gathers its peering LANs and the
exchanges it is bridged to, by slug; :class:`RollRow` is one row, and ``as_dict`` the JSON
the command prints (LAN prefixes as the registry stores them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from lakou.registry import models as m


@dataclass(frozen=True)
class RollLan:
    """One peering LAN of the roll: its name, VLAN and prefixes (as stored)."""

    name: str
    vlan: int | None
    ipv4: str
    ipv6: str

    @property
    def prefixes(self) -> str:
        """Its IPv4 and IPv6 prefixes, space-separated (empty when it has none)."""
        return f"{self.ipv4} {self.ipv6}".strip()


@dataclass(frozen=True)
class RollRow:
    """One exchange of the roll."""

    slug: str
    name: str
    full_name: str
    country: str
    city: str
    members: int
    lans: tuple[RollLan, ...]
    bridged_to: tuple[str, ...]
    demo: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "name": self.name,
            "full_name": self.full_name,
            "country": self.country,
            "city": self.city,
            "members": self.members,
            "lans": [
                {"name": lan.name, "vlan": lan.vlan, "ipv4": lan.ipv4, "ipv6": lan.ipv6}
                for lan in self.lans
            ],
            "bridged_to": list(self.bridged_to),
            "demo": self.demo,
        }


def exchange_roll() -> list[RollRow]:
    """Every exchange of the registry, by slug, with its member count."""
    return [
        RollRow(
            slug=ex.slug,
            name=ex.name,
            full_name=ex.full_name,
            country=ex.country,
            city=ex.city,
            members=ex.n_members,
            lans=tuple(
                RollLan(lan.name, lan.vlan_id, lan.ipv4_prefix, lan.ipv6_prefix)
                for lan in ex.lans.all()
            ),
            bridged_to=tuple(sorted(b.slug for b in ex.bridged_to.all())),
            demo=ex.demo,
        )
        for ex in m.Exchange.objects.annotate(n_members=Count("members")).order_by("slug")
    ]
