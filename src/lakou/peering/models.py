"""Peering requests sent, "not interested" marks, and each network's language for requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lakou.registry.models import Exchange, Network

LANGUAGES = [("fr", "Français"), ("en", "English"), ("es", "Español")]


class PeeringRequest(models.Model):
    """A peering request one network mailed to another's peering contacts."""

    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="peering_requests_sent",
        verbose_name=_("from network"),
    )
    peer = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="peering_requests_received",
        verbose_name=_("to network"),
    )
    exchange = models.ForeignKey(
        Exchange, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("exchange")
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("sent by"),
    )
    recipients = models.TextField(_("recipients"))  # comma-separated e-mail addresses
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)
    created = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("peering request")
        verbose_name_plural = _("peering requests")

    def __str__(self) -> str:
        return f"AS{self.network.asn} -> AS{self.peer.asn} {self.created:%Y-%m-%d}"


class NotInterested(models.Model):
    """A network's mark on another: no peering wanted; its route servers do not send the
    marked network this network's routes (announcement control RS:0:peer)."""

    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="not_interested_in",
        verbose_name=_("network"),
    )
    peer = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="not_interested_marks",
        verbose_name=_("not interested in"),
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("marked by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["network__asn", "peer__asn"]
        verbose_name = _("not-interested mark")
        verbose_name_plural = _("not-interested marks")
        constraints = [
            models.UniqueConstraint(fields=["network", "peer"], name="not_interested_unique")
        ]

    def __str__(self) -> str:
        return f"AS{self.network.asn} not interested in AS{self.peer.asn}"


class PeeringProfile(models.Model):
    """The language a network receives peering requests in."""

    network = models.OneToOneField(
        Network,
        on_delete=models.CASCADE,
        related_name="peering_profile",
        verbose_name=_("network"),
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGES)

    class Meta:
        verbose_name = _("peering profile")
        verbose_name_plural = _("peering profiles")

    def __str__(self) -> str:
        return f"AS{self.network.asn} {self.language}"
