"""The audit log of members' self-service, which is also the queue of changes for staff.

One ``Change`` row per change a member (or staff for it) makes through the portal or the
API: who, when, for which network, what (the values before and after, and the operation
to replay), through which door (the portal, or which API key), and its status: applied,
waiting for staff approval, refused, or not applied because the registry no longer
allowed it when staff approved. A member's users read their network's rows, staff read
all; nobody edits a row by hand (the admin is read-only but for approve and refuse).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lakou.registry.models import Exchange, Network

KIND_MAC = "mac"
KIND_ROUTING = "routing"
KIND_SESSION = "session"
KIND_CONTACT = "contact"

APPLIED = "applied"
PENDING = "pending"
REFUSED = "refused"
FAILED = "failed"

VIA_PORTAL = "portal"
VIA_API = "api"


class Change(models.Model):
    """One self-service change of a member network, and what became of it."""

    KIND_CHOICES = [
        (KIND_MAC, _("MAC address")),
        (KIND_ROUTING, _("AS-SET and max-prefix")),
        (KIND_SESSION, _("route-server session")),
        (KIND_CONTACT, _("contact")),
    ]
    STATUS_CHOICES = [
        (APPLIED, _("applied")),
        (PENDING, _("waiting for staff approval")),
        (REFUSED, _("refused")),
        (FAILED, _("not applied")),
    ]
    VIA_CHOICES = [(VIA_PORTAL, _("portal")), (VIA_API, _("API key"))]

    created = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="selfservice_changes",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150)  # kept if the user goes
    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="selfservice_changes",
        verbose_name=_("network"),
    )
    exchange = models.ForeignKey(
        Exchange,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="selfservice_changes",
        verbose_name=_("exchange"),
    )
    kind = models.CharField(_("what"), max_length=16, choices=KIND_CHOICES)
    target = models.CharField(_("on"), max_length=255, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    operation = models.JSONField(_("operation"), default=dict)  # replayed on approval
    via = models.CharField(_("via"), max_length=8, choices=VIA_CHOICES, default=VIA_PORTAL)
    api_prefix = models.CharField(_("API key"), max_length=16, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=STATUS_CHOICES, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        app_label = "accounts"
        ordering = ["-created", "-id"]
        verbose_name = _("self-service change")
        verbose_name_plural = _("self-service changes")

    def __str__(self) -> str:
        return f"AS{self.network.asn} {self.kind} {self.target} ({self.status})"

    @property
    def door(self) -> str:
        """``portal``, or ``API key lakou_1a2b3c4d``."""
        if self.via == VIA_API:
            return f"{_('API key')} lakou_{self.api_prefix}"
        return str(_("portal"))
