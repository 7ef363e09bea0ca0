"""WSGI entry point for production servers (gunicorn, uwsgi): Django with the public
pages kept for anonymous visitors (:mod:`lakou.portal.pagecache`; each worker process keeps
its own, and the registry's fingerprint keeps them all current)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lakou.portal.settings")
_django = get_wsgi_application()

from lakou.portal.pagecache import PublicPages  # noqa: E402  (needs Django set up)

application = PublicPages(_django)
