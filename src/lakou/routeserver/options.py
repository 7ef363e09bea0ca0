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
import re
from collections.abc import Callable
from ipaddress import IPv4Network, IPv6Network
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

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


_COMMUNITY = re.compile(r"[0-9]{1,10}:[0-9]{1,10}(:[0-9]{1,10})?", re.ASCII)
_COMMUNITY_NAME = re.compile(r"[A-Za-z0-9_]{1,64}", re.ASCII)


def is_community_value(text: str) -> bool:
    """``65501:100`` or ``65501:1:2`` with every part in range."""
    if not _COMMUNITY.fullmatch(text):
        return False
    parts = [int(n) for n in text.split(":")]
    high = 65535 if len(parts) == 2 else ASN_MAX
    return all(n <= high for n in parts)


def check_community(value: Any, path: str, notes: Notes) -> str:
    """A community value, or the name of one (arouteserver defines names in general.yml).

    Names are kept so that a ``clients.yml`` round-trips; the build refuses them, since
    lakou has no definitions for them, naming the client and the option.
    """
    text = check_text(value, path, notes).strip()
    if not is_community_value(text) and not _COMMUNITY_NAME.fullmatch(text):
        raise ClientsError(
            path,
            _("%(value)r is neither a community (65501:100, 65501:1:2) nor a community name")
            % {"value": text[:60]},
        )
    return text


