"""Read an IX-F document (0.3 to 1.0) into checked, typed records: lakou's one IX-F reader.

Django-free: the registry's importer (``lakou ixf import``), ``lakou ixf validate``, the
territory engine (``--ixf``) and the flow engine's members files all read IX-F here, so a
field rule (ASN, AS-SET, MAC, address, policy, state) is applied once, with the same
message, and every error names its JSON path. Three steps:

1. :func:`tolerate` repairs the variations real exports carry and says so (a warning per
   repair): numbers written as strings (``"asnum": "64500"``, ``"if_speed": "10G"``),
   ``null`` or ``""`` for an absent optional field, dates without a time, 0/1 for a
   boolean, 0.3's single ``ixp_info`` object, 0.4/0.5's single ``mac_address``.
2. The official schema of the document's version, with format checking
   (:mod:`lakou.ixf.schema`), when a schema folder is known.
3. :func:`read_document` checks what the schema cannot: references (``ixp_id``,
   ``switch_id``, ``vlan_id``), prefixes and addresses, ASN range, AS-SET names, MACs,
   policies, and returns :class:`Document`. ``complete=False`` reads a members view (the
   flow and territory engines): the same field rules, but the references the registry
   needs (timestamp, ``ixp_list``, switches and VLANs) may be missing.
"""

from __future__ import annotations

import copy
import ipaddress
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from lakou import vocabulary
from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop
from lakou.inputs import InputError, load_json
from lakou.ixf import schema as ixf_schema
from lakou.ixf.common import (
    POLICY_ALIASES,
    STATE_ALIASES,
    SUPPORTED_VERSIONS,
    ImportReport,
    IxfError,
    join,
)
from lakou.ixf.records import (
    ConnectionDoc,
    Document,
    FamilyDoc,
    IxpDoc,
    MemberDoc,
    PortDoc,
    SwitchDoc,
    VlanDoc,
    VlanIfDoc,
)

Duplicates = Literal["refuse", "merge", "keep"]
Progress = Callable[[str, int, int], None]

INT_FIELDS = {
    "ixp_id",
    "ixf_id",
    "peeringdb_id",
    "id",
    "pdb_facility_id",
    "mask_length",
    "asnum",
    "switch_id",
    "if_speed",
    "vlan_id",
    "max_prefix",
}
DATE_FIELDS = {"member_since", "connected_since", "timestamp"}
SPEED_RE = re.compile(r"^\s*(\d+)\s*([MGT])?(?:b(?:it)?(?:/?s)?|bps)?\s*$", re.IGNORECASE)
SPEED_UNITS = {None: 1, "M": 1, "G": 1000, "T": 1000000}
AS_RE = re.compile(r"^\s*(?:AS)?(\d+)\s*$", re.IGNORECASE)
# Published fields the registry has no place for: counted and reported, never silently lost.
NOT_STORED = {
    "stats_api",
    "support_contact_hours",
    "emergency_email",
    "emergency_phone",
    "emergency_contact_hours",
    "billing_email",
    "billing_phone",
    "billing_contact_hours",
    "contact_hours",
    "peering_policy_url",
    "connected_since",
    "if_type",
    "looking_glass_urls",
    "os",
    "os_version",
}


# keys whose scalar values :func:`_repair` may change or report
_REPAIRED_KEYS = NOT_STORED | INT_FIELDS | DATE_FIELDS | {"routeserver", "mac_address"}


# -- step 1: tolerated variations ---------------------------------------------------------
def parse_json(data: dict[str, Any] | bytes | str) -> Any:
    if isinstance(data, dict):
        return data
    try:
        return load_json(data)
    except InputError as exc:
        raise IxfError(exc.place.removeprefix("$.") or "$", exc.problem) from None


