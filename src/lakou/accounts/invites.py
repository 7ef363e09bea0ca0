"""Member admins invite and remove their own users (never staff, never another member's).

An invitation creates the account (no usable password) with a membership of the admin's
network, or adds the membership to an existing account, and gives back the one-time
address where the person chooses a password. Removing ends the membership only (the
account stays for its other memberships); an admin cannot remove the network's last admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from lakou.accounts.manage import AccountError, set_password_path
from lakou.accounts.models import ROLE_MEMBER_ADMIN, ROLE_MEMBER_USER, Membership
from lakou.registry.models import Network

INVITE_ROLES = (ROLE_MEMBER_ADMIN, ROLE_MEMBER_USER)


def users_of(network: Network) -> list[Membership]:
    return list(Membership.objects.filter(network=network).select_related("user"))


@transaction.atomic
def invite(network: Network, username: str, email: str, role: str) -> tuple[Any, str | None]:
    """Add ``username`` to the network; (user, one-time set-password path or None)."""
    username = username.strip()
    if role not in INVITE_ROLES:
        raise AccountError(_("The role must be member admin or member user."))
    if not username or len(username) > 150:
        raise AccountError(_("Give a user name (at most 150 characters)."))
    model = get_user_model()
    user = model.objects.filter(username=username).first()
    if user is not None and (user.is_staff or hasattr(user, "regulator")):
        raise AccountError(_("%s is not an account a member can invite.") % username)
    if user is None:
        user = model(username=username, email=email.strip())
        user.set_unusable_password()
        user.save()
    Membership.objects.update_or_create(user=user, network=network, defaults={"role": role})
    return user, None if user.has_usable_password() else set_password_path(user)


@transaction.atomic
def remove(network: Network, user_id: int) -> None:
    membership = Membership.objects.filter(network=network, user_id=user_id).first()
    if membership is None:
        raise AccountError(_("This user does not belong to this network."))
    admins = Membership.objects.filter(network=network, role=ROLE_MEMBER_ADMIN)
    if membership.role == ROLE_MEMBER_ADMIN and admins.count() == 1:
        raise AccountError(_("The last member admin of a network cannot be removed."))
    membership.delete()
