"""Start Django from a lakou configuration (CLI, tests, WSGI)."""

from __future__ import annotations

import os

from lakou.config import LakouConfig, load_config

_active: LakouConfig | None = None


def active_config() -> LakouConfig:
    """The configuration Django runs with (read from the usual places if not set)."""
    global _active
    if _active is None:
        _active = load_config()
    return _active


def setup_django(config: LakouConfig | None = None) -> None:
    """Configure and start Django once per process."""
    global _active
    import django
    from django.apps import apps

    if apps.ready:
        return
    if config is not None:
        _active = config
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lakou.portal.settings")
    django.setup()
