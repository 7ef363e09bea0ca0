"""The field's vocabulary: AS numbers and AS-SET names, parsed and checked in one place.

Every reader that takes an ASN or an AS-SET from outside (clients.yml, the registry, IRR
answers, the command line) asks this module, so a rule is written once and an odd input
(``AS²``, a 5,000-digit number, an AS-SET named like a command-line option) gets the
same answer everywhere. The Django validators of the registry wrap these functions.
"""

from __future__ import annotations

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