def detect_version(doc: Any, default: str | None = None) -> str:
    """The document's schema version; ``default`` when it says none (else an error)."""
    if not isinstance(doc, dict):
        raise IxfError("$", _("the document must be a JSON object, not %s") % _kind(doc))
    raw = doc.get("version")
    if raw is None:
        if default is not None:
            return default
        raise IxfError("version", _("missing: say which IX-F schema version this is"))
    text = str(raw).strip()
    if text in ("1", "1.0.0"):
        text = "1.0"
    if text == "0.3" or ("ixp_info" in doc and "ixp_list" not in doc):
        return "0.3"
    if text not in SUPPORTED_VERSIONS:
        raise IxfError(
            "version",
            _("unsupported IX-F version %r (lakou reads 0.3 to 1.0)") % raw,
        )
    return text


def tolerate(
    doc: dict[str, Any], version: str, report: ImportReport, *, in_place: bool = False
) -> dict[str, Any]:
    """A repaired copy of ``doc`` (``doc`` itself with ``in_place``); each repair is a warning."""
    if not in_place:
        doc = copy.deepcopy(doc)
    if not isinstance(doc.get("version"), str):
        report.warn(
            "version",
            _("%(value)r read as the string %(text)r")
            % {"value": doc.get("version"), "text": version},
        )
    doc["version"] = version
    if version == "0.3":
        info = doc.pop("ixp_info", None)
        if isinstance(info, dict):
            info.setdefault("ixp_id", 1)
            doc["ixp_list"] = [info]
            for member in doc.get("member_list") or []:
                if isinstance(member, dict):
                    for conn in member.get("connection_list") or []:
                        if isinstance(conn, dict):
                            conn.setdefault("ixp_id", info["ixp_id"])
            report.warn("ixp_info", _("0.3 ixp_info read as a one-entry ixp_list"))
    dropped: dict[str, list[str]] = {}
    _repair(doc, "", report, dropped)
    for key, paths in sorted(dropped.items()):
        if len(paths) > 1:
            text = _("%(key)s is not stored by lakou (and %(n)d more)") % {
                "key": key,
                "n": len(paths) - 1,
            }
        else:
            text = _("%(key)s is not stored by lakou") % {"key": key}
        report.warn(paths[0], text)
    return doc


def _repair(node: Any, path: str, report: ImportReport, dropped: dict[str, list[str]]) -> None:
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, dict | list):
                _repair(item, join(path, i), report, dropped)
        return
    if not isinstance(node, dict):
        return
    for key in list(node):
        value = node[key]
        if (
            key not in _REPAIRED_KEYS
            and not isinstance(value, dict | list)
            and value is not None
            and value != ""
        ):
            continue  # nothing to repair, nothing below: most of a document's values
        where = join(path, key)
        if key in NOT_STORED and value not in (None, "", []):
            dropped.setdefault(key, []).append(where)
        if value is None or (value == "" and key not in ("shortname",)):
            del node[key]
            report.warn(where, _("%(value)r read as absent") % {"value": value})
            continue
        if key in INT_FIELDS and isinstance(value, str):
            number = _int_from_text(key, value)
            if number is not None:
                node[key] = number
                report.warn(
                    where,
                    _("string %(value)r read as the number %(n)d") % {"value": value, "n": number},
                )
        elif (
            key in DATE_FIELDS
            and isinstance(value, str)
            and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
        ):
            node[key] = f"{value}T00:00:00Z"
            report.warn(
                where, _("date %(value)r read as %(text)r") % {"value": value, "text": node[key]}
            )
        elif (
            key == "routeserver"
            and value in (0, 1, "true", "false")
            and not isinstance(value, bool)
        ):
            node[key] = value in (1, "true")
            report.warn(
                where, _("%(value)r read as %(result)s") % {"value": value, "result": node[key]}
            )
        elif key == "mac_address" and path.split(".")[-1].startswith("vlan_list"):
            macs = value if isinstance(value, list) else [value]
            for family in ("ipv4", "ipv6"):
                if isinstance(node.get(family), dict):
                    node[family].setdefault("mac_addresses", list(macs))
            del node[key]
            report.warn(where, _("0.4/0.5 mac_address read as mac_addresses of each family"))
            continue
        _repair(node[key], where, report, dropped)


