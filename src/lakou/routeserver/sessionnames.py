"""The daemons' protocol names of client sessions: ``AS64500_4_1`` (ASN, family, rank).

Written by :meth:`lakou.routeserver.clients.RouteServerClient.session_name` and read back
by the looking glass; kept in this small module so that reading a name does not load the
clients' option schema (the looking glass starts once per question on the command line).
"""

from __future__ import annotations

import re

_SESSION_NAME = re.compile(r"AS([0-9]+)_([46])_([0-9]+)")


def session_client(name: str) -> tuple[int, int, int] | None:
    """``AS64500_4_1`` → (64500, 4, 1); other names → None (the looking glass uses it)."""
    # Only ASCII digits: int() would also take " 1", "1_0" or "²", and the name goes into
    # BIRD commands.
    match = _SESSION_NAME.fullmatch(name)
    if match is None:
        return None
    return int(match[1]), int(match[2]), int(match[3])
