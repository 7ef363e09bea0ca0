"""Secrets at rest: the members' BGP passwords are stored encrypted, the key kept apart.

A stolen database file (or a backup of it, or a PostgreSQL dump) must not give away the
TCP MD5 passwords of every route-server session. :class:`EncryptedCharField` stores
Fernet tokens (AES-128-CBC with an HMAC-SHA256, from the ``cryptography`` library) and
hands the clear text to Python, so the route-server build, the arouteserver export and
the admin form keep working on clear values. The key is one line in a file readable by
its owner only (``registry.encryption_key_file``; by default ``encryption.key`` next to
the SQLite database, or in ``core.data_dir`` for PostgreSQL), generated on first use.
Lose the key and the passwords are lost: ``lakou backup`` saves it with the database.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.db import models

from lakou.i18n import gettext as _
from lakou.private import private_dir

KEY_FILE_NAME = "encryption.key"
_cache: dict[Path, Fernet] = {}


class SecretKeyError(RuntimeError):
    """The encryption key cannot be read, or does not open what the database holds."""


def default_key_path(database_url: str, data_dir: Path) -> Path:
    """``encryption.key`` beside a SQLite file, else in the data directory."""
    if database_url.startswith("sqlite:///"):
        name = database_url.removeprefix("sqlite:///")
        if name and name != ":memory:":
            return Path(name).parent / KEY_FILE_NAME
    return data_dir / KEY_FILE_NAME


def configured_key_path() -> Path:
    """The key file of the running configuration (Django settings' lakou config)."""
    from django.conf import settings

    config = settings.LAKOU_CONFIG
    if config.registry.encryption_key_file is not None:
        return Path(config.registry.encryption_key_file)
    return default_key_path(config.core.effective_database_url(), config.core.data_dir)


def load_or_create_key(path: Path) -> bytes:
    """Read the key file, or create it (0600, never overwritten) when it is absent."""
    try:
        key = path.read_bytes().strip()
    except FileNotFoundError:
        private_dir(path.parent)
        key = Fernet.generate_key()
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return load_or_create_key(path)
        with os.fdopen(fd, "wb") as out:
            out.write(key + b"\n")
        return key
    except OSError as exc:
        raise SecretKeyError(
            _("%(file)s: cannot read the encryption key: %(error)s") % {"file": path, "error": exc}
        ) from None
    try:
        Fernet(key)
    except ValueError:
        raise SecretKeyError(
            _("%(file)s: not a Fernet key (44 base64url characters)") % {"file": path}
        ) from None
    return key


def fernet(path: Path | None = None) -> Fernet:
    path = (path or configured_key_path()).resolve()
    if path not in _cache:
        _cache[path] = Fernet(load_or_create_key(path))
    return _cache[path]


def seal(text: str, path: Path | None = None) -> str:
    """The Fernet token of ``text`` ('' stays '': no secret, nothing to hide)."""
    if not text:
        return ""
    return fernet(path).encrypt(text.encode("utf-8")).decode("ascii")


def unseal(token: str, path: Path | None = None) -> str:
    if not token:
        return ""
    try:
        return fernet(path).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        where = path or configured_key_path()
        raise SecretKeyError(
            _(
                "%(file)s: this key does not decrypt the stored BGP passwords "
                "(restore the key file saved with the database's backup)"
            )
            % {"file": where}
        ) from None


def is_sealed(value: str, path: Path | None = None) -> bool:
    """Whether ``value`` is a token this key opens (the migration's test for old rows)."""
    try:
        fernet(path).decrypt(value.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


class EncryptedCharField(models.CharField):
    """A short secret: clear text in Python, a Fernet token in the database.

    ``max_length`` bounds the clear text; the column is a text column (a token is about
    2.5 times longer). Lookups compare tokens, which never match: filter on it only for
    '' (no secret). The admin refuses every lookup on it (see ``registry/admin.py``).
    """

    secret = True

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return unseal(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return seal(value) if value else value


def is_secret_field(field: Any) -> bool:
    """A field whose value must never be matched from outside (passwords, keys)."""
    if getattr(field, "secret", False):
        return True
    name = getattr(field, "name", "") or ""
    return "password" in name or "secret" in name
