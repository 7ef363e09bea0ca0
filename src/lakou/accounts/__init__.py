"""Member accounts: who may sign in, for which member networks, with which role.

Roles: staff (Django's ``is_staff``: the operator), member admin and member user (a
``Membership`` links a user to a registry ``Network`` by ASN; a user may hold several),
and regulator (read-only aggregates, never a member's private data). Two-factor
authentication (TOTP and recovery codes) comes from django-otp; staff and member admins
must enrol before any private page opens. API keys are per user, shown once, stored as a
SHA-256 digest, scoped read or write, and expire within a year.

The door for the command line: :func:`promote_ready` (move the quarantined MACs of ports
the LAN checks found clean to production). Loaded on first use (Django).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lakou.accounts.selfservice import promote_ready

__all__ = ["promote_ready"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from lakou.accounts import selfservice

        return getattr(selfservice, name)
    raise AttributeError(f"module 'lakou.accounts' has no attribute {name!r}")