def _int_from_text(key: str, value: str) -> int | None:
    if key == "asnum":
        found = AS_RE.match(value)
        return int(found.group(1)) if found else None
    if key == "if_speed":
        found = SPEED_RE.match(value)
        if not found:
            return None
        unit = found.group(2).upper() if found.group(2) else None
        return int(found.group(1)) * SPEED_UNITS[unit]
    text = value.strip()
    return int(text) if re.fullmatch(r"-?\d+", text) else None


# -- step 2 + 3 -----------------------------------------------------------------------------
def load(
    data: dict[str, Any] | bytes | str,
    report: ImportReport,
    schema_dir: str | Path | None = None,
    merge_duplicates: bool = False,
    *,
    duplicates: Duplicates | None = None,
    complete: bool = True,
    progress: Progress | None = None,
) -> Document:
    """Parse, repair, schema-check and read a document; raise :class:`IxfError` if unusable.

    ``duplicates`` says what two entries naming one ASN at one exchange do: stop the read
    (``refuse``, the default), merge (``merge``, or ``merge_duplicates``) or stay two
    entries (``keep``: a members view, where nothing is merged so nothing is lost).
    ``progress("read", done, total)`` is called as members are read.
    """
    raw = parse_json(data)
    version = detect_version(raw, default=None if complete else "1.0")
    report.version = version
    doc = tolerate(raw, version, report, in_place=raw is not data)
    directory = ixf_schema.schema_dir(schema_dir)
    if directory is not None:
        ixf_schema.validate(doc, directory, "0.4" if version == "0.3" else version)
    if duplicates is None:
        duplicates = "merge" if merge_duplicates else "refuse"
    return read_document(
        doc, version, report, duplicates=duplicates, complete=complete, progress=progress
    )


def read_document(
    doc: dict[str, Any],
    version: str,
    report: ImportReport | None = None,
    *,
    merge_duplicates: bool = False,
    duplicates: Duplicates | None = None,
    complete: bool = True,
    progress: Progress | None = None,
) -> Document:
    """Check a repaired document and return its records (see :func:`load`)."""
    reader = _Reader(version, complete=complete, progress=progress)
    document = reader.document(doc)
    if duplicates is None:
        duplicates = "merge" if merge_duplicates else "refuse"
    for path, other in _duplicate_members(document) if duplicates != "keep" else ():
        if duplicates == "refuse":
            raise IxfError(
                path,
                _(
                    "the same AS number at the same exchange as %(other)s; remove one, or "
                    "pass --merge-duplicates to merge them (the first value wins)"
                )
                % {"other": other},
            )
        reader.warnings.append(
            (path, _("merged into %(other)s (same AS number and exchange)") % {"other": other})
        )
    for path, message in reader.warnings:
        if report is not None:
            report.warn(path, message)
    return document


def _duplicate_members(document: Document) -> list[tuple[str, str]]:
    """(path, earlier path) of each entry naming an ASN already listed at the same exchange."""
    seen: dict[tuple[int, int], str] = {}
    found: list[tuple[str, str]] = []
    every = {ixp.ixp_id for ixp in document.ixps}
    for entry in document.members:
        exchanges = {conn.ixp.ixp_id for conn in entry.connections} or every
        earlier = next(
            (seen[(entry.asnum, x)] for x in exchanges if (entry.asnum, x) in seen), None
        )
        if earlier is not None:
            found.append((entry.path, earlier))
        for x in exchanges:
            seen.setdefault((entry.asnum, x), entry.path)
    return found