def check_config_line(value: Any, path: str, notes: Notes) -> str:
    """A custom daemon line: one statement, so it cannot open or close a block."""
    text = check_text(value, path, notes)
    if any(ch in text for ch in '{}#\n\r"') or any(ord(ch) < 32 for ch in text):
        raise ClientsError(
            path,
            _("a custom line holds one statement: no braces, quotes, comments or line breaks"),
        )
    if text.rstrip().rstrip(";").count(";"):
        raise ClientsError(path, _("a custom line holds one statement (one ';' at the end)"))
    return text


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
                    "config_lines": list_of(check_config_line)(
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
    "attach_custom_communities": list_of(check_community),
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


# -- the typed view the route-server build reads ---------------------------------------------
class _Typed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrefixEntry(_Typed):
    """A white- or black-list entry: ``prefix/length`` exact, or with ``ge``/``le`` bounds."""

    prefix: str
    length: int
    comment: str | None = None
    exact: bool | None = None
    ge: int | None = None
    le: int | None = None
    max_length: int | None = None
    asn: int | None = None

    @property
    def network(self) -> IPv4Network | IPv6Network:
        return ipaddress.ip_network(f"{self.prefix}/{self.length}", strict=False)

    @property
    def version(self) -> int:
        return self.network.version

    def bounds(self) -> tuple[int, int]:
        """The prefix lengths this entry matches (arouteserver: exact unless ge/le given)."""
        bits = self.network.max_prefixlen
        if self.exact or (self.ge is None and self.le is None and self.max_length is None):
            return self.length, self.length
        low = self.ge if self.ge is not None else self.length
        high = self.le if self.le is not None else (self.max_length or bits)
        return low, high


class PrefixLengths(_Typed):
    min: int
    max: int


class NextHopOptions(_Typed):
    policy: Literal["strict", "same-as", "authorized_addresses"] | None = None
    authorized_addresses_list: tuple[str, ...] = ()


class IrrdbOptions(_Typed):
    as_sets: tuple[str, ...] = ()
    enforce_origin_in_as_set: bool | None = None
    enforce_prefix_in_as_set: bool | None = None
    white_list_pref: tuple[PrefixEntry, ...] = ()
    white_list_asn: tuple[int, ...] = ()
    white_list_route: tuple[PrefixEntry, ...] = ()


class OnOff(_Typed):
    enabled: bool | None = None
    reject_invalid: bool | None = None


class PeeringDbIncrement(_Typed):
    absolute: int | None = None
    relative: int | None = None


class PeeringDbOptions(_Typed):
    enabled: bool | None = None
    increment: PeeringDbIncrement = PeeringDbIncrement()


class MaxPrefixOptions(_Typed):
    action: Literal["shutdown", "restart", "block", "warning"] | None = None
    restart_after: int | None = None
    count_rejected_routes: bool | None = None
    peering_db: PeeringDbOptions = PeeringDbOptions()
    limit_ipv4: int | None = None
    limit_ipv6: int | None = None


class RolesOptions(_Typed):
    enabled: bool | None = None
    strict_mode: bool | None = None
    local_role: Literal["provider", "rs", "rs-client", "customer", "peer"] | None = None


class RejectPolicyOptions(_Typed):
    policy: Literal["reject", "tag", "tag_and_reject"] | None = None


class FilteringOptions(_Typed):
    next_hop: NextHopOptions = NextHopOptions()
    ipv4_pref_len: PrefixLengths | None = None
    ipv6_pref_len: PrefixLengths | None = None
    max_as_path_len: int | None = None
    reject_invalid_as_in_as_path: bool | None = None
    allow_as_set: bool | None = None
    irrdb: IrrdbOptions = IrrdbOptions()
    rpki_bgp_origin_validation: OnOff = OnOff()
    rpki_aspa_verification: OnOff = OnOff()
    black_list_pref: tuple[PrefixEntry, ...] = ()
    max_prefix: MaxPrefixOptions = MaxPrefixOptions()
    roles: RolesOptions = RolesOptions()
    reject_policy: RejectPolicyOptions = RejectPolicyOptions()


class BlackholeOptions(_Typed):
    announce_to_client: bool | None = None


class GracefulShutdownOptions(_Typed):
    enabled: bool | None = None


class CustomLines(_Typed):
    """``custom_options.<daemon>.<ipv4|ipv6|any>``: lines for the BGP protocol or channel."""

    protocol: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    client: tuple[str, ...] = ()


class ClientOptions(_Typed):
    """Every per-client option lakou accepts, typed; ``None`` means "the general policy"."""

    prepend_rs_as: bool | None = None
    passive: bool | None = None
    gtsm: bool | None = None
    multihop: int | None = None
    add_path: bool | None = None
    rfc8950: bool | None = None
    bfd: bool | None = None
    filtering: FilteringOptions = FilteringOptions()
    blackhole_filtering: BlackholeOptions = BlackholeOptions()
    graceful_shutdown: GracefulShutdownOptions = GracefulShutdownOptions()
    attach_custom_communities: tuple[str, ...] = ()
    custom_options: dict[str, dict[str, CustomLines]] = {}

    @classmethod
    def from_cfg(cls, cfg: dict[str, Any], path: str = "cfg") -> ClientOptions:
        """A ``cfg`` checked by :func:`check_cfg` (old spellings folded into the new ones)."""
        checked = copy.deepcopy(check_cfg(cfg, path, []))
        filtering = checked.get("filtering", {})
        if "next_hop_policy" in filtering:
            filtering["next_hop"] = {"policy": filtering.pop("next_hop_policy")}
        if "rpki" in filtering:
            filtering["rpki_bgp_origin_validation"] = filtering.pop("rpki")
        max_prefix = filtering.get("max_prefix", {})
        if isinstance(max_prefix.get("peering_db"), bool):
            max_prefix["peering_db"] = {"enabled": max_prefix["peering_db"]}
        irrdb = filtering.get("irrdb", {})
        if isinstance(irrdb.get("white_list_asn"), (int, str)):
            irrdb["white_list_asn"] = [
                int(a.strip()) for a in str(irrdb["white_list_asn"]).split(",")
            ]
        custom = checked.get("custom_options", {})
        checked["custom_options"] = {
            daemon: {
                family: {section: body["config_lines"] for section, body in sections.items()}
                for family, sections in families.items()
            }
            for daemon, families in custom.items()
        }
        return cls.model_validate(checked)


def walk_fields(model: type[BaseModel] = ClientOptions, prefix: str = "") -> list[str]:
    """Every leaf option of the typed model, as ``filtering.max_prefix.action`` paths."""
    out: list[str] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        path = f"{prefix}{name}"
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            out += walk_fields(annotation, path + ".")
        else:
            out.append(path)
    return out
