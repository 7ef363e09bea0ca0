"""Account chores the CLI calls: add a user with a role, set its password, list keys.

Each function takes plain values and raises ``AccountError`` with one line naming what
is wrong; ``lakou user`` prints it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from lakou.accounts.models import ROLE_REGULATOR, ROLE_STAFF, Membership, Regulator
from lakou.i18n import _


class AccountError(ValueError):
    """An account chore cannot be done; the message says why in one line."""


def find_user(username: str) -> Any:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise AccountError(_("no user named %s") % username)
    return user


@transaction.atomic
def add_user(username: str, role: str, asn: int | None, email: str = "") -> tuple[Any, bool]:
    """Create the user (unusable password) or extend it with a role; (user, created)."""
    from lakou.registry.models import Network

    network = None
    if role in (ROLE_STAFF, ROLE_REGULATOR):
        if asn is not None:
            raise AccountError(_("--member is for member-admin and member-user only"))
    else:
        if asn is None:
            raise AccountError(_("a %s needs --member ASN") % role)
        network = Network.objects.filter(asn=asn).first()
        if network is None:
            raise AccountError(_("AS%d is not in the registry") % asn)
    model = get_user_model()
    user = model.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = model(username=username, email=email)
        user.set_unusable_password()
        user.save()
    elif email and not user.email:
        user.email = email
        user.save(update_fields=["email"])
    if role == ROLE_STAFF:
        # the operator: every page of the admin (Django's superuser)
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    elif role == ROLE_REGULATOR:
        Regulator.objects.get_or_create(user=user)
    else:
        Membership.objects.update_or_create(user=user, network=network, defaults={"role": role})
    return user, created


def set_password_path(user: Any) -> str:
    """A one-time address (valid PASSWORD_RESET_TIMEOUT, 3 days) to choose a password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return f"/account/reset/{uid}/{token}/"


def set_password(user: Any, password: str) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as err:
        raise AccountError(" ".join(err.messages)) from None
    user.set_password(password)
    user.save()
