"""The roll of the registry's exchanges (``lakou exchange list``) and one of them (``show``).

:func:`exchange_roll` counts each exchange's members and gathers its peering LANs and the
exchanges it is bridged to, by slug; :class:`RollRow` is one row, and ``as_dict`` the JSON
the command prints (LAN prefixes as the registry stores them). :func:`exchange_summary`
is one exchange as the engines see it (:func:`~lakou.registry.engines.exchange_view`),
in the JSON ``exchange show`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from lakou.registry import models as m
from lakou.registry.engines import exchange_view


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


def exchange_summary(slug: str) -> dict[str, Any]:
    """The exchange ``slug`` (or :class:`~lakou.registry.slugs.UnknownExchange`) as the
    JSON ``show`` prints.

    The same on SQLite and PostgreSQL. The keys ``list`` also prints mean the same here
    (``members`` is a count, a LAN's ``ipv4``/``ipv6`` are its prefixes); route servers
    give name, ASN, daemon and addresses.
    """
    ex = exchange_view(slug)
    return {
        "slug": ex.slug,
        "name": ex.name,
        "country": ex.country,
        "city": ex.city,
        "asn": ex.asn,
        "ixf_id": ex.ixf_id,
        "peeringdb_ix_id": ex.peeringdb_ix_id,
        "bridged_to": list(ex.bridged_to),
        "members": len(ex.members),
        "lans": [
            {
                "name": lan.name,
                "vlan": lan.vlan,
                "ipv4": str(lan.ipv4_prefix) if lan.ipv4_prefix else None,
                "ipv6": str(lan.ipv6_prefix) if lan.ipv6_prefix else None,
                "mtu": lan.mtu,
            }
            # by VLAN then name, untagged last, whatever the database's NULL ordering
            for lan in sorted(ex.lans, key=lambda x: (x.vlan is None, x.vlan or 0, x.name))
        ],
        "route_servers": [
            {
                "name": rs.name,
                "asn": rs.asn,
                "daemon": rs.daemon,
                "ipv4": str(rs.ipv4) if rs.ipv4 else None,
                "ipv6": str(rs.ipv6) if rs.ipv6 else None,
            }
            for rs in ex.route_servers
        ],
    }
