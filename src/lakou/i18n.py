"""Translations for the parts of lakou that do not run inside Django.

Engines (routeserver, flows, territory, paths, whatif) and the CLI mark their
user-facing strings with :func:`gettext` (imported as ``_``) or, for module-level
constants, :func:`gettext_noop` and translate them when shown. They use the
same catalogues as Django (``src/lakou/locale/<lang>/LC_MESSAGES/django.mo``) so one
``makemessages`` run collects every string of the project.
"""

from __future__ import annotations

import gettext as _gettext
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("en", "fr", "es")
DEFAULT_LANGUAGE = "en"

_current: ContextVar[str | None] = ContextVar("lakou_language", default=None)


@cache
def _catalogue(language: str) -> _gettext.NullTranslations:
    return _gettext.translation(
        "django", localedir=str(LOCALE_DIR), languages=[language], fallback=True
    )


def normalise(language: str | None) -> str:
    """Map ``fr_FR.UTF-8``, ``fr-fr`` or ``FR`` to a language lakou ships, else English."""
    if not language:
        return DEFAULT_LANGUAGE
    short = language.replace("-", "_").split("_")[0].split(".")[0].lower()
    return short if short in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    chosen = _current.get()
    if chosen:
        return chosen
    # Inside the portal (Django loaded and set up), follow the request's language, so the
    # engines' messages shown on a page or in a form are in the visitor's language.
    translation = sys.modules.get("django.utils.translation")
    if translation is not None and sys.modules.get("django.apps") is not None:
        from django.apps import apps

        if apps.ready:
            active = translation.get_language()
            if active:
                return normalise(active)
    return normalise(os.environ.get("LAKOU_LANGUAGE") or os.environ.get("LANGUAGE"))


@contextmanager
def language(lang: str) -> Iterator[str]:
    """Translate into ``lang`` inside the block (any thread- or task-local scope)."""
    token = _current.set(normalise(lang))
    try:
        yield normalise(lang)
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    return _catalogue(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogue(current_language()).ngettext(singular, plural, n)


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it now (module constants)."""
    return message


_ = gettext
