"""A route-server client's options: arouteserver's per-client ``cfg``, checked and typed.

The one schema of what can be set per client (``passive``, ``gtsm``, ``multihop``,
``add_path``, next-hop policy, prefix lengths, IRR switches and white lists, RPKI, black
list, max-prefix, roles, reject policy, blackhole, graceful shutdown, custom communities
and daemon lines). The registry validates ``Member.route_server_options`` with it,
``lakou clients import|export`` reads and writes ``clients.yml`` through it, and the
route-server build turns a checked ``cfg`` into :class:`ClientOptions`, the typed object
both renderers read. No Django: the registry calls in, never the other way.

Checking is strict where arouteserver is strict (unknown options, wrong types, values
outside a list) so a file lakou accepts is a file arouteserver accepts, and is written
back in the documented order whatever the order of the input or of the database's JSON
(PostgreSQL's ``jsonb`` does not keep key order). Absent and ``null`` mean the same to
arouteserver (inherit the general policy), so ``null`` values and mappings left empty are
not stored. Spellings arouteserver tolerates (``"yes"`` for true, ``"100"`` for 100) are
stored normalised, each with a note.

What the registry models as columns is split off: ``filtering.irrdb.as_sets`` goes to
``Network.as_set`` and ``filtering.max_prefix.limit_ipv4/6`` to ``Network.max_prefix_v4/v6``
(:func:`split_cfg`); :func:`merge_cfg` puts them back for the export.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Callable
from typing import Any

from lakou.i18n import gettext as _
from lakou.vocabulary import ASN_MAX, is_as_set

Notes = list[tuple[str, str]]  # (path, message): what was normalised, shown as warnings
Check = Callable[[Any, str, Notes], Any]

ROLES = ("provider", "rs", "rs-client", "customer", "peer")  # RFC 9234
NEXT_HOP_POLICIES = ("strict", "same-as", "authorized_addresses")
MAX_PREFIX_ACTIONS = ("shutdown", "restart", "block", "warning")
REJECT_POLICIES = ("reject", "tag", "tag_and_reject")
TRUE_WORDS = ("true", "yes", "t", "1")
FALSE_WORDS = ("false", "no", "f", "0")
PASSWORD_MAX_BYTES = 80  # TCP MD5 keys (RFC 2385; Linux TCP_MD5SIG_MAXKEYLEN)
# The options lakou keeps in Network columns, not in Member.route_server_options.
NETWORK_PATHS = (
    ("filtering", "irrdb", "as_sets"),
    ("filtering", "max_prefix", "limit_ipv4"),
    ("filtering", "max_prefix", "limit_ipv6"),
)


class OptionError(Exception):
    """An option lakou cannot use: ``path`` (``clients[4].cfg.gtsm``) and ``problem``."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path or '$'}: {problem}")
        self.path = path or "$"
        self.problem = problem


ClientsError = OptionError  # the name the clients.yml readers use


