"""Load the demo install into the registry: three demonstration exchanges with real member networks.

The facts are the demo's files (:mod:`lakou.demo.data`). Every exchange it
creates has ``demo=True`` so the portal shows a "demo data" banner and nobody takes it
for a real exchange. Loading is idempotent: rows are found by their natural keys (slug,
ASN, LAN + address, LAN + MAC...) and updated, never duplicated, and every row goes
through ``full_clean()`` so the demo obeys the same rules as the admin and the importers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction

from lakou.demo.data import DemoDataError, demo_prefixes, read_exchanges, read_table
from lakou.i18n import gettext, gettext_noop
from lakou.registry import models as m

# The kinds of object the demo counts, translated when shown.
KINDS = (
    gettext_noop("exchanges"),
    gettext_noop("facilities"),
    gettext_noop("switches"),
    gettext_noop("peering LANs"),
    gettext_noop("route servers"),
    gettext_noop("networks"),
    gettext_noop("contacts"),
    gettext_noop("members"),
    gettext_noop("connections"),
    gettext_noop("ports"),
    gettext_noop("addresses"),
    gettext_noop("MAC addresses"),
    gettext_noop("route-server sessions"),
)

DEMO_PASSWORD = "demo-password"
DEMO_USERNAME = "demo"
CONNECTION_NAME = "demo"

M = TypeVar("M", bound=models.Model)


@dataclass
class DemoSummary:
    """What ``load_demo`` found and did: totals per kind and how many were new."""

    totals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    exchanges: list[str] = field(default_factory=list)

    def count(self, kind: str, created: bool) -> None:
        self.totals[kind] += 1
        if created:
            self.created[kind] += 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "exchanges": list(self.exchanges),
            "totals": dict(self.totals),
            "created": dict(self.created),
        }

    def __str__(self) -> str:
        """The counts in the current language: ``exchanges: 3 (3 new), ...``."""
        return ", ".join(
            gettext("%(kind)s: %(n)s (%(new)s new)")
            % {"kind": gettext(kind), "n": n, "new": self.created.get(kind, 0)}
            for kind, n in self.totals.items()
        )


def _upsert(
    model: type[M], lookup: dict[str, Any], values: dict[str, Any], summary: DemoSummary, kind: str
) -> M:
    """Find by ``lookup`` or create, set ``values``, validate, save."""
    obj = model._default_manager.filter(**lookup).first()
    created = obj is None
    if obj is None:
        obj = model(**lookup)
    for key, value in values.items():
        setattr(obj, key, value)
    obj.full_clean()
    obj.save()
    summary.count(kind, created)
    return obj


def _max_prefix(count: int) -> int:
    """Room to grow: twice the announced count, rounded up to ten, at least ten."""
    return max(10, math.ceil(count * 2 / 10) * 10)


@transaction.atomic
def load_demo() -> DemoSummary:
    """Create or update the demo exchanges, networks and members; return what was done."""
    summary = DemoSummary()
    exchanges = read_exchanges()
    networks = {int(r["asn"]): r for r in read_table("networks.csv")}
    prefixes = demo_prefixes()
    member_rows = read_table("members.csv")
    policies = {int(r["asn"]): r["peering_policy"] for r in member_rows}
    by_slug: dict[str, m.Exchange] = {}
    switches: dict[tuple[str, str], tuple[m.Switch, str]] = {}
    lans: dict[str, m.PeeringLan] = {}
    route_servers: dict[str, list[m.RouteServer]] = {}

    for spec in exchanges:
        slug = spec["slug"]
        ex = _upsert(
            m.Exchange,
            {"slug": slug},
            {
                "name": spec["name"],
                "full_name": spec.get("full_name", ""),
                "country": spec["country"],
                "city": spec.get("city", ""),
                "url": spec.get("url", ""),
                "support_email": spec.get("support_email", ""),
                "asn": spec.get("asn"),
                "peeringdb_ix_id": spec.get("peeringdb_ix_id"),
                "demo": True,
            },
            summary,
            "exchanges",
        )
        by_slug[slug] = ex
        summary.exchanges.append(slug)
        for fac in spec.get("facilities", []):
            _upsert(
                m.Facility,
                {"name": fac["name"]},
                {
                    "city": fac.get("city", ""),
                    "country": fac.get("country", ""),
                    "address": fac.get("address", ""),
                },
                summary,
                "facilities",
            )
        for sw in spec.get("switches", []):
            switch = _upsert(
                m.Switch,
                {"exchange": ex, "name": sw["name"]},
                {
                    "facility": m.Facility.objects.get(name=sw["facility"]),
                    "manufacturer": sw.get("manufacturer", ""),
                    "model": sw.get("model", ""),
                    "software": sw.get("software", ""),
                    "management_ip": sw.get("management_ip"),
                },
                summary,
                "switches",
            )
            switches[(slug, sw["name"])] = (switch, sw.get("port_format", "port{n}"))
        for lan_spec in spec["lans"]:
            lan = _upsert(
                m.PeeringLan,
                {"exchange": ex, "name": lan_spec["name"]},
                {
                    "vlan_id": lan_spec.get("vlan_id"),
                    "ipv4_prefix": lan_spec.get("ipv4_prefix", ""),
                    "ipv6_prefix": lan_spec.get("ipv6_prefix", ""),
                    "mtu": lan_spec.get("mtu", 1500),
                },
                summary,
                "peering LANs",
            )
            lans.setdefault(slug, lan)
        for rs in spec.get("route_servers", []):
            route_servers.setdefault(slug, []).append(
                _upsert(
                    m.RouteServer,
                    {"exchange": ex, "name": rs["name"]},
                    {
                        "lan": lans[slug],
                        "asn": rs["asn"],
                        "router_id": rs["router_id"],
                        "ipv4": rs.get("ipv4"),
                        "ipv6": rs.get("ipv6"),
                        "daemon": rs.get("daemon", "bird2"),
                        "version": str(rs.get("version", "")),
                    },
                    summary,
                    "route servers",
                )
            )
    for spec in exchanges:
        by_slug[spec["slug"]].bridged_to.add(*(by_slug[s] for s in spec.get("bridged_to", [])))

    for asn, row in sorted(networks.items()):
        v4 = sum(1 for p in prefixes.get(asn, []) if ":" not in p)
        v6 = sum(1 for p in prefixes.get(asn, []) if ":" in p)
        policy = policies.get(asn, "open")
        net = _upsert(
            m.Network,
            {"asn": asn},
            {
                "name": row["name"],
                "organisation": row["name"],
                "as_set": f"AS{asn}",
                "peering_policy": policy,
                "max_prefix_v4": _max_prefix(int(row["prefixes_v4"]) or v4),
                "max_prefix_v6": _max_prefix(v6) if v6 else None,
            },
            summary,
            "networks",
        )
        _upsert(
            m.Contact,
            {"network": net, "role": "noc"},
            {
                "name": "NOC (demo)",
                "email": f"noc-as{asn}@example.net",
            },
            summary,
            "contacts",
        )

    port_numbers: dict[tuple[str, str], int] = defaultdict(int)
    for n, row in enumerate(member_rows, 1):
        slug, asn = row["exchange"], int(row["asn"])
        if slug not in by_slug or asn not in networks:
            raise DemoDataError(
                gettext("%(file)s, data row %(n)d: unknown exchange %(slug)s or AS%(asn)s")
                % {"file": "members.csv", "n": n, "slug": slug, "asn": asn}
            )
        ex, lan = by_slug[slug], lans[slug]
        member = _upsert(
            m.Member,
            {"exchange": ex, "network": m.Network.objects.get(asn=asn)},
            {
                "member_type": row["member_type"],
                "status": "connected",
                "member_since": dt.date.fromisoformat(row["member_since"]),
            },
            summary,
            "members",
        )
        conn = _upsert(
            m.Connection,
            {"member": member, "name": CONNECTION_NAME},
            {"state": "active"},
            summary,
            "connections",
        )
        switch, port_format = switches[(slug, row["switch"])]
        for _ in range(int(row["ports"])):
            port_numbers[(slug, row["switch"])] += 1
            name = port_format.format(n=port_numbers[(slug, row["switch"])])
            _upsert(
                m.Port,
                {"switch": switch, "name": name},
                {
                    "connection": conn,
                    "speed_mbps": int(row["port_speed_mbps"]),
                },
                summary,
                "ports",
            )
        addr = _upsert(
            m.PeeringLanAddress,
            {"lan": lan, "ipv4": row["ipv4"]},
            {
                "connection": conn,
                "ipv6": row["ipv6"] or None,
            },
            summary,
            "addresses",
        )
        _upsert(
            m.MacAddress,
            {"lan": lan, "mac": row["mac"]},
            {"address": addr},
            summary,
            "MAC addresses",
        )
        if row["route_server"] == "yes":
            for rs in route_servers.get(slug, []):
                for afi in (4, 6):
                    if getattr(addr, f"ipv{afi}") and getattr(rs, f"ipv{afi}"):
                        _upsert(
                            m.RouteServerSession,
                            {"route_server": rs, "address": addr, "afi": afi},
                            {"enabled": True},
                            summary,
                            "route-server sessions",
                        )
    return summary


def ensure_demo_user() -> tuple[str, str]:
    """The demo's staff account (demo / demo-password): for the demo only, never production."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=DEMO_USERNAME)
    user.is_staff = True
    user.is_superuser = True
    user.set_password(DEMO_PASSWORD)
    user.save()
    return DEMO_USERNAME, DEMO_PASSWORD
