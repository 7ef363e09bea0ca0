"""Shared test set-up: an isolated lakou home, the public data set, Django.

Every test run gets its own data directory (never the user's), and Django runs on a
throw-away SQLite database unless ``LAKOU_DATABASE_URL`` points elsewhere (the
PostgreSQL run of the registry tests sets it), with a fast password hash.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_home = tempfile.mkdtemp(prefix="lakou-test-home-")
os.environ["XDG_DATA_HOME"] = _home
os.environ.pop("LAKOU_CONFIG", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lakou.portal.settings")
os.environ.setdefault("LAKOU_LANGUAGE", "en")

import django  # noqa: E402  (after the environment above is in place)

django.setup()

from django.conf import settings  # noqa: E402

# A test's passwords protect nothing: a fast hash (Django's advice for test runs) instead of
# PBKDF2's million rounds, which cost a second per user created or signed in on 2 cores.
# Set before any hash is made (Django caches the hashers on first use).
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def shared_data_dir() -> Path:
    """``../shared/data`` beside the checkout, or ``$LAKOU_TEST_DATA``."""
    return Path(os.environ.get("LAKOU_TEST_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public data set; tests that need it skip, saying so, when it is absent."""
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"public data set not found at {path} (set LAKOU_TEST_DATA)")
    return path