class _Reader:
    def __init__(
        self, version: str, *, complete: bool = True, progress: Progress | None = None
    ) -> None:
        self.version = version
        self.complete = complete
        self.progress = progress
        self.warnings: list[tuple[str, str]] = []

    # typed getters: every failure names the path
    def obj(self, node: Any, path: str) -> dict[str, Any]:
        if not isinstance(node, dict):
            raise IxfError(path, _("must be an object, not %s") % _kind(node))
        return node

    def arr(self, node: dict[str, Any], key: str, path: str, required: bool = False) -> list[Any]:
        value = node.get(key)
        if value is None:
            if required:
                raise IxfError(join(path, key), _("missing (required)"))
            return []
        if not isinstance(value, list):
            raise IxfError(join(path, key), _("must be a list, not %s") % _kind(value))
        return value

    def text(self, node: dict[str, Any], key: str, path: str, required: bool = False) -> str | None:
        value = node.get(key)
        if value is None:
            if required:
                raise IxfError(join(path, key), _("missing (required)"))
            return None
        if not isinstance(value, str):
            raise IxfError(join(path, key), _("must be a string, not %s") % _kind(value))
        return value.strip()

    def integer(
        self,
        node: dict[str, Any],
        key: str,
        path: str,
        required: bool = False,
        low: int | None = None,
        high: int | None = None,
    ) -> int | None:
        value = node.get(key)
        if value is None:
            if required:
                raise IxfError(join(path, key), _("missing (required)"))
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise IxfError(
                join(path, key),
                _("must be an integer, not %(kind)s %(value)r")
                % {"kind": _kind(value), "value": value},
            )
        if (low is not None and value < low) or (high is not None and value > high):
            raise IxfError(
                join(path, key),
                _("%(value)s is out of range [%(low)s, %(high)s]")
                % {"value": value, "low": low, "high": high},
            )
        return value

    def boolean(self, node: dict[str, Any], key: str, path: str) -> bool | None:
        value = node.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise IxfError(join(path, key), _("must be true or false, not %r") % (value,))
        return value

    def moment(self, node: dict[str, Any], key: str, path: str) -> date | None:
        value = self.text(node, key, path)
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        except ValueError:
            raise IxfError(
                join(path, key), _("%r is not an RFC 3339 date-time") % (value,)
            ) from None

    # the document
    def document(self, doc: dict[str, Any]) -> Document:
        self.obj(doc, "$")
        if "timestamp" not in doc and self.complete:
            raise IxfError("timestamp", _("missing (required)"))
        self.moment(doc, "timestamp", "")
        ixps: dict[int, IxpDoc] = {}
        for i, node in enumerate(self.arr(doc, "ixp_list", "", required=self.complete)):
            ixp = self.ixp(node, join("ixp_list", i))
            if ixp.ixp_id in ixps:
                raise IxfError(
                    join(ixp.path, "ixp_id"),
                    _("ixp_id %(id)d is already used by %(other)s")
                    % {"id": ixp.ixp_id, "other": ixps[ixp.ixp_id].path},
                )
            ixps[ixp.ixp_id] = ixp
        listed = self.arr(doc, "member_list", "", required=True)
        members = []
        for i, node in enumerate(listed):
            members.append(self.member(node, join("member_list", i), ixps))
            if self.progress is not None and ((i + 1) % 500 == 0 or i + 1 == len(listed)):
                self.progress("read", i + 1, len(listed))
        _one_interface_per_address(members)
        return Document(self.version, [x for x in ixps.values() if x.listed], members)

    def ixp(self, node: Any, path: str) -> IxpDoc:
        node = self.obj(node, path)
        ixp_id = self.integer(node, "ixp_id", path, required=True)
        ixf_id = self.integer(
            node, "ixf_id", path, required=self.complete and self.version in ("0.7", "1.0"), low=0
        )
        shortname = self.text(node, "shortname", path, required=self.complete)
        if not shortname and not self.complete:  # a members view names it as it can
            shortname = self.text(node, "name", path) or str(ixp_id)
        if not shortname:
            raise IxfError(join(path, "shortname"), _("must not be empty"))
        fields: dict[str, Any] = {"name": shortname}
        for key, model_field in (
            ("name", "full_name"),
            ("url", "url"),
            ("support_email", "support_email"),
            ("support_phone", "support_phone"),
        ):
            value = self.text(node, key, path)
            if value is not None:
                fields[model_field] = value
        country = self.text(node, "country", path)
        if country is not None:
            if not re.fullmatch(r"[A-Za-z]{2}", country):
                raise IxfError(
                    join(path, "country"), _("%r is not an ISO 3166-1 alpha-2 code") % (country,)
                )
            fields["country"] = country.upper()
        pdb = self.integer(node, "peeringdb_id", path, low=1)
        if pdb is not None:
            fields["peeringdb_ix_id"] = pdb
        if ixf_id:
            fields["ixf_id"] = ixf_id
        assert ixp_id is not None
        ixp = IxpDoc(path, ixp_id, ixf_id or None, shortname, fields)
        for i, sw in enumerate(self.arr(node, "switch", path)):
            switch = self.switch(sw, join(join(path, "switch"), i), i)
            if switch.doc_id in ixp.switches:
                raise IxfError(
                    join(switch.path, "id"), _("switch id %s used twice") % switch.doc_id
                )
            if any(s.name == switch.name for s in ixp.switches.values()):
                raise IxfError(
                    join(switch.path, "name"), _("switch name %r used twice") % (switch.name,)
                )
            ixp.switches[switch.doc_id] = switch
        for i, vl in enumerate(self.arr(node, "vlan", path)):
            vlan = self.vlan(vl, join(join(path, "vlan"), i), i)
            if vlan.doc_id in ixp.vlans:
                raise IxfError(join(vlan.path, "id"), _("VLAN id %s used twice") % vlan.doc_id)
            ixp.vlans[vlan.doc_id] = vlan
        return ixp

    def switch(self, node: Any, path: str, index: int) -> SwitchDoc:
        node = self.obj(node, path)
        given = self.integer(node, "id", path, low=0)
        doc_id = index if given is None else given
        name = self.text(node, "name", path) or f"switch-{doc_id}"
        sw = SwitchDoc(path, doc_id, name, explicit_id=given is not None)
        for key in ("colo", "city", "manufacturer", "model", "software"):
            setattr(sw, key, self.text(node, key, path))
        country = self.text(node, "country", path)
        if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
            raise IxfError(
                join(path, "country"), _("%r is not an ISO 3166-1 alpha-2 code") % (country,)
            )
        sw.country = country.upper() if country else None
        sw.pdb_facility_id = self.integer(node, "pdb_facility_id", path, low=0) or None
        return sw

    def vlan(self, node: Any, path: str, index: int) -> VlanDoc:
        node = self.obj(node, path)
        doc_id = self.integer(node, "id", path)
        doc_id = index if doc_id is None else doc_id
        prefixes: dict[int, Any] = {}
        for afi, bits in ((4, 32), (6, 128)):
            key = f"ipv{afi}"
            if key not in node:
                continue
            sub = self.obj(node[key], join(path, key))
            where = join(path, key)
            prefix = self.text(sub, "prefix", where, required=True)
            length = self.integer(sub, "mask_length", where, required=True, low=0, high=bits)
            try:
                addr = ipaddress.ip_address(prefix or "")
            except ValueError:
                raise IxfError(
                    join(where, "prefix"),
                    _("%(value)r is not an IPv%(v)d address") % {"value": prefix, "v": afi},
                ) from None
            if addr.version != afi:
                raise IxfError(
                    join(where, "prefix"),
                    _("%(value)r is not an IPv%(v)d address") % {"value": prefix, "v": afi},
                )
            net = ipaddress.ip_network(f"{addr}/{length}", strict=False)
            if net.network_address != addr:
                # Seen in the wild (even in the schema's own example): keep the network.
                self.warnings.append(
                    (
                        where,
                        _("%(prefix)s has host bits set: read as %(network)s")
                        % {"prefix": f"{addr}/{length}", "network": net},
                    )
                )
            prefixes[afi] = net
        return VlanDoc(
            path, doc_id, self.text(node, "name", path), prefixes.get(4), prefixes.get(6)
        )

    def member(self, node: Any, path: str, ixps: dict[int, IxpDoc]) -> MemberDoc:
        node = self.obj(node, path)
        asnum = self.integer(node, "asnum", path, required=True, low=1, high=vocabulary.ASN_MAX)
        assert asnum is not None
        raw_type = self.text(node, "member_type", path) or "peering"
        types = {"peering", "ixp", "other"}
        if self.version in ("0.4", "0.5", "0.6", "0.3"):
            types |= {"routeserver", "probono"}
        if raw_type not in types:
            raise IxfError(
                join(path, "member_type"),
                _("%(value)r is not a member type of IX-F %(version)s (%(types)s)")
                % {"value": raw_type, "version": self.version, "types": ", ".join(sorted(types))},
            )
        routeserver_type = raw_type == "routeserver"
        member_type = {"routeserver": "ixp", "probono": "other"}.get(raw_type, raw_type)
        policy = self.text(node, "peering_policy", path)
        if policy is not None:
            mapped = POLICY_ALIASES.get(policy.lower())
            if mapped is None:
                raise IxfError(
                    join(path, "peering_policy"),
                    _("%(value)r is not a peering policy lakou knows (%(known)s)")
                    % {"value": policy, "known": ", ".join(sorted(POLICY_ALIASES))},
                )
            policy = mapped
        url = self.text(node, "url", path)
        if url is not None and not vocabulary.is_url(url):
            raise IxfError(join(path, "url"), _("%r is not a URL") % (url,))
        emails: list[str] | None = None
        if "contact_email" in node:
            emails = []
            for i, value in enumerate(self.arr(node, "contact_email", path)):
                where = join(join(path, "contact_email"), i)
                if not isinstance(value, str):
                    raise IxfError(where, _("must be a string, not %s") % _kind(value))
                if not vocabulary.is_email(value.strip()):
                    raise IxfError(where, _("%r is not an e-mail address") % (value,))
                emails.append(value.strip())
        phones: list[str] | None = None
        if "contact_phone" in node:
            phones = []
            for i, value in enumerate(self.arr(node, "contact_phone", path)):
                where = join(join(path, "contact_phone"), i)
                if not isinstance(value, str):
                    raise IxfError(where, _("must be a string, not %s") % _kind(value))
                if len(value.strip()) > 32:
                    raise IxfError(where, _("longer than 32 characters"))
                phones.append(value.strip())
        connections = [
            self.connection(c, join(join(path, "connection_list"), i), ixps, routeserver_type)
            for i, c in enumerate(self.arr(node, "connection_list", path, required=self.complete))
        ]
        return MemberDoc(
            path=path,
            asnum=asnum,
            member_type=member_type,
            name=self.text(node, "name", path),
            url=url,
            policy=policy,
            member_since=self.moment(node, "member_since", path),
            contact_emails=emails,
            contact_phones=phones,
            connections=connections,
            routeserver_type=routeserver_type,
        )

    def connection(
        self, node: Any, path: str, ixps: dict[int, IxpDoc], routeserver_type: bool
    ) -> ConnectionDoc:
        node = self.obj(node, path)
        ixp_id = self.integer(node, "ixp_id", path, required=self.complete)
        if ixp_id not in ixps and self.complete:
            known = ", ".join(str(k) for k in sorted(ixps)) or "none"
            raise IxfError(
                join(path, "ixp_id"),
                _("no ixp_list entry has ixp_id %(id)s (%(known)s)")
                % {"id": ixp_id, "known": known},
            )
        ixp = ixps.get(ixp_id) if ixp_id is not None else None
        if ixp is None:  # a members view: an exchange the document does not describe
            key = -1 if ixp_id is None else ixp_id
            ixp = ixps.setdefault(key, IxpDoc(path, key, None, str(ixp_id or ""), {}, listed=False))
        raw_state = self.text(node, "state", path) or "active"
        state = STATE_ALIASES.get(raw_state.lower())
        if state is None:
            raise IxfError(
                join(path, "state"),
                _("%(value)r is not a connection state lakou knows (%(known)s)")
                % {"value": raw_state, "known": ", ".join(sorted(STATE_ALIASES))},
            )
        self.moment(node, "connected_since", path)
        ports = []
        for i, item in enumerate(self.arr(node, "if_list", path)):
            where = join(join(path, "if_list"), i)
            item = self.obj(item, where)
            switch_id = self.integer(item, "switch_id", where)
            speed = self.integer(item, "if_speed", where, low=1)
            if not self.complete and switch_id not in ixp.switches:
                key = -1 if switch_id is None else switch_id
                ixp.switches.setdefault(key, SwitchDoc(where, key, f"switch-{key}", listed=False))
                switch_id = key
            if switch_id is None:
                raise IxfError(
                    join(where, "switch_id"), _("missing: lakou records ports on switches")
                )
            if switch_id not in ixp.switches:
                raise IxfError(
                    join(where, "switch_id"),
                    _("%(ixp)s has no switch with id %(id)s") % {"ixp": ixp.path, "id": switch_id},
                )
            self.text(item, "if_type", where)
            ports.append(PortDoc(where, ixp.switches[switch_id], speed or 0))
        vlans = [
            self.vlan_if(v, join(join(path, "vlan_list"), i), ixp, routeserver_type)
            for i, v in enumerate(self.arr(node, "vlan_list", path))
        ]
        return ConnectionDoc(path, ixp, state, ports, vlans, ixp_id)

    def vlan_if(self, node: Any, path: str, ixp: IxpDoc, routeserver_type: bool) -> VlanIfDoc:
        node = self.obj(node, path)
        vlan_id = self.integer(node, "vlan_id", path)
        if not self.complete and (
            vlan_id not in ixp.vlans if vlan_id is not None else len(ixp.vlans) != 1
        ):
            unlisted = -1 if vlan_id is None else vlan_id
            vlan = ixp.vlans.setdefault(
                unlisted, VlanDoc(path, unlisted, None, None, None, listed=False)
            )
        elif vlan_id is None:
            if len(ixp.vlans) != 1:
                raise IxfError(
                    join(path, "vlan_id"),
                    _("missing, and %(ixp)s has %(n)d VLANs to choose from")
                    % {"ixp": ixp.path, "n": len(ixp.vlans)},
                )
            vlan = next(iter(ixp.vlans.values()))
        elif vlan_id not in ixp.vlans:
            raise IxfError(
                join(path, "vlan_id"),
                _("%(ixp)s has no VLAN with id %(id)s") % {"ixp": ixp.path, "id": vlan_id},
            )
        else:
            vlan = ixp.vlans[vlan_id]
        families: dict[int, FamilyDoc | None] = {4: None, 6: None}
        for afi in (4, 6):
            key = f"ipv{afi}"
            if key in node:
                families[afi] = self.family(node[key], join(path, key), afi, vlan, routeserver_type)
        return VlanIfDoc(path, vlan, families[4], families[6], vlan_id)

    def family(
        self, node: Any, path: str, afi: int, vlan: VlanDoc, routeserver_type: bool
    ) -> FamilyDoc:
        node = self.obj(node, path)
        raw = self.text(node, "address", path, required=True) or ""
        try:
            addr = ipaddress.ip_address(raw)
        except ValueError:
            raise IxfError(
                join(path, "address"),
                _("%(value)r is not an IPv%(v)d address") % {"value": raw, "v": afi},
            ) from None
        if getattr(addr, "scope_id", None):
            raise IxfError(
                join(path, "address"),
                _("%r has a zone id (%%...): an exchange address is global, remove it") % (raw,),
            )
        if addr.version != afi:
            raise IxfError(
                join(path, "address"),
                _("%(value)r is not an IPv%(v)d address") % {"value": raw, "v": afi},
            )
        network = vlan.ipv4 if afi == 4 else vlan.ipv6
        if network is None and not self.complete:
            pass  # a members view: the document need not describe its VLANs
        elif network is None:
            raise IxfError(
                join(path, "address"),
                _("%(vlan)s has no IPv%(v)d prefix") % {"vlan": vlan.path, "v": afi},
            )
        elif addr not in network:
            raise IxfError(
                join(path, "address"),
                _("%(addr)s is outside %(net)s (%(vlan)s)")
                % {"addr": addr, "net": network, "vlan": vlan.path},
            )
        else:
            reserved = vocabulary.reserved_address_problem(addr, network)
            if reserved:
                raise IxfError(join(path, "address"), reserved)
        fam = FamilyDoc(path, str(addr))
        macro = self.text(node, "as_macro", path)
        if macro:
            for item in macro.split():
                if not vocabulary.is_as_set(item):
                    raise IxfError(
                        join(path, "as_macro"), _("%r is not an AS-SET or an ASN") % (item,)
                    )
            fam.as_macro = " ".join(macro.split())
        fam.max_prefix = self.integer(node, "max_prefix", path, low=0)
        fam.routeserver = self.boolean(node, "routeserver", path)
        for i, mac in enumerate(self.arr(node, "mac_addresses", path)):
            where = join(join(path, "mac_addresses"), i)
            if not isinstance(mac, str):
                raise IxfError(where, _("must be a string, not %s") % _kind(mac))
            try:
                fam.macs.append((where, vocabulary.normalise_mac(mac)))
            except vocabulary.VocabularyError as exc:
                raise IxfError(where, str(exc)) from None
        for i, svc in enumerate(self.arr(node, "services", path)):
            where = join(join(path, "services"), i)
            svc = self.obj(svc, where)
            kind = self.text(svc, "type", where)
            if kind not in ("ixrouteserver", "ixroutecollector"):
                raise IxfError(
                    join(where, "type"), _("%r is not ixrouteserver/ixroutecollector") % (kind,)
                )
            fam.service = fam.service or kind
            fam.daemon = self.text(svc, "daemon", where)
            fam.daemon_version = self.text(svc, "daemon_version", where)
        for i, kind in enumerate(self.arr(node, "service_type", path)):
            if kind not in ("ixrouteserver", "ixroutecollector"):
                raise IxfError(
                    join(join(path, "service_type"), i),
                    _("%r is not ixrouteserver/ixroutecollector") % (kind,),
                )
            fam.service = fam.service or kind
        if routeserver_type and fam.service is None:
            fam.service = "ixrouteserver"
        return fam


