"""The Django app of the peering manager."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeeringConfig(AppConfig):
    name = "lakou.peering"
    label = "peering"
    verbose_name = _("Peering manager")
    default_auto_field = "django.db.models.BigAutoField"
