"""Serve the web app in production: Django's WSGI app under waitress, static files by WhiteNoise.

waitress is a pure-Python, production-grade WSGI server (no compiler, runs the same on
Debian and Windows), so a small exchange needs no nginx in front to start. Static files
(the portal's CSS, the admin's assets) are collected into ``data_dir/static`` at start and
served by WhiteNoise: it wraps the WSGI app without touching the settings, serves with
far-future caching and compressed variants, and keeps working with ``DEBUG`` off, where
Django's own static view refuses to serve and its docs call it unfit for production.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class ListenError(ValueError):
    """``--listen`` is not ``HOST:PORT``."""


def parse_listen(value: str) -> tuple[str, int]:
    """``127.0.0.1:8000``, ``[::1]:8000`` or ``:8000`` -> (host, port)."""
    host, sep, port_text = value.rpartition(":")
    if not sep or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ListenError(f"{value!r}: expected HOST:PORT, e.g. 127.0.0.1:8000")
    host = host.strip("[]") or "127.0.0.1"
    return host, int(port_text)


def prepare() -> None:
    """Apply migrations and collect static files (both idempotent, both quick when done)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def wsgi_app() -> Callable[..., Any]:
    """Django's WSGI application with WhiteNoise serving ``STATIC_URL``, every request
    logged and counted (:mod:`lakou.portal.accesslog`)."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from whitenoise import WhiteNoise

    from lakou.portal.accesslog import AccessLog

    return AccessLog(
        WhiteNoise(
            get_wsgi_application(),
            root=settings.STATIC_ROOT,
            prefix=settings.STATIC_URL,
            max_age=3600,
        )
    )


def serve(host: str, port: int, threads: int = 8) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    import waitress

    waitress.serve(
        wsgi_app(),
        host=host,
        port=port,
        threads=threads,
        ident="lakou",
        clear_untrusted_proxy_headers=True,
    )
