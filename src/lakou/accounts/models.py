"""Memberships (user ↔ member network, with a role), regulators, and API keys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lakou.registry.models import Network

ROLE_MEMBER_ADMIN = "member-admin"
ROLE_MEMBER_USER = "member-user"
ROLE_REGULATOR = "regulator"
ROLE_STAFF = "staff"
ROLES = (ROLE_MEMBER_ADMIN, ROLE_MEMBER_USER, ROLE_REGULATOR, ROLE_STAFF)


class Membership(models.Model):
    """A user's right to act for one member network (all its exchanges)."""

    ROLE_CHOICES = [
        (ROLE_MEMBER_ADMIN, _("member admin")),
        (ROLE_MEMBER_USER, _("member user")),
    ]
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="user_memberships",
        verbose_name=_("network"),
    )
    role = models.CharField(
        _("role"), max_length=16, choices=ROLE_CHOICES, default=ROLE_MEMBER_USER
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["network__asn", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "network"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} AS{self.network.asn} {self.role}"


class Regulator(models.Model):
    """A read-only account: aggregates and reports, never a member's private data."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="regulator",
        verbose_name=_("user"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("regulator")
        verbose_name_plural = _("regulators")

    def __str__(self) -> str:
        return str(self.user)


class ApiKey(models.Model):
    """A user's API key: only its SHA-256 digest and its first characters are kept."""

    SCOPE_CHOICES = [("read", _("read")), ("write", _("read and write"))]
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("user"),
    )
    prefix = models.CharField(_("key prefix"), max_length=16, db_index=True)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=8, choices=SCOPE_CHOICES, default="read")
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires = models.DateTimeField(_("expires"))
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["user__username", "-created"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}… ({self.scope})"


# The self-service audit log lives in its own module (its model is this app's).
from lakou.accounts.changes import Change  # noqa: E402

__all__ = ["ApiKey", "Change", "Membership", "Regulator"]