def join(path: str, key: str | int) -> str:
    """``join("clients", 3)`` -> ``clients[3]``; ``join("a", "b")`` -> ``a.b``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


# -- leaf checks ---------------------------------------------------------------------------
def _show(value: Any) -> str:
    return repr(value) if not isinstance(value, dict | list) else type(value).__name__


def check_bool(value: Any, path: str, notes: Notes) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower() if isinstance(value, str | int) else None
    if word in TRUE_WORDS or word in FALSE_WORDS:
        result = word in TRUE_WORDS
        notes.append((path, _("%(value)r read as %(result)s") % {"value": value, "result": result}))
        return result
    raise ClientsError(path, _("must be true or false, not %(value)s") % {"value": _show(value)})


def uint(low: int = 0, high: int | None = None) -> Check:
    def check(value: Any, path: str, notes: Notes) -> int:
        number = value
        if isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
            notes.append(
                (
                    path,
                    _("string %(value)r read as the number %(n)d") % {"value": value, "n": number},
                )
            )
        if isinstance(number, bool) or not isinstance(number, int) or number < low:
            raise ClientsError(
                path,
                _("must be a whole number >= %(low)d, not %(value)s")
                % {"low": low, "value": _show(value)},
            )
        if high is not None and number > high:
            raise ClientsError(
                path,
                _("%(value)d is out of range [%(low)d, %(high)d]")
                % {"value": number, "low": low, "high": high},
            )
        return number

    return check


def choice(options: tuple[str, ...]) -> Check:
    def check(value: Any, path: str, notes: Notes) -> str:
        if not isinstance(value, str) or value not in options:
            raise ClientsError(
                path,
                _("%(value)s is not one of %(options)s")
                % {"value": _show(value), "options": ", ".join(options)},
            )
        return value

    return check


def check_text(value: Any, path: str, notes: Notes) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        notes.append(
            (path, _("%(value)r read as the text %(text)r") % {"value": value, "text": str(value)})
        )
        return str(value)
    raise ClientsError(path, _("must be text, not %(value)s") % {"value": _show(value)})


def check_ip(value: Any, path: str, notes: Notes) -> str:
    try:
        ipaddress.ip_address(value if isinstance(value, str) else "")
    except ValueError:
        raise ClientsError(
            path, _("%(value)s is not an IP address") % {"value": _show(value)}
        ) from None
    return str(value)


def check_asn(value: Any, path: str, notes: Notes) -> int:
    number = uint(1, ASN_MAX)(value, path, notes)
    return number


def check_asn_list(value: Any, path: str, notes: Notes) -> Any:
    """A list of ASNs; arouteserver also takes one ASN or a comma-separated string."""
    if isinstance(value, list):
        return [check_asn(item, join(path, i), notes) for i, item in enumerate(value)]
    if isinstance(value, str):
        for part in value.split(","):
            check_asn(part.strip(), path, [])
        return value
    return check_asn(value, path, notes)


def check_as_set(value: Any, path: str, notes: Notes) -> str:
    if not isinstance(value, str):
        raise ClientsError(path, _("%(value)s is not an AS-SET name") % {"value": _show(value)})
    if not is_as_set(value.strip()):
        raise ClientsError(path, _("%(value)r is not an AS-SET or an ASN") % {"value": value})
    return value.strip()


def list_of(item: Check) -> Check:
    def check(value: Any, path: str, notes: Notes) -> list[Any]:
        if not isinstance(value, list):
            raise ClientsError(path, _("must be a list, not %(value)s") % {"value": _show(value)})
        return [item(v, join(path, i), notes) for i, v in enumerate(value)]

    return check


PREFIX_ENTRY_KEYS = ("prefix", "length", "comment", "exact", "ge", "le", "max_length")


def prefix_entry(with_asn: bool) -> Check:
    """A ``black_list_pref`` / ``white_list_*`` entry: prefix, length, exact or ge/le."""
    keys = (*PREFIX_ENTRY_KEYS, "asn") if with_asn else PREFIX_ENTRY_KEYS

    def check(value: Any, path: str, notes: Notes) -> dict[str, Any]:
        node = _mapping(value, path, keys)
        for key in ("prefix", "length"):
            if node.get(key) is None:
                raise ClientsError(join(path, key), _("missing (required)"))
        try:
            bits = ipaddress.ip_address(str(node["prefix"])).max_prefixlen
        except ValueError:
            raise ClientsError(
                join(path, "prefix"),
                _("%(value)s is not an IP prefix") % {"value": _show(node["prefix"])},
            ) from None
        out: dict[str, Any] = {}
        for key in keys:
            if node.get(key) is None:
                continue
            where = join(path, key)
            raw = node[key]
            if key == "prefix":
                out[key] = str(raw)
            elif key in ("length", "ge", "le", "max_length"):
                out[key] = uint(0, bits)(raw, where, notes)
            elif key == "comment":
                out[key] = check_text(raw, where, notes)
            elif key == "exact":
                out[key] = check_bool(raw, where, notes)
            else:
                out[key] = check_asn(raw, where, notes)
        for key in ("ge", "le"):
            if key in out and out[key] < out["length"]:
                raise ClientsError(
                    join(path, key),
                    _("%(value)d is shorter than the prefix length %(length)d")
                    % {"value": out[key], "length": out["length"]},
                )
        if "ge" in out and "le" in out and out["ge"] > out["le"]:
            raise ClientsError(join(path, "ge"), _("ge must be less than or equal to le"))
        if out.get("exact") and ("ge" in out or "le" in out):
            raise ClientsError(join(path, "exact"), _("exact cannot be used with ge or le"))
        return out

    return check


def pref_len(bits: int) -> Check:
    """``ipv4_pref_len`` / ``ipv6_pref_len``: ``{min, max}``, both required."""

    def check(value: Any, path: str, notes: Notes) -> dict[str, int]:
        node = _mapping(value, path, ("min", "max"))
        out = {}
        for key in ("min", "max"):
            if node.get(key) is None:
                raise ClientsError(join(path, key), _("missing (required)"))
            out[key] = uint(0, bits)(node[key], join(path, key), notes)
        if out["min"] > out["max"]:
            raise ClientsError(join(path, "min"), _("min must be less than or equal to max"))
        return out

    return check


def max_prefix_peering_db(value: Any, path: str, notes: Notes) -> Any:
    """``peering_db``: a mapping since arouteserver 0.13, a plain boolean before."""
    if isinstance(value, dict):
        return check_mapping(value, PEERING_DB_SPEC, path, notes)
    return check_bool(value, path, notes)


CUSTOM_SECTIONS = {"bird": ("protocol", "channel"), "openbgpd": ("client",)}


def custom_options(value: Any, path: str, notes: Notes) -> dict[str, Any]:
    """``custom_options.<bird|openbgpd>.<ipv4|ipv6|any>.<section>.config_lines``."""
    speakers = _mapping(value, path, tuple(CUSTOM_SECTIONS))
    out: dict[str, Any] = {}
    for speaker, sections in CUSTOM_SECTIONS.items():
        if speakers.get(speaker) is None:
            continue
        at = join(path, speaker)
        families = _mapping(speakers[speaker], at, ("ipv4", "ipv6", "any"))
        out[speaker] = {}
        for family in ("ipv4", "ipv6", "any"):
            if families.get(family) is None:
                continue
            where = join(at, family)
            body = _mapping(families[family], where, sections)
            if not body:
                raise ClientsError(
                    where, _("give one of %(sections)s") % {"sections": ", ".join(sections)}
                )
            out[speaker][family] = {
                section: {
                    "config_lines": list_of(check_text)(
                        _mapping(body[section], join(where, section), ("config_lines",)).get(
                            "config_lines"
                        ),
                        join(join(where, section), "config_lines"),
                        notes,
                    )
                }
                for section in sections
                if section in body
            }
    return out


def check_password(value: Any, path: str, notes: Notes) -> str:
    """A TCP MD5 key (``password``); never quoted in a message: it is a secret."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ClientsError(path, _("must be text"))
    text = str(value)
    if isinstance(value, int):
        notes.append((path, _("a number, read as text")))
    if len(text.encode("utf-8")) > PASSWORD_MAX_BYTES:
        raise ClientsError(
            path, _("longer than %(n)d bytes (the TCP MD5 limit)") % {"n": PASSWORD_MAX_BYTES}
        )
    if any(ch in text for ch in '"\\') or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise ClientsError(
            path,
            _(
                "contains a quote, a backslash or a control character, which BIRD and "
                "OpenBGPD configurations cannot carry"
            ),
        )
    return text


