"""The Django app of member accounts (roles, memberships, API keys, two-factor)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "lakou.accounts"
    label = "accounts"
    verbose_name = _("Member accounts")
    default_auto_field = "django.db.models.BigAutoField"
