"""Serve the web app in production: Django's WSGI app under waitress, static files by WhiteNoise.

waitress is a pure-Python, production-grade WSGI server (no compiler, runs the same on
Debian and Windows), so a small exchange needs no nginx in front to start. Static files
(the portal's CSS, the admin's assets) are collected into ``data_dir/static`` at start and
served by WhiteNoise: it wraps the WSGI app without touching the settings, serves with
far-future caching and compressed variants, and keeps working with ``DEBUG`` off, where
Django's own static view refuses to serve and its docs call it unfit for production.

Before serving, :func:`refusals` lists what makes a start unsafe: debug mode or a weak
secret key (outside the demo), and migrations not applied. ``serve`` never migrates by
itself: a schema change is the operator's decision, taken with a backup at hand.
Behind a reverse proxy (``portal.behind_proxy``), waitress takes the client's address and
scheme from the proxy's X-Forwarded-For and X-Forwarded-Proto.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lakou.i18n import _

if TYPE_CHECKING:
    from lakou.config import LakouConfig

# waitress worker threads. Django's request handling holds the GIL, so threads beyond a
# couple per core only queue; measured on 2 cores with ``python -m benchmarks.portal
# --threads-sweep 1,2,4,8`` (docs/90-benchmarks.md), 4 served the most requests per
# static-file request at 16 connections on every page. Since public pages are answered
# from memory (lakou.portal.pagecache) the count changes little for them, but a page
# rendered through Django (a signed-in visitor, a page gone stale, the first traffic
# report: seconds) holds its thread: with 4, three others keep answering meanwhile.
DEFAULT_THREADS = 4

# Django's own thresholds for a secret key (its security.W009 check).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


class ListenError(ValueError):
    """``--listen`` is not ``HOST:PORT``."""


def parse_listen(value: str) -> tuple[str, int]:
    """``127.0.0.1:8000``, ``[::1]:8000`` or ``:8000`` -> (host, port)."""
    host, sep, port_text = value.rpartition(":")
    if not sep or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ListenError(f"{value!r}: expected HOST:PORT, e.g. 127.0.0.1:8000")
    host = host.strip("[]") or "127.0.0.1"
    return host, int(port_text)


def weak_secret_key(key: str) -> bool:
    return (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith("django-insecure")
    )


def unsafe_settings(config: LakouConfig) -> list[str]:
    """Settings a production portal must not run with, each naming its key."""
    problems = []
    if config.portal.debug:
        problems.append(
            _(
                "portal.debug is true: debug pages show the settings and the code to any "
                "visitor; set portal.debug: false (debug is for lakou demo only)"
            )
        )
    key = config.portal.secret_key
    if key is not None and weak_secret_key(key):
        problems.append(
            _(
                "portal.secret_key is weak (%(length)d characters): use at least "
                "%(minimum)d random characters, or remove the key to have one generated "
                "in core.data_dir"
            )
            % {"length": len(key), "minimum": SECRET_KEY_MIN_LENGTH}
        )
    return problems


def unapplied_migrations() -> list[str]:
    """``app.migration`` names the database still lacks."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def refusals(config: LakouConfig, demo: bool = False) -> list[str]:
    """Why the portal must not start (empty: it may); Django must be set up."""
    from django.db import DatabaseError

    problems = [] if demo else unsafe_settings(config)
    try:
        missing = unapplied_migrations()
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return [
            *problems,
            _("cannot reach the database (core.database_url): %(error)s") % {"error": first_line},
        ]
    if missing:
        problems.append(
            _(
                "the database lacks %(count)d migration(s) (%(names)s): take a backup "
                "(lakou backup --out FILE), then apply them with: lakou db migrate"
            )
            % {
                "count": len(missing),
                "names": ", ".join(missing[:5]) + (", …" * (len(missing) > 5)),
            }
        )
    return problems


def prepare() -> None:
    """Collect static files (idempotent, quick when done); migrations are checked apart."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def wsgi_app() -> Callable[..., Any]:
    """Django's WSGI application with WhiteNoise serving ``STATIC_URL``, public pages kept
    for anonymous visitors (:mod:`lakou.portal.pagecache`), every request logged and counted
    (:mod:`lakou.portal.accesslog`)."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from whitenoise import WhiteNoise

    from lakou.portal.accesslog import AccessLog
    from lakou.portal.pagecache import PublicPages

    return AccessLog(
        WhiteNoise(
            PublicPages(get_wsgi_application()),
            root=settings.STATIC_ROOT,
            prefix=settings.STATIC_URL,
            max_age=3600,
        )
    )


def serve(host: str, port: int, threads: int = DEFAULT_THREADS, behind_proxy: bool = False) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM)."""
    import waitress

    proxy: dict[str, Any] = {}
    if behind_proxy:
        # The proxy is whoever reaches the listen address (keep it on loopback or a
        # private link): one hop, its client address and scheme believed, nothing else.
        proxy = {
            "trusted_proxy": "*",
            "trusted_proxy_count": 1,
            "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
        }
    app = wsgi_app()
    from lakou.portal.territory_views import start_refresher

    start_refresher()  # the territory, traceroute and what-if reports read before visitors ask
    waitress.serve(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="lakou",
        clear_untrusted_proxy_headers=True,
        **proxy,
    )