# -- the schema, in arouteserver's documented order -------------------------------------------
Spec = dict[str, Any]  # option -> Check or nested Spec
ON_OFF: Spec = {"enabled": check_bool, "reject_invalid": check_bool}
PEERING_DB_SPEC: Spec = {
    "enabled": check_bool,
    "increment": {"absolute": uint(), "relative": uint()},
}
CFG_SPEC: Spec = {
    "prepend_rs_as": check_bool,
    "passive": check_bool,
    "gtsm": check_bool,
    "multihop": uint(),
    "add_path": check_bool,
    "rfc8950": check_bool,
    # lakou extension (not in arouteserver): BFD with the route servers.
    "bfd": check_bool,
    "filtering": {
        "next_hop": {
            "policy": choice(NEXT_HOP_POLICIES),
            "authorized_addresses_list": list_of(check_ip),
        },
        "next_hop_policy": choice(NEXT_HOP_POLICIES),  # before arouteserver 0.6
        "ipv4_pref_len": pref_len(32),
        "ipv6_pref_len": pref_len(128),
        "max_as_path_len": uint(1, 64),
        "reject_invalid_as_in_as_path": check_bool,
        "allow_as_set": check_bool,
        "irrdb": {
            "as_sets": list_of(check_as_set),
            "enforce_origin_in_as_set": check_bool,
            "enforce_prefix_in_as_set": check_bool,
            "white_list_pref": list_of(prefix_entry(with_asn=False)),
            "white_list_asn": check_asn_list,
            "white_list_route": list_of(prefix_entry(with_asn=True)),
        },
        "rpki_bgp_origin_validation": ON_OFF,
        "rpki": ON_OFF,  # before arouteserver 0.17
        "rpki_aspa_verification": ON_OFF,
        "black_list_pref": list_of(prefix_entry(with_asn=False)),
        "max_prefix": {
            "action": choice(MAX_PREFIX_ACTIONS),
            "restart_after": uint(),
            "count_rejected_routes": check_bool,
            "peering_db": max_prefix_peering_db,
            "limit_ipv4": uint(),
            "limit_ipv6": uint(),
        },
        "roles": {"enabled": check_bool, "strict_mode": check_bool, "local_role": choice(ROLES)},
        "reject_policy": {"policy": choice(REJECT_POLICIES)},
    },
    "blackhole_filtering": {"announce_to_client": check_bool},
    "graceful_shutdown": {"enabled": check_bool},
    "attach_custom_communities": list_of(check_text),
    "custom_options": custom_options,
}
# Two spellings of one option: both at once is a conflict arouteserver refuses too.
ALIASES = (("next_hop_policy", "next_hop"), ("rpki", "rpki_bgp_origin_validation"))


