"""What lakou expects of the PeeringDB objects it keeps, and the check of each one.

PeeringDB answers ``{"meta": {...}, "data": [{...}, ...]}``. Every object that reaches
the cache passes :func:`check_object` first: the fields lakou indexes or reads (``id``,
``status``, ``updated``, ``asn``, ``ixlan_id``, addresses, max-prefix hints...) must have
the right JSON type and a sane range, and a problem is reported with its JSON path
(``data[3].info_prefixes4``) so an operator can tell PeeringDB, or a broken proxy,
what was wrong. Fields lakou does not read are kept as they came, for ``show``.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from lakou.i18n import gettext as _

# The object types lakou keeps, in the order a sync fetches them (parents first).
OBJECTS: tuple[str, ...] = ("ix", "ixlan", "ixpfx", "net", "netixlan")
STATUSES = frozenset({"ok", "pending", "deleted"})
ASN_MAX = 4294967295
ID_MAX = 2**31 - 1
# The largest max-prefix hint worth believing: a full IPv4 table is ~1 M routes, so
# anything above 10 M is a typo or an attack on the route server's memory.
PREFIX_HINT_MAX = 10_000_000
SPEED_MAX = 100_000_000  # Mb/s: 100 Tb/s, far above any IXP port
STRING_MAX = 65536


class ObjectError(ValueError):
    """One field of one object is unusable; ``path`` says where (``data[3].asn``)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def _int(lo: int, hi: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return _("expected an integer, got %(value)s") % {"value": _show(value)}
        if not lo <= value <= hi:
            return _("%(value)s is out of range (%(lo)s to %(hi)s)") % {
                "value": _show(value),
                "lo": lo,
                "hi": hi,
            }
        return None

    return check


def _str(value: Any) -> str | None:
    if not isinstance(value, str):
        return _("expected a string, got %(value)s") % {"value": _show(value)}
    if len(value) > STRING_MAX:
        return _("string of %(n)s characters is too long (at most %(max)s)") % {
            "n": len(value),
            "max": STRING_MAX,
        }
    if "\x00" in value:
        return _("string contains a NUL character")
    return None


def _bool(value: Any) -> str | None:
    if not isinstance(value, bool):
        return _("expected true or false, got %(value)s") % {"value": _show(value)}
    return None


def _status(value: Any) -> str | None:
    problem = _str(value)
    if problem:
        return problem
    if value not in STATUSES:
        return _("unknown status %(value)s (expected ok, pending or deleted)") % {
            "value": _show(value)
        }
    return None


def _timestamp(value: Any) -> str | None:
    problem = _str(value)
    if problem:
        return problem
    try:
        parse_timestamp(value)
    except ValueError:
        return _("not an ISO 8601 time: %(value)s") % {"value": _show(value)}
    return None


def _address(version: int) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        problem = _str(value)
        if problem:
            return problem
        try:
            addr = ipaddress.ip_address(value)
        except ValueError:
            return _("not an IP address: %(value)s") % {"value": _show(value)}
        if addr.version != version:
            return _("not an IPv%(v)s address: %(value)s") % {"v": version, "value": _show(value)}
        return None

    return check


def _prefix(value: Any) -> str | None:
    problem = _str(value)
    if problem:
        return problem
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return _("not an IP prefix: %(value)s") % {"value": _show(value)}
    return None


def _protocol(value: Any) -> str | None:
    if value not in ("IPv4", "IPv6"):
        return _("expected IPv4 or IPv6, got %(value)s") % {"value": _show(value)}
    return None


@dataclass(frozen=True)
class Field:
    check: Callable[[Any], str | None]
    required: bool = False
    nullable: bool = False


_ID = Field(_int(1, ID_MAX), required=True)
_COMMON: dict[str, Field] = {
    "id": _ID,
    "status": Field(_status, required=True),
    "updated": Field(_timestamp, required=True),
    "created": Field(_timestamp),
}
_PREFIX_HINT = Field(_int(0, PREFIX_HINT_MAX), nullable=True)

FIELDS: Mapping[str, Mapping[str, Field]] = {
    "ix": {
        **_COMMON,
        "name": Field(_str, required=True),
        "name_long": Field(_str),
        "city": Field(_str),
        "country": Field(_str),
        "website": Field(_str, nullable=True),
        "org_id": Field(_int(1, ID_MAX), nullable=True),
    },
    "ixlan": {
        **_COMMON,
        "ix_id": _ID,
        "name": Field(_str, nullable=True),
        "descr": Field(_str, nullable=True),
        "mtu": Field(_int(0, 65535), nullable=True),
        "rs_asn": Field(_int(0, ASN_MAX), nullable=True),
        "dot1q_support": Field(_bool, nullable=True),
    },
    "ixpfx": {
        **_COMMON,
        "ixlan_id": _ID,
        "protocol": Field(_protocol, required=True),
        "prefix": Field(_prefix, required=True),
    },
    "net": {
        **_COMMON,
        "asn": Field(_int(1, ASN_MAX), required=True),
        "name": Field(_str, required=True),
        "aka": Field(_str, nullable=True),
        "org_id": Field(_int(1, ID_MAX), nullable=True),
        "website": Field(_str, nullable=True),
        "irr_as_set": Field(_str, nullable=True),
        "info_prefixes4": _PREFIX_HINT,
        "info_prefixes6": _PREFIX_HINT,
        "info_never_via_route_servers": Field(_bool),
        "policy_general": Field(_str, nullable=True),
    },
    "netixlan": {
        **_COMMON,
        "net_id": _ID,
        "ixlan_id": _ID,
        "asn": Field(_int(1, ASN_MAX), required=True),
        "ipaddr4": Field(_address(4), nullable=True),
        "ipaddr6": Field(_address(6), nullable=True),
        "is_rs_peer": Field(_bool),
        "speed": Field(_int(0, SPEED_MAX), nullable=True),
        "operational": Field(_bool),
    },
}


def parse_timestamp(value: str) -> int:
    """``2016-06-08T15:55:16Z`` (PeeringDB's ``updated``) -> Unix seconds."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def check_object(obj_type: str, value: Any, path: str) -> dict[str, Any]:
    """The object itself if it is usable as an ``obj_type``, else :class:`ObjectError`."""
    if not isinstance(value, dict):
        raise ObjectError(path, _("expected an object, got %(value)s") % {"value": _show(value)})
    for name, field in FIELDS[obj_type].items():
        if name not in value:
            if field.required:
                raise ObjectError(f"{path}.{name}", _("required field is missing"))
            continue
        item = value[name]
        if item is None:
            if field.required or not field.nullable:
                raise ObjectError(f"{path}.{name}", _("must not be null"))
            continue
        problem = field.check(item)
        if problem:
            raise ObjectError(f"{path}.{name}", problem)
    _check_numbers(value, path)
    return value


def _check_numbers(value: Any, path: str, depth: int = 0) -> None:
    """Every number anywhere in the object must fit SQLite and JSON (no NaN, no 10**40)."""
    if depth > 32:
        raise ObjectError(path, _("nested more than 32 levels deep"))
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if not -(2**63) <= value < 2**63:
            raise ObjectError(path, _("number %(value)s is too large") % {"value": _show(value)})
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ObjectError(path, _("number is not finite"))
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_numbers(item, f"{path}.{key}", depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_numbers(item, f"{path}[{index}]", depth + 1)


def _show(value: Any) -> str:
    """A short rendering of a bad value for an error message (hostile input is long)."""
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value) if abs(value) < 10**30 else f"a {len(str(abs(value)))}-digit number"
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
