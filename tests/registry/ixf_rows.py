"""The registry's rows written by an IX-F import, in a form two imports can be compared by.

Every row of every model an import touches, without its id and timestamps, its relations
written as the related row's natural name (``str()``); a member's connections are nested
(ports, addresses, MACs, sessions) since a connection has no name of its own. Sorted, so
two databases holding the same rows give the same list whatever the insertion order.
Used to pin the bulk importer to the rows the per-row importer wrote
(``fixtures/ixf/expected-rows.json``, recorded with the per-row importer).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lakou.registry import models as m

SKIPPED = {"id", "created", "updated"}
FLAT = (
    m.Exchange,
    m.Facility,
    m.Switch,
    m.PeeringLan,
    m.Network,
    m.Contact,
    m.Member,
    m.RouteServer,
)


def _value(row: Any, field: Any) -> Any:
    if field.is_relation:
        target = getattr(row, field.name)
        return None if target is None else str(target)
    value = getattr(row, field.attname)
    return value if isinstance(value, str | int | bool | type(None)) else str(value)


def _flat(model: Any) -> list[dict[str, Any]]:
    rows = []
    for row in model.objects.all():
        record = {
            f.name: _value(row, f)
            for f in model._meta.concrete_fields
            if f.name not in SKIPPED and f.name not in ("bgp_password", "snmp_community")
        }
        if model is m.Exchange:
            record["bridged_to"] = sorted(x.slug for x in row.bridged_to.all())
        rows.append(record)
    return sorted(rows, key=repr)


def _connections() -> list[dict[str, Any]]:
    out = []
    for conn in m.Connection.objects.select_related("member__network", "member__exchange"):
        addresses = []
        for addr in conn.addresses.select_related("lan__exchange"):
            addresses.append(
                {
                    "lan": str(addr.lan),
                    "ipv4": addr.ipv4,
                    "ipv6": addr.ipv6,
                    "macs": sorted((mac.mac, str(mac.lan), mac.learned) for mac in addr.macs.all()),
                    "sessions": sorted(
                        (str(s.route_server), s.afi, s.enabled) for s in addr.rs_sessions.all()
                    ),
                }
            )
        out.append(
            {
                "member": str(conn.member),
                "name": conn.name,
                "state": conn.state,
                "lag_interface": conn.lag_interface,
                "ports": sorted(
                    (p.switch.name, p.name, p.speed_mbps)
                    for p in conn.ports.select_related("switch")
                ),
                "addresses": sorted(addresses, key=repr),
            }
        )
    return sorted(out, key=repr)


def registry_rows() -> dict[str, Any]:
    """Every row an IX-F import writes, comparable across databases."""
    rows: dict[str, Any] = {model.__name__: _flat(model) for model in FLAT}
    rows["Connection"] = _connections()
    return rows


def _changed_ams(doc: dict[str, Any]) -> dict[str, Any]:
    """The 1.0 fixture a month later: a member renamed, a connection disabled, a MAC
    replaced, the route servers' entry gone from the document (the registry keeps them),
    a new member."""
    doc = json.loads(json.dumps(doc))
    members = doc["member_list"]
    members[0]["name"] = members[0].get("name", "") + " (renamed)"
    replaced = False
    for entry in members:
        for conn in entry.get("connection_list", []):
            for vlan in conn.get("vlan_list", []):
                macs = (vlan.get("ipv4") or {}).get("mac_addresses")
                if macs and not replaced:
                    macs[0] = "02:42:42:42:42:42"
                    replaced = True
    for entry in members[1:]:
        if entry.get("connection_list"):
            entry["connection_list"][0]["state"] = "inactive"
            break
    newcomer = json.loads(json.dumps(members[-1]))
    newcomer["asnum"] = 64999
    newcomer["name"] = "Newcomer"
    for conn in newcomer.get("connection_list", []):
        conn["vlan_list"] = []
    members.append(newcomer)
    del members[-2]
    return doc


def scenario(fixtures: Path) -> dict[str, Any]:
    """A sequence of imports on an empty registry: each step's report and the rows after.

    Run under the per-row importer to record ``expected-rows.json``, and by the tests under
    the bulk importer, which must give the same reports and rows.
    """
    from lakou.ixf import IxfError
    from lakou.registry.ixf.import_ import import_document

    steps: dict[str, Any] = {}

    def step(name: str, data: Any, **options: Any) -> None:
        try:
            report = import_document(data, **options).lines()
        except IxfError as exc:
            report = [f"error: {exc}"]
        steps[name] = {"report": report, "rows": registry_rows()}

    ams = json.loads((fixtures / "ams-like-1.0.json").read_text())
    step("ams 1.0", ams)
    step(
        "two exchanges 0.7, dry run",
        (fixtures / "two-exchanges-0.7.json").read_text(),
        dry_run=True,
    )
    step("two exchanges 0.7", (fixtures / "two-exchanges-0.7.json").read_text())
    step("ixp manager 0.6", (fixtures / "ixpmanager-like-0.6.json").read_bytes())
    step("ams 1.0 again", ams)
    step("ams 1.0 a month later", _changed_ams(ams))
    step("ams 1.0 a month later, dry run", _changed_ams(ams), dry_run=True)
    # the newcomer on what the registry holds (members absent from the document keep their
    # connections): refused, nothing changed
    for name, vlan, absent in (
        ("an address taken", {"vlan_id": 0, "ipv4": {"address": "80.249.210.7"}}, 64512),
        ("a route server's address", {"vlan_id": 0, "ipv4": {"address": "80.249.208.254"}}, 0),
        (
            "a MAC taken",
            {
                "vlan_id": 0,
                "ipv4": {"address": "80.249.208.77", "mac_addresses": ["02:42:42:42:42:42"]},
            },
            0,
        ),
    ):
        doc = _changed_ams(ams)  # the route servers' entry is gone from it already
        doc["member_list"][-1]["connection_list"][0]["vlan_list"] = [vlan]
        doc["member_list"] = [e for e in doc["member_list"] if e["asnum"] != absent]
        step(name, doc)
    twice = json.loads(json.dumps(ams))
    twice["member_list"].append(json.loads(json.dumps(twice["member_list"][1])))
    twice["member_list"][1]["connection_list"] = []
    step("a member listed twice", twice)
    step("a member listed twice, merged", twice, merge_duplicates=True)
    return steps