def _mapping(value: Any, path: str, keys: tuple[str, ...]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ClientsError(path, _("must be a mapping, not %(value)s") % {"value": _show(value)})
    for key in value:
        if key not in keys:
            raise ClientsError(
                join(path, str(key)),
                _("unknown option (arouteserver knows %(keys)s)") % {"keys": ", ".join(keys)},
            )
    return value


def check_mapping(value: Any, spec: Spec, path: str, notes: Notes) -> dict[str, Any]:
    """``value`` checked against ``spec``: keys in the spec's order, no null, no empty mapping."""
    node = _mapping(value, path, tuple(spec))
    out: dict[str, Any] = {}
    for key, sub in spec.items():
        if node.get(key) is None:
            continue
        where = join(path, key)
        if isinstance(sub, dict):
            checked = check_mapping(node[key], sub, where, notes)
            if checked:
                out[key] = checked
        else:
            checked = sub(node[key], where, notes)
            if checked != {}:
                out[key] = checked
    return out


def check_cfg(value: Any, path: str, notes: Notes) -> dict[str, Any]:
    """A client's ``cfg`` checked like arouteserver does, in the documented order."""
    cfg = check_mapping(value, CFG_SPEC, path, notes)
    filtering = cfg.get("filtering", {})
    for old, new in ALIASES:
        if old in filtering and new in filtering:
            raise ClientsError(
                join(join(path, "filtering"), old),
                _("%(old)s is the old spelling of %(new)s: give only one")
                % {"old": old, "new": new},
            )
    next_hop = filtering.get("next_hop", {})
    policy = next_hop.get("policy", filtering.get("next_hop_policy"))
    where = join(join(path, "filtering"), "next_hop")
    if policy == "authorized_addresses" and not next_hop.get("authorized_addresses_list"):
        raise ClientsError(
            join(where, "authorized_addresses_list"),
            _("the policy authorized_addresses needs a non-empty authorized_addresses_list"),
        )
    if policy not in (None, "authorized_addresses") and "authorized_addresses_list" in next_hop:
        raise ClientsError(
            join(where, "authorized_addresses_list"),
            _("only used with the policy authorized_addresses (not %(policy)s)")
            % {"policy": policy},
        )
    return cfg


# -- what lakou keeps in columns ----------------------------------------------------------------
def split_cfg(cfg: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(options, network_values)``: a checked cfg without the values kept on the Network.

    ``network_values`` maps ``as_sets``, ``limit_ipv4``, ``limit_ipv6`` to what was given.
    """
    options = copy.deepcopy(cfg)
    network: dict[str, Any] = {}
    for path in NETWORK_PATHS:
        parents = [options]
        for key in path[:-1]:
            child = parents[-1].get(key)
            if not isinstance(child, dict):
                break
            parents.append(child)
        else:
            if path[-1] in parents[-1]:
                network[path[-1]] = parents[-1].pop(path[-1])
            for parent, key in zip(reversed(parents[:-1]), reversed(path[:-1]), strict=True):
                if not parent[key]:
                    del parent[key]
    return options, network


def merge_cfg(
    options: dict[str, Any], limit_ipv4: int | None, limit_ipv6: int | None
) -> dict[str, Any]:
    """The client ``cfg`` to export: stored options plus the network's limits, in order."""
    cfg = copy.deepcopy(options or {})
    limits = {
        k: v for k, v in (("limit_ipv4", limit_ipv4), ("limit_ipv6", limit_ipv6)) if v is not None
    }
    if limits:
        filtering = cfg.setdefault("filtering", {})
        filtering.setdefault("max_prefix", {}).update(limits)
    return check_cfg(cfg, "cfg", [])


def check_options(value: Any, path: str = "route_server_options") -> dict[str, Any]:
    """A ``Member.route_server_options`` value (admin, API): a cfg without the Network's part."""
    notes: Notes = []
    cfg = check_cfg(value, path, notes)
    for keys in NETWORK_PATHS:
        node: Any = cfg
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None:
            where = path
            for key in keys:
                where = join(where, key)
            column = (
                _("the network's AS-SET")
                if keys[-1] == "as_sets"
                else _("the network's max-prefix")
            )
            raise ClientsError(where, _("kept in %(column)s, not here") % {"column": column})
    return cfg


def first_difference(a: Any, b: Any, path: str) -> str | None:
    """The first path where two checked values differ (``None`` if they are equal)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            if key not in a or key not in b:
                return join(path, key)
            found = first_difference(a[key], b[key], join(path, key))
            if found:
                return found
        return None
    return None if a == b else path
