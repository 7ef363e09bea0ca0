from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "lakou.portal"
    label = "portal"
    verbose_name = "lakou portal"
