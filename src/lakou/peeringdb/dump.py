"""Reading PeeringDB from files on disk: the offline way to fill the local cache.

An island cut off from the Internet is the case lakou is built for, so the cache can be
filled from files as well as from the API. Two shapes of the API's JSON are read:

- one file per object type, exactly what ``GET /api/<type>`` answers:
  ``{"meta": {...}, "data": [...]}``; the type comes from the file name
  (``ix.json``, ``peeringdb-2016-ixpfx.json``) or, failing that, from the objects'
  fields (``net_id`` and ``ixlan_id``: a ``netixlan``...);
- a full dump with every type, keyed by type (``{"ix": {"data": [...]}, "net": ...}``,
  the shape of CAIDA's PeeringDB archives); types lakou does not keep (``fac``,
  ``org``, ``poc``...) are counted and named in the report, not stored.

Every object passes the same check as the API's answers
(:func:`lakou.peeringdb.schema.check_object`); the first problem stops the load with
one line naming the file and the place (``ix.json: data[3].name: ...`` or a JSON line
and column), before anything is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lakou.i18n import gettext as _
from lakou.peeringdb.schema import OBJECTS, ObjectError, check_object

# A dump bigger than this is not a PeeringDB dump (the whole of PeeringDB is ~200 MB).
MAX_DUMP_BYTES = 2 * 1024 * 1024 * 1024


class DumpError(ValueError):
    """A dump file cannot be loaded; the message names the file and the place."""


@dataclass
class Dump:
    """The checked objects of one or more files, by type, and what was left aside."""

    objects: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    not_kept: dict[str, int] = field(default_factory=dict)  # type -> objects, not stored
    files: list[str] = field(default_factory=list)

    def add(self, obj: str, items: Sequence[dict[str, Any]]) -> None:
        self.objects.setdefault(obj, []).extend(items)


def _reject_constant(name: str) -> Any:
    raise ValueError(_("%(name)s is not a JSON number") % {"name": name})


def _type_from_name(path: Path) -> str | None:
    tokens = re.split(r"[^a-z]+", path.name.lower().removesuffix(".json"))
    found = [t for t in tokens if t in OBJECTS]
    return found[-1] if found else None


def _type_from_fields(items: Sequence[Any]) -> str | None:
    """The object type whose distinctive fields the first object has."""
    first = items[0] if items else None
    if not isinstance(first, dict):
        return None
    keys = set(first)
    if {"net_id", "ixlan_id"} <= keys:
        return "netixlan"
    if {"prefix", "ixlan_id"} <= keys:
        return "ixpfx"
    if "ix_id" in keys and not keys & {"fac_id", "net_id"}:
        return "ixlan"
    if "asn" in keys and not keys & {"net_id", "ixlan_id", "fac_id"}:
        return "net"
    if keys & {"proto_unicast", "proto_ipv6", "ixf_ixp_member_list_url"}:
        return "ix"
    return None


def _data(value: Any, where: str) -> list[Any]:
    if isinstance(value, list):
        return value
    if not isinstance(value, dict) or "data" not in value:
        raise DumpError(_("%(where)s: expected an object with a 'data' list") % {"where": where})
    data = value["data"]
    if not isinstance(data, list):
        raise DumpError(
            _("%(where)s: data: expected a list, got %(type)s")
            % {"where": where, "type": type(data).__name__}
        )
    return data


def _check(obj: str, items: Sequence[Any], where: str) -> list[dict[str, Any]]:
    try:
        return [check_object(obj, item, f"data[{i}]") for i, item in enumerate(items)]
    except ObjectError as exc:
        raise DumpError(f"{where}: {exc}") from None


def _parse(path: Path) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_DUMP_BYTES:
            raise DumpError(
                _("%(file)s: %(size)s bytes, larger than any PeeringDB dump; refused")
                % {"file": path, "size": size}
            )
        text = path.read_bytes()
    except OSError as exc:
        raise DumpError(
            _("%(file)s: cannot read: %(problem)s") % {"file": path, "problem": exc.strerror}
        ) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DumpError(
            _("%(file)s: line %(line)s, column %(col)s: not JSON: %(problem)s")
            % {"file": path, "line": exc.lineno, "col": exc.colno, "problem": exc.msg}
        ) from None
    except (ValueError, RecursionError) as exc:
        raise DumpError(
            _("%(file)s: not usable JSON: %(problem)s") % {"file": path, "problem": exc}
        ) from None


def _is_full_dump(doc: Any) -> bool:
    """``{"ix": {"data": [...]}, "net": {...}}``: every key but ``meta`` names a type."""
    if not isinstance(doc, dict) or "data" in doc:
        return False
    types = [v for k, v in doc.items() if k != "meta"]
    return bool(types) and all(isinstance(v, dict) and "data" in v for v in types)


def read_dump_file(path: Path, dump: Dump) -> None:
    """Add the checked objects of one file to ``dump`` (:class:`DumpError` if unusable)."""
    doc = _parse(path)
    dump.files.append(str(path))
    if _is_full_dump(doc):
        kept = [k for k in doc if k in OBJECTS]
        if not kept:
            raise DumpError(
                _("%(files)s: no PeeringDB object of a type lakou keeps (%(types)s)")
                % {"files": path, "types": ", ".join(OBJECTS)}
            )
        for key, value in doc.items():
            if key == "meta":
                continue
            if key not in OBJECTS:
                dump.not_kept[key] = dump.not_kept.get(key, 0) + (
                    len(value["data"])
                    if isinstance(value, dict) and isinstance(value.get("data"), list)
                    else 0
                )
                continue
            where = f"{path}: {key}"
            dump.add(key, _check(key, _data(value, where), where))
        return
    items = _data(doc, str(path))
    obj = _type_from_name(path) or _type_from_fields(items)
    if obj is None:
        raise DumpError(
            _(
                "%(file)s: cannot tell which PeeringDB object type this is; name the file "
                "after it (%(types)s), e.g. net.json"
            )
            % {"file": path, "types": ", ".join(OBJECTS)}
        )
    dump.add(obj, _check(obj, items, str(path)))


def read_dump(paths: Sequence[Path | str]) -> Dump:
    """Read and check every file; nothing is returned unless all of them are usable."""
    dump = Dump()
    for path in paths:
        read_dump_file(Path(path), dump)
    if not dump.objects:
        raise DumpError(
            _("%(files)s: no PeeringDB object of a type lakou keeps (%(types)s)")
            % {"files": ", ".join(dump.files), "types": ", ".join(OBJECTS)}
        )
    return dump
