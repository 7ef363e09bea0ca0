"""Who may see what: the role checks every view, API operation and test reads.

Staff see everything. A member admin or member user sees the private pages of the
networks it holds a membership of, and only those. A regulator sees public pages and
aggregates, never a member's private page. Staff and member admins must have passed
two-factor authentication before their private pages open (``must_use_two_factor``).
"""

from __future__ import annotations

from typing import Any

from lakou.accounts.models import ROLE_MEMBER_ADMIN, Membership

DEMO_USERNAME = "demo"


def member_asns(user: Any) -> set[int]:
    """The ASNs of the networks the user acts for."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(Membership.objects.filter(user=user).values_list("network__asn", flat=True))


def admin_asns(user: Any) -> set[int]:
    """The ASNs of the networks the user is a member admin of."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(user=user, role=ROLE_MEMBER_ADMIN).values_list(
            "network__asn", flat=True
        )
    )


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_staff)


def is_regulator(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and hasattr(user, "regulator"))


def may_read_member(user: Any, asn: int) -> bool:
    """Staff, or a member admin/user of that network; never a regulator as such."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return is_staff(user) or asn in member_asns(user)


def demo_exempt(user: Any) -> bool:
    """The demo user, while the registry holds demo exchanges only, is not asked for 2FA.

    Its password is printed by ``lakou demo``; the moment a real exchange is in the
    registry, the exemption ends and the demo user must enrol like everyone else.
    """
    from lakou.registry.models import Exchange

    if getattr(user, "username", None) != DEMO_USERNAME:
        return False
    return not Exchange.objects.exclude(demo=True).exists()


def must_use_two_factor(user: Any) -> bool:
    """Staff and member admins must sign in with a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not (is_staff(user) or admin_asns(user)):
        return False
    return not demo_exempt(user)
