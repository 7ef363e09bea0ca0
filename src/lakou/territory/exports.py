"""The inventory in the formats other tools read: a pmacct ``networks_file``, BIRD
prefix sets, the CSV prefix table (``prefix,asn,territory``, read back by
:meth:`~lakou.territory.index.PrefixIndex.from_csv`), JSON, and the networks to invite
as CSV (ranked, with the evidence behind each class)."""

from __future__ import annotations

import csv
import io
import json
import re

from lakou.territory.inventory import Inventory


def _header(inventory: Inventory) -> str:
    return f"{','.join(inventory.countries)}, {inventory.generated_at}"


def to_json(inventory: Inventory) -> str:
    return json.dumps(inventory.as_dict(), indent=2, ensure_ascii=False) + "\n"


def to_csv(inventory: Inventory) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["prefix", "asn", "territory", "kind", "confidence", "agree", "disagree"])
    for p in inventory.prefixes:
        writer.writerow(
            [
                p.prefix,
                "" if p.asn is None else p.asn,
                p.territory or "",
                p.kind,
                p.confidence,
                " ".join(p.agree),
                " ".join(f"{d['source']}={d['country']}" for d in p.disagree),
            ]
        )
    return out.getvalue()


def to_pmacct_networks(inventory: Inventory) -> str:
    """pmacct ``networks_file``: ``<origin AS>,<prefix>`` (or the bare prefix), ``!`` comments."""
    lines = [
        f"! lakou territory inventory for {_header(inventory)}",
        "! format: [<origin AS>,]<network>/<mask>",
    ]
    for p in inventory.prefixes:
        lines.append(f"{p.asn},{p.prefix}" if p.asn is not None else p.prefix)
    return "\n".join(lines) + "\n"


def _set_name(prefix: str, territory: str, family: int) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", f"{prefix}_{territory}_V{family}").upper()


def to_bird(inventory: Inventory, name: str = "TERRITORY") -> str:
    """BIRD 2 ``define`` prefix sets: one per family for the whole territory, and one per
    country, each prefix with ``+`` (the prefix and its more-specifics)."""
    lines = [
        f"# lakou territory inventory for {_header(inventory)}",
        "# include this file from bird.conf; use as: if net ~ " + f"{name}_V4 then ...",
    ]
    groups: dict[str, list[str]] = {}
    for p in inventory.prefixes:
        family = 6 if ":" in p.prefix else 4
        groups.setdefault(_set_name(name, "ALL", family).replace("_ALL", ""), []).append(p.prefix)
        if p.territory:
            groups.setdefault(_set_name(name, p.territory, family), []).append(p.prefix)
    for family in (4, 6):
        key = f"{name}_V{family}"
        groups.setdefault(key, [])
    for key in sorted(groups):
        members = sorted(set(groups[key]))
        if not members:
            # BIRD refuses an empty set literal; a set matching nothing keeps the name defined
            members = ["0.0.0.0/32"] if key.endswith("V4") else ["::/128"]
            lines.append(f"# {key}: no prefix in the inventory")
        body = ",\n  ".join(f"{m}+" for m in members)
        lines.append(f"define {key} = [\n  {body}\n];")
    return "\n".join(lines) + "\n"


def to_invite_csv(inventory: Inventory) -> str:
    """The networks to invite, best evidence first, then the others, with why."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "rank",
            "asn",
            "name",
            "class",
            "to_invite",
            "territory_share",
            "ipv4_in_territory",
            "ipv4_addresses",
            "ipv6_slash64s_in_territory",
            "countries",
            "registered_in",
            "reason",
        ]
    )
    invited = inventory.invitations()
    others = [n for n in inventory.networks if n not in invited]
    for network in invited + others:
        e = network.evidence
        registered = e.registered_in()[0] if e else None
        writer.writerow(
            [
                network.invite_rank or "",
                network.asn,
                network.name,
                network.network_class,
                "yes" if network.to_invite else "no",
                round(e.share, 4) if e else "",
                e.v4.in_territory if e else "",
                e.v4.total if e else "",
                e.v6.in_territory if e else "",
                len(e.countries()) if e else "",
                registered or "",
                network.class_reason,
            ]
        )
    return out.getvalue()


EXPORTERS = {
    "json": to_json,
    "csv": to_csv,
    "pmacct": to_pmacct_networks,
    "bird": to_bird,
    "invite": to_invite_csv,
}
