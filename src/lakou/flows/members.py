"""Members and their MACs from files, for running the flow engine without the registry.

Three forms, all turned into :class:`lakou.exchange.Exchange` objects (what the registry
gives too):
- IX-F Member Export JSON (``member_list[].connection_list[].vlan_list[]`` with
  ``ipv4``/``ipv6`` ``address`` and ``mac_addresses``), read by :mod:`lakou.ixf` (the
  registry's IX-F reader) as a members view;
- YAML: a list of ``{asn, name, vlan, macs: [...], ipv4, ipv6}`` (or ``{members: [...]}``);
- CSV with the header ``asn,name,vlan,mac,ipv4,ipv6`` (one MAC per line; repeat the
  member on several lines for several MACs).
Errors name the file and the place (line, JSON path).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lakou import ixf
from lakou.exchange import Exchange, Member
from lakou.i18n import gettext as _
from lakou.inputs import InputError, load_yaml


class MembersFileError(ValueError):
    """The members file cannot be used; the message names the file and the place."""


# A member's keys: those the flows read, and the port keys the LAN checks read from the
# same file (lakou.lan.watchlist: the switch port, MAC limit and quarantine).
MEMBER_KEYS = {"asn", "name", "vlan", "ipv4", "ipv6", "macs"} | {
    "switch",
    "if_index",
    "quarantine",
    "max_macs",
}


def load_members(path: str | Path) -> list[Exchange]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MembersFileError(f"{path}: {exc}") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_from_csv(text, path)]
    if suffix == ".json":
        return _from_ixf(text, path)
    return [_from_yaml(text, path)]


def _member(path: Path, where: str, data: dict[str, Any]) -> Member:
    try:
        return Member.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(x) for x in err["loc"])
        problem = err["msg"].removeprefix("Value error, ")
        raise MembersFileError(f"{path}: {where}: {loc}: {problem}") from None


def _from_csv(text: str, path: Path) -> Exchange:
    reader = csv.DictReader(text.splitlines())
    missing = {"asn", "mac"} - set(reader.fieldnames or [])
    if missing:
        raise MembersFileError(
            _("{path}:1: missing columns {cols}").format(path=path, cols=", ".join(sorted(missing)))
        )
    grouped: dict[int, dict[str, Any]] = {}
    addresses: dict[int, dict[tuple[Any, ...], list[str]]] = defaultdict(dict)
    for line, row in enumerate(reader, start=2):
        try:
            asn = int(row["asn"])
            vlan = int(row["vlan"]) if row.get("vlan") else None
        except ValueError:
            raise MembersFileError(
                _("{path}:{line}: asn and vlan must be numbers").format(path=path, line=line)
            ) from None
        grouped.setdefault(asn, {"asn": asn, "name": row.get("name") or f"AS{asn}"})
        key = (vlan, row.get("ipv4") or None, row.get("ipv6") or None)
        addresses[asn].setdefault(key, [])
        if row.get("mac"):
            addresses[asn][key].append(row["mac"].strip().lower())
    members = []
    for asn, data in grouped.items():
        data["addresses"] = [
            {"lan": "lan", "vlan": vlan, "ipv4": v4, "ipv6": v6, "macs": macs}
            for (vlan, v4, v6), macs in addresses[asn].items()
        ]
        members.append(_member(path, f"asn {asn}", data))
    return Exchange(slug=path.stem, name=path.stem, members=tuple(members))


def _from_yaml(text: str, path: Path) -> Exchange:
    try:
        data = load_yaml(text)
    except InputError as exc:
        raise MembersFileError(exc.located(path)) from None
    if isinstance(data, dict):
        unknown = sorted(set(data) - {"members"})
        if unknown:
            raise MembersFileError(
                _("{path}: unknown key(s) {keys}: a members file has only members").format(
                    path=path, keys=", ".join(map(str, unknown))
                )
            )
        data = data.get("members", [])
    if not isinstance(data, list):
        raise MembersFileError(_("{path}: expected a list of members").format(path=path))
    members = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or "asn" not in item:
            raise MembersFileError(
                _("{path}: members[{i}]: a member needs an asn").format(path=path, i=i)
            )
        unknown = sorted(set(item) - MEMBER_KEYS)
        if unknown:
            raise MembersFileError(
                _("{path}: members[{i}]: unknown key(s) {keys} (known: {known})").format(
                    path=path,
                    i=i,
                    keys=", ".join(map(str, unknown)),
                    known=", ".join(sorted(MEMBER_KEYS)),
                )
            )
        entry = {
            "asn": item["asn"],
            "name": item.get("name", f"AS{item['asn']}"),
            "addresses": [
                {
                    "lan": "lan",
                    "vlan": item.get("vlan"),
                    "ipv4": item.get("ipv4"),
                    "ipv6": item.get("ipv6"),
                    "macs": [str(m).lower() for m in item.get("macs", [])],
                }
            ],
        }
        members.append(_member(path, f"members[{i}]", entry))
    return Exchange(slug=path.stem, name=path.stem, members=tuple(members))


def _from_ixf(text: str, path: Path) -> list[Exchange]:
    """An IX-F Member Export, read by lakou's one IX-F reader as a members view."""
    try:
        document = ixf.load(text, ixf.ImportReport(), complete=False, duplicates="keep")
    except ixf.IxfError as exc:
        if exc.path.startswith("line "):  # the JSON itself: ``file:line: problem``
            line = exc.path.split()[1].rstrip(",")
            raise MembersFileError(f"{path}:{line}: {exc.problem} ({exc.path})") from None
        where = exc.path if exc.path.startswith("$") else f"$.{exc.path}"
        raise MembersFileError(f"{path}: {where}: {exc.problem}") from None
    return [ixf.members_exchange(document, path.stem)]
