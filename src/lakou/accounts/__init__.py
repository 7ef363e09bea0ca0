"""Member accounts: who may sign in, for which member networks, with which role.

Roles: staff (Django's ``is_staff``: the operator), member admin and member user (a
``Membership`` links a user to a registry ``Network`` by ASN; a user may hold several),
and regulator (read-only aggregates, never a member's private data). Two-factor
authentication (TOTP and recovery codes) comes from django-otp; staff and member admins
must enrol before any private page opens. API keys are per user, shown once, stored as a
SHA-256 digest, scoped read or write, and expire within a year.

The door for the command line, the portal and the peering manager:

- accounts (``lakou user``): :func:`invite_user` (all of ``user add``: an
  :class:`Invitation`), :func:`add_user`, :func:`find_user`, :func:`set_password`,
  :func:`set_password_path`, :class:`AccountError`; API keys: :func:`create_api_key`,
  :func:`revoke_api_key`, :func:`list_api_keys` (an :class:`ApiKeyState` each),
  :class:`ApiKeyError`;
- who may read what: :func:`may_read_member`, :func:`admin_asns`, :func:`is_staff`,
  :func:`network_or_404` (a member network, or the page's 404);
- mail through ``portal.smtp``: :func:`mail_enabled`, :func:`compose_mail`,
  :func:`deliver_mail`, :class:`MailError`, :func:`invitation_mail`, :func:`site_name`,
  :func:`remind_key_owners` (API keys about to expire, a :class:`Reminder` each);
- the API routers the portal mounts under ``/api/members``: :data:`members_api_router`
  (keys, member facts, self-service) and :data:`member_read_api_router` (routes,
  traffic);
- :func:`promote_ready` (move the quarantined MACs of ports the LAN checks found clean to
  production).

Names are loaded on first use: importing the package imports no model (Django app).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.accounts.api import router as members_api_router
    from lakou.accounts.keys import ApiKeyError, ApiKeyState
    from lakou.accounts.keys import create_key as create_api_key
    from lakou.accounts.keys import list_keys as list_api_keys
    from lakou.accounts.keys import revoke as revoke_api_key
    from lakou.accounts.mail import MailError, Reminder, site_name
    from lakou.accounts.mail import compose as compose_mail
    from lakou.accounts.mail import deliver as deliver_mail
    from lakou.accounts.mail import enabled as mail_enabled
    from lakou.accounts.mail import invitation as invitation_mail
    from lakou.accounts.mail import remind_keys as remind_key_owners
    from lakou.accounts.manage import (
        AccountError,
        Invitation,
        add_user,
        find_user,
        invite_user,
        set_password,
        set_password_path,
    )
    from lakou.accounts.member_data import network_or_404
    from lakou.accounts.member_read_api import router as member_read_api_router
    from lakou.accounts.roles import admin_asns, is_staff, may_read_member
    from lakou.accounts.selfservice import promote_ready

_WHERE = {  # name -> "module" or "module:name there"
    "members_api_router": "api:router",
    "ApiKeyError": "keys",
    "ApiKeyState": "keys",
    "list_api_keys": "keys:list_keys",
    "create_api_key": "keys:create_key",
    "revoke_api_key": "keys:revoke",
    "MailError": "mail",
    "Reminder": "mail",
    "compose_mail": "mail:compose",
    "deliver_mail": "mail:deliver",
    "invitation_mail": "mail:invitation",
    "mail_enabled": "mail:enabled",
    "remind_key_owners": "mail:remind_keys",
    "site_name": "mail",
    "AccountError": "manage",
    "Invitation": "manage",
    "invite_user": "manage",
    "add_user": "manage",
    "find_user": "manage",
    "set_password": "manage",
    "set_password_path": "manage",
    "network_or_404": "member_data",
    "member_read_api_router": "member_read_api:router",
    "admin_asns": "roles",
    "is_staff": "roles",
    "may_read_member": "roles",
    "promote_ready": "selfservice",
}

__all__ = [
    "AccountError",
    "ApiKeyError",
    "ApiKeyState",
    "Invitation",
    "MailError",
    "Reminder",
    "add_user",
    "admin_asns",
    "compose_mail",
    "create_api_key",
    "deliver_mail",
    "find_user",
    "invitation_mail",
    "invite_user",
    "is_staff",
    "list_api_keys",
    "mail_enabled",
    "may_read_member",
    "member_read_api_router",
    "members_api_router",
    "network_or_404",
    "promote_ready",
    "remind_key_owners",
    "revoke_api_key",
    "set_password",
    "set_password_path",
    "site_name",
]

__getattr__ = lazy_door(__name__, _WHERE)
