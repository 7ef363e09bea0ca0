"""The route server's BGP communities: reject reasons, informational tags, member controls.

One table drives everything that names a community: the BIRD and OpenBGPD renderers
write these numbers, the looking glass and ``lakou rs explain`` decode them back into
words, and the policy page lists them. Reject reasons follow the Euro-IX route-server
community guide (``RS:1101:1`` .. ``RS:1101:15``); the checks it does not number get
lakou codes from 16 up, in the same ``RS:1101:x`` space so that any looking glass that
knows "1101 means filtered" shows them as filtered. A route failing several checks
carries one ``RS:1101:x`` per failed check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

from lakou.i18n import gettext as _
from lakou.i18n import gettext_noop

REJECT_FUNCTION = 1101  # RS:1101:x, the Euro-IX "filtered, reason x"
INFO_FUNCTION = 1000  # RS:1000:x, informational tags
DO_NOT_ANNOUNCE = 0  # RS:0:peer, RS:0:0
ANNOUNCE = 1  # RS:1:peer (with RS:0:0: only to these peers)
PREPEND_FUNCTIONS = (101, 102, 103)  # RS:101:peer prepend once .. RS:103:peer thrice

BLACKHOLE = (65535, 666)  # RFC 7999
GRACEFUL_SHUTDOWN = (65535, 0)  # RFC 8326
NO_EXPORT = (65535, 65281)


class Reason(IntEnum):
    """Why a route was filtered: the ``x`` of ``RS:1101:x``."""

    PREFIX_TOO_LONG = 1
    PREFIX_TOO_SHORT = 2
    BOGON_PREFIX = 3
    BOGON_ASN = 4
    AS_PATH_TOO_LONG = 5
    AS_PATH_TOO_SHORT = 6
    FIRST_AS_NOT_PEER = 7
    NEXT_HOP_NOT_PEER = 8
    IRR_PREFIX = 9
    IRR_ORIGIN = 10
    RPKI_UNKNOWN = 12
    RPKI_INVALID = 13
    TRANSIT_FREE_ASN = 14
    AS_SET_IN_PATH = 16  # lakou
    NEVER_VIA_RS_ASN = 17  # lakou
    ROUTE_LEAK_OTC = 18  # lakou: RFC 9234
    BLACKHOLE_NOT_ALLOWED = 19  # lakou
    BLACK_LIST = 20  # lakou: in the member's own black list (black_list_pref)


class Info(IntEnum):
    """Informational tags, the ``x`` of ``RS:1000:x`` (IXP Manager numbering)."""

    RPKI_VALID = 1
    RPKI_UNKNOWN = 2
    RPKI_NOT_CHECKED = 3
    IRR_VALID = 4
    IRR_NOT_CHECKED = 5
    IRR_MORE_SPECIFIC = 6  # a blackhole more-specific of an authorised prefix
    IRR_INVALID_TAGGED = 7  # IRR check failed but the client's policy only tags


@dataclass(frozen=True)
class Meaning:
    slug: str  # stable machine name, used in JSON and tests
    text: str  # English, marked for translation


REASONS: dict[Reason, Meaning] = {
    Reason.PREFIX_TOO_LONG: Meaning("prefix_too_long", gettext_noop("prefix length too long")),
    Reason.PREFIX_TOO_SHORT: Meaning("prefix_too_short", gettext_noop("prefix length too short")),
    Reason.BOGON_PREFIX: Meaning(
        "bogon_prefix", gettext_noop("bogon prefix (reserved, private or the peering LAN)")
    ),
    Reason.BOGON_ASN: Meaning(
        "bogon_asn", gettext_noop("private or reserved AS number in the AS_PATH")
    ),
    Reason.AS_PATH_TOO_LONG: Meaning("as_path_too_long", gettext_noop("AS_PATH too long")),
    Reason.AS_PATH_TOO_SHORT: Meaning("as_path_too_short", gettext_noop("AS_PATH empty")),
    Reason.FIRST_AS_NOT_PEER: Meaning(
        "first_as_not_peer", gettext_noop("first AS in the AS_PATH is not the member's AS")
    ),
    Reason.NEXT_HOP_NOT_PEER: Meaning(
        "next_hop_not_peer", gettext_noop("NEXT_HOP is not an address of the member")
    ),
    Reason.IRR_PREFIX: Meaning(
        "irr_prefix", gettext_noop("prefix not registered in the member's IRR AS-SET")
    ),
    Reason.IRR_ORIGIN: Meaning(
        "irr_origin", gettext_noop("origin AS not in the member's IRR AS-SET")
    ),
    Reason.RPKI_UNKNOWN: Meaning("rpki_unknown", gettext_noop("RPKI unknown (no ROA covers it)")),
    Reason.RPKI_INVALID: Meaning(
        "rpki_invalid", gettext_noop("RPKI invalid (a ROA forbids this origin or length)")
    ),
    Reason.TRANSIT_FREE_ASN: Meaning(
        "transit_free_asn", gettext_noop("transit-free network in the AS_PATH (route leak)")
    ),
    Reason.AS_SET_IN_PATH: Meaning("as_set_in_path", gettext_noop("AS_SET in the AS_PATH")),
    Reason.NEVER_VIA_RS_ASN: Meaning(
        "never_via_rs_asn",
        gettext_noop("network that never peers via route servers in the AS_PATH"),
    ),
    Reason.ROUTE_LEAK_OTC: Meaning(
        "route_leak_otc", gettext_noop("route leak: Only-To-Customer attribute set (RFC 9234)")
    ),
    Reason.BLACKHOLE_NOT_ALLOWED: Meaning(
        "blackhole_not_allowed", gettext_noop("blackhole route not allowed for this member")
    ),
    Reason.BLACK_LIST: Meaning(
        "black_list", gettext_noop("prefix in the member's black list at the route server")
    ),
}

INFOS: dict[Info, Meaning] = {
    Info.RPKI_VALID: Meaning("rpki_valid", gettext_noop("RPKI valid")),
    Info.RPKI_UNKNOWN: Meaning("rpki_unknown", gettext_noop("RPKI unknown")),
    Info.RPKI_NOT_CHECKED: Meaning("rpki_not_checked", gettext_noop("RPKI not checked")),
    Info.IRR_VALID: Meaning("irr_valid", gettext_noop("IRR valid")),
    Info.IRR_NOT_CHECKED: Meaning("irr_not_checked", gettext_noop("IRR not checked")),
    Info.IRR_MORE_SPECIFIC: Meaning(
        "irr_more_specific", gettext_noop("IRR: more-specific of a registered prefix (blackhole)")
    ),
    Info.IRR_INVALID_TAGGED: Meaning(
        "irr_invalid_tagged", gettext_noop("IRR invalid (tagged only, not filtered)")
    ),
}


def reason_text(reason: Reason) -> str:
    """The reason in the current language."""
    return _(REASONS[reason].text)


def info_text(info: Info) -> str:
    return _(INFOS[info].text)


LargeCommunity = tuple[int, int, int]

_LC_RE = re.compile(r"\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)")
_LC_COLON_RE = re.compile(r"^(\d+):(\d+):(\d+)$")


def parse_large_communities(text: str) -> list[LargeCommunity]:
    """Large communities as BIRD prints them: ``(59999, 1101, 3) (59999, 1000, 2)``."""
    return [(int(a), int(b), int(c)) for a, b, c in _LC_RE.findall(text)]


def parse_large_community(text: str) -> LargeCommunity:
    """``59999:1101:3`` (the notation operators type) → (59999, 1101, 3)."""
    match = _LC_COLON_RE.match(text.strip())
    if not match:
        raise ValueError(
            _("not a large community: {text!r} (expected ASN:FUNCTION:VALUE)").format(text=text)
        )
    a, b, c = (int(g) for g in match.groups())
    if max(a, b, c) > 2**32 - 1:
        raise ValueError(_("large community out of range: {text!r}").format(text=text))
    return a, b, c


def reasons_in(communities: list[LargeCommunity], rs_asn: int) -> list[Reason | int]:
    """The reject reasons a route carries, in code order; unknown codes kept as ints."""
    found: list[Reason | int] = []
    for asn, function, value in sorted(set(communities)):
        if asn != rs_asn or function != REJECT_FUNCTION:
            continue
        try:
            found.append(Reason(value))
        except ValueError:
            found.append(value)
    return found


def infos_in(communities: list[LargeCommunity], rs_asn: int) -> list[Info | int]:
    found: list[Info | int] = []
    for asn, function, value in sorted(set(communities)):
        if asn != rs_asn or function != INFO_FUNCTION:
            continue
        try:
            found.append(Info(value))
        except ValueError:
            found.append(value)
    return found


def describe_reason(reason: Reason | int) -> dict[str, object]:
    """A reason as the JSON API and the CLI show it (text in the current language)."""
    if isinstance(reason, Reason):
        return {"code": int(reason), "slug": REASONS[reason].slug, "text": reason_text(reason)}
    return {"code": reason, "slug": "unknown", "text": _("unknown reason code %d") % reason}


def describe_info(info: Info | int) -> dict[str, object]:
    if isinstance(info, Info):
        return {"code": int(info), "slug": INFOS[info].slug, "text": info_text(info)}
    return {"code": info, "slug": "unknown", "text": _("unknown tag %d") % info}
