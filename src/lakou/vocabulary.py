"""The field's vocabulary: AS numbers and AS-SET names, parsed and checked in one place.

Every reader that takes an ASN or an AS-SET from outside (clients.yml, the registry, IRR
answers, the command line) asks this module, so a rule is written once and an odd input
(``AS²``, a 5,000-digit number, an AS-SET named like a command-line option) gets the
same answer everywhere. The Django validators of the registry wrap these functions.
"""

from __future__ import annotations

import ipaddress
import re

ASN_MAX = 4294967295  # RFC 6793: four-octet AS numbers

# ``AS64500``, ``AS-EXAMPLE``, ``AS64500:AS-CUSTOMERS``, optionally ``SOURCE::`` first.
# Only ASCII letters and digits: the name reaches bgpq4's command line and whois queries.
AS_SET_PATTERN = (
    r"^([A-Za-z0-9][A-Za-z0-9-]*::)?(AS[0-9]+|AS-[A-Za-z0-9_:-]+|AS[0-9]+:AS-[A-Za-z0-9_:-]+)$"
)
_AS_SET = re.compile(AS_SET_PATTERN, re.IGNORECASE | re.ASCII)
_ASN = re.compile(r"(?:AS)?([0-9]{1,10})", re.IGNORECASE | re.ASCII)


def is_as_set(name: str) -> bool:
    """True for an AS-SET name or an ASN written ``AS<number>`` (what IRR queries take)."""
    return bool(_AS_SET.fullmatch(name))


def parse_asn(text: str | int) -> int | None:
    """``64500``, ``"AS64500"``, ``"as64500"`` -> 64500; else (``AS²``, 0, > 2^32-1) None."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if 1 <= text <= ASN_MAX else None
    match = _ASN.fullmatch(text.strip())
    if match is None:
        return None
    number = int(match[1])
    return number if 1 <= number <= ASN_MAX else None


# What registries and geolocation tables write when they do not know a country: IANA and
# the RIRs' ``ZZ`` (reserved, unassigned, or "see the RIR"), ISO 3166's user-assigned
# ``XX``, MaxMind's legacy ``A1``/``A2``/``O1`` (anonymous proxy, satellite, other), and
# the blanks some CSV exports use. A source saying one of these has no opinion.
NO_COUNTRY = frozenset({"", "ZZ", "XX", "--", "-", "A1", "A2", "O1", "NONE"})


def country_says_nothing(code: str | None) -> bool:
    """True when a country code names no country (``ZZ``, ``XX``, blank...)."""
    return code is None or code.strip().upper() in NO_COUNTRY


# -- MAC addresses ------------------------------------------------------------------------
_MAC_SEPARATORS = re.compile(r"[0-9a-fA-F:.\-\s]*")
_NOT_HEX = re.compile(r"[^0-9a-fA-F]")


class VocabularyError(ValueError):
    """A value that breaks a field rule; the message (translated) says which."""


def normalise_mac(value: str) -> str:
    """``00-1B-21-3A-4F-5C``, ``001b.213a.4f5c`` or ``001b213a4f5c`` -> ``00:1b:21:3a:4f:5c``.

    A router's interface on a peering LAN: unicast, and not all zeros. Raises
    :class:`VocabularyError` (the registry's validator wraps it as a ValidationError).
    """
    from lakou.i18n import gettext as _

    text = value or ""
    digits = _NOT_HEX.sub("", text).lower()
    if len(digits) != 12 or not _MAC_SEPARATORS.fullmatch(text):
        raise VocabularyError(_("%(value)s is not a MAC address.") % {"value": value})
    if int(digits[1], 16) & 1:
        raise VocabularyError(
            _("%(value)s is a multicast MAC address; a router interface has a unicast one.")
            % {"value": value}
        )
    if digits == "000000000000":
        raise VocabularyError(_("00:00:00:00:00:00 is not a usable MAC address."))
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


# -- addresses on a peering LAN -----------------------------------------------------------
def reserved_address_problem(
    addr: ipaddress.IPv4Address | ipaddress.IPv6Address,
    network: ipaddress.IPv4Network | ipaddress.IPv6Network,
) -> str | None:
    """Why ``addr`` (inside ``network``) is no host's, or None: the LAN's own addresses.

    The network address (IPv6's subnet-router anycast too) and the IPv4 broadcast address
    (none on /31 and /32, RFC 3021).
    """
    from lakou.i18n import gettext as _

    if addr == network.network_address:
        return _("%(addr)s is the network address of %(net)s.") % {"addr": addr, "net": network}
    if (
        isinstance(network, ipaddress.IPv4Network)
        and network.prefixlen < 31
        and addr == network.broadcast_address
    ):
        return _("%(addr)s is the broadcast address of %(net)s.") % {"addr": addr, "net": network}
    return None


# -- web addresses and e-mail -------------------------------------------------------------
# The shapes the registry's URL and e-mail fields take (Django's URLValidator and
# EmailValidator, which the registry keeps as the last word when it saves a row).
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.IGNORECASE | re.ASCII)
_EMAIL_USER = re.compile(
    r"[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*", re.IGNORECASE | re.ASCII
)
URL_SCHEMES = ("http", "https", "ftp", "ftps")
_SPACE = re.compile(r"\s")


def _is_host(host: str) -> bool:
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return True
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        pass
    else:
        return True
    if host.replace(".", "").isdigit():
        return False  # looks like an IPv4 address and is not one
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return False
    return len(labels) >= 2 or ascii_host.lower() == "localhost"


def is_url(text: str) -> bool:
    """An http(s) or ftp(s) address with a host name or an IP address (no spaces)."""
    from urllib.parse import urlsplit

    if len(text) > 2048 or _SPACE.search(text):
        return False
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return False
    if parts.scheme.lower() not in URL_SCHEMES or not parts.netloc:
        return False
    host = parts.netloc.rsplit("@", 1)[-1]
    if port is not None:
        host = host.rsplit(":", 1)[0]
    return _is_host(host)


def is_email(text: str) -> bool:
    """``user@example.net``: a dot-atom user part and a domain name (or an IP literal)."""
    if len(text) > 320 or "@" not in text:
        return False
    user, domain = text.rsplit("@", 1)
    if not _EMAIL_USER.fullmatch(user):
        return False
    if domain.startswith("[") and domain.endswith("]"):
        literal = domain[1:-1].removeprefix("IPv6:")
        try:
            ipaddress.ip_address(literal)
        except ValueError:
            return False
        return True
    return _is_host(domain) and "." in domain
