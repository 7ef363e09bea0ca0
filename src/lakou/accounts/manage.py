"""Account chores the CLI calls: add a user with a role, set its password, list keys.

Each function takes plain values and raises ``AccountError`` with one line naming what
is wrong; ``lakou user`` prints it. :func:`invite_user` is all of ``lakou user add``: the
user and its role, the one-time address where the person chooses a password (on the
portal's first trusted origin), mailed too when the user has an e-mail and
``portal.smtp`` is set; the :class:`Invitation` says what was done.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from lakou.accounts.models import (
    ROLE_MEMBER_ADMIN,
    ROLE_REGULATOR,
    ROLE_STAFF,
    Membership,
    Regulator,
)
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


@dataclass(frozen=True)
class Invitation:
    """What :func:`invite_user` did: the user (new or given one more role), the address
    where the person chooses a password, and whether it was mailed."""

    username: str
    role: str
    asn: int | None
    created: bool
    origin: str  # the portal's address, without the final slash
    link: str  # the one-time address to choose a password
    mailed_to: str = ""  # the address it was mailed to, or ""
    mail_error: str = ""  # why mailing it failed, or ""

    @property
    def two_factor(self) -> bool:
        """The role must enrol two-factor authentication at the first sign-in."""
        return self.role in (ROLE_STAFF, ROLE_MEMBER_ADMIN)


def invite_user(
    username: str, role: str, asn: int | None, email: str, *, portal: Any, lang: str
) -> Invitation:
    """Add the user (:func:`add_user`), and give the one-time address to choose a password
    on ``portal`` (the ``portal`` section of lakou.yml): mailed in ``lang`` when the user
    has an e-mail, no password yet and ``portal.smtp`` is set."""
    user, created = add_user(username, role, asn, email)
    origin = (portal.trusted_origins or [f"http://{portal.listen}"])[0].rstrip("/")
    link = f"{origin}{set_password_path(user)}"
    mailed_to, mail_error = _mail_invitation(user, asn, link, lang)
    return Invitation(username, role, asn, created, origin, link, mailed_to, mail_error)


def _mail_invitation(user: Any, asn: int | None, link: str, lang: str) -> tuple[str, str]:
    """(the address mailed, or ""; the mail error, or ""): mailed only when the user has
    an e-mail, no password yet and ``portal.smtp`` is set."""
    from lakou.accounts.mail import MailError, deliver, enabled, invitation
    from lakou.registry.models import Network

    if not user.email or user.has_usable_password() or not enabled():
        return "", ""
    network = Network.objects.filter(asn=asn).first() if asn else None
    try:
        deliver([invitation(user, network, link, None, lang)])
    except MailError as err:
        return "", str(err)
    return user.email, ""