def _one_interface_per_address(members: list[MemberDoc]) -> None:
    """No two interfaces of the document share an address on one VLAN.

    The document-level half of the registry's address rule (the registry checks the rest
    at import), so ``lakou ixf validate`` sees it without a database. Route servers are
    read first: a member at a route server's address is named as the culprit, since the
    route server would otherwise plan a session with itself.
    """
    interfaces = [
        (vif, family)
        for entry in members
        for conn in entry.connections
        for vif in conn.vlans
        for family in vif.families
    ]
    servers: dict[tuple[int, str], str] = {}
    for vif, family in interfaces:
        if vif.service == "ixrouteserver":
            servers.setdefault((id(vif.vlan), family.address), join(family.path, "address"))
    seen: dict[tuple[int, str], str] = {}
    for vif, family in interfaces:
        if vif.service == "ixrouteserver":
            continue
        key, where = (id(vif.vlan), family.address), join(family.path, "address")
        if key in servers:
            raise IxfError(
                where,
                _("%(addr)s is the address of the route server at %(other)s")
                % {"addr": family.address, "other": servers[key]},
            )
        if key in seen:
            raise IxfError(
                where,
                _("%(addr)s is already assigned to the interface at %(other)s")
                % {"addr": family.address, "other": seen[key]},
            )
        seen[key] = where


KINDS = {
    dict: gettext_noop("an object"),
    list: gettext_noop("a list"),
    str: gettext_noop("a string"),
    bool: gettext_noop("a boolean"),
    int: gettext_noop("a number"),
    float: gettext_noop("a number"),
    type(None): gettext_noop("null"),
}


def _kind(value: Any) -> str:
    kind = KINDS.get(type(value))
    return _(kind) if kind else type(value).__name__
