"""lakou.portal: the web app (Django): public pages, the looking glass, traffic and
territory pages, the API, the admin; served by waitress.

The door for the command line and the other components:

- :func:`setup_django` starts Django from a lakou configuration (once per process);
- serving: :func:`parse_listen` (``HOST:PORT``, :class:`ListenError`),
  :func:`refusals_to_serve` (debug mode, a weak secret key, migrations not applied),
  :func:`collect_static`, :func:`serve` (waitress, :data:`DEFAULT_THREADS` threads);
- :data:`HTTP_REGISTRY`, the request counters ``/metrics`` shows.

Django's own ways in (``models``, ``admin``, ``apps``, ``migrations``) are imported by
path. Names are loaded on first use: importing the app's package imports no model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.portal.accesslog import REGISTRY as HTTP_REGISTRY
    from lakou.portal.server import DEFAULT_THREADS, ListenError, parse_listen, serve
    from lakou.portal.server import prepare as collect_static
    from lakou.portal.server import refusals as refusals_to_serve
    from lakou.portal.setup import setup_django

_WHERE = {  # name -> "module" or "module:name there"
    "HTTP_REGISTRY": "accesslog:REGISTRY",
    "DEFAULT_THREADS": "server",
    "ListenError": "server",
    "collect_static": "server:prepare",
    "parse_listen": "server",
    "refusals_to_serve": "server:refusals",
    "serve": "server",
    "setup_django": "setup",
}

__all__ = [
    "DEFAULT_THREADS",
    "HTTP_REGISTRY",
    "ListenError",
    "collect_static",
    "parse_listen",
    "refusals_to_serve",
    "serve",
    "setup_django",
]

__getattr__ = lazy_door(__name__, _WHERE)
