"""A small IX-F Member Export reader: exchanges and members as ``lakou.exchange`` objects.

Only what the territory and paths engines need: each ``ixp_list`` entry's name, country
and peering-LAN prefixes (``vlan[].ipv4/ipv6.prefix`` + ``mask_length``), and each
member's ASN, name and router addresses on that exchange. Errors name the JSON path
(``member_list[3].asnum``). Versions 0.6 to 1.0 of the schema share this shape.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from lakou.exchange import Exchange, Member, PeeringLan, PeeringLanAddress
from lakou.i18n import gettext as _
from lakou.inputs import InputError, load_json
from lakou.territory.sources.common import SourceError, open_binary


def _need(obj: Any, key: str, where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise SourceError(where, _("missing field {key!r}").format(key=key))
    return obj[key]


def read_ixf(path: str | Path) -> list[Exchange]:
    path = Path(path)
    try:
        with open_binary(path) as handle:
            document = load_json(handle.read())
    except InputError as exc:
        raise SourceError(
            f"{path}:{exc.line}" if exc.line else str(path), exc.problem if exc.line else str(exc)
        ) from None
    ixps = _need(document, "ixp_list", f"{path}:$")
    members = document.get("member_list", []) if isinstance(document, dict) else []
    if not isinstance(ixps, list) or not isinstance(members, list):
        raise SourceError(f"{path}:$", _("ixp_list and member_list must be lists"))
    exchanges = []
    for i, ixp in enumerate(ixps):
        where = f"{path}:ixp_list[{i}]"
        ixp_id = _need(ixp, "ixp_id", where)
        name = str(ixp.get("shortname") or ixp.get("name") or ixp_id)
        lans = []
        for j, vlan in enumerate(ixp.get("vlan") or []):
            prefixes: dict[str, Any] = {}
            for family in ("ipv4", "ipv6"):
                block = vlan.get(family) if isinstance(vlan, dict) else None
                if isinstance(block, dict) and block.get("prefix"):
                    try:
                        prefixes[family] = ipaddress.ip_network(
                            f"{block['prefix']}/{block.get('mask_length', '')}", strict=False
                        )
                    except ValueError as exc:
                        raise SourceError(f"{where}.vlan[{j}].{family}", str(exc)) from None
            lans.append(
                PeeringLan(
                    name=str(vlan.get("name") or f"vlan{vlan.get('id', j)}"),
                    vlan=vlan.get("id")
                    if isinstance(vlan.get("id"), int) and 1 <= vlan["id"] <= 4094
                    else None,
                    ipv4_prefix=prefixes.get("ipv4"),
                    ipv6_prefix=prefixes.get("ipv6"),
                )
            )
        exchange_members = []
        for k, member in enumerate(members):
            mwhere = f"{path}:member_list[{k}]"
            asn = _need(member, "asnum", mwhere)
            if not isinstance(asn, int) or not 1 <= asn <= 4294967295:
                raise SourceError(f"{mwhere}.asnum", _("not an ASN: {asn!r}").format(asn=asn))
            addresses = []
            for c, connection in enumerate(member.get("connection_list") or []):
                if connection.get("ixp_id") != ixp_id:
                    continue
                for v, vlan in enumerate(connection.get("vlan_list") or []):
                    ips: dict[str, Any] = {}
                    for family in ("ipv4", "ipv6"):
                        block = vlan.get(family)
                        if isinstance(block, dict) and block.get("address"):
                            try:
                                ips[family] = ipaddress.ip_address(block["address"])
                            except ValueError as exc:
                                raise SourceError(
                                    f"{mwhere}.connection_list[{c}].vlan_list[{v}].{family}.address",
                                    str(exc),
                                ) from None
                    if ips:
                        addresses.append(
                            PeeringLanAddress(
                                lan=str(vlan.get("vlan_id", "")),
                                ipv4=ips.get("ipv4"),
                                ipv6=ips.get("ipv6"),
                                rs_ipv4=bool((vlan.get("ipv4") or {}).get("routeserver")),
                                rs_ipv6=bool((vlan.get("ipv6") or {}).get("routeserver")),
                            )
                        )
            connected = any(c.get("ixp_id") == ixp_id for c in member.get("connection_list") or [])
            if connected:
                exchange_members.append(
                    Member(
                        asn=asn,
                        name=str(member.get("name") or f"AS{asn}"),
                        addresses=tuple(addresses),
                    )
                )
        exchanges.append(
            Exchange(
                slug=name.lower().replace(" ", "-"),
                name=name,
                country=str(ixp.get("country") or "").upper(),
                ixf_id=ixp.get("ixf_id") if isinstance(ixp.get("ixf_id"), int) else None,
                lans=tuple(lans),
                members=tuple(exchange_members),
            )
        )
    return exchanges
