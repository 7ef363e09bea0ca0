"""The command line's one error boundary: an expected failure becomes one line, not a traceback.

Readers raise specific errors that already name the file and the place (``IxfError``,
``InputError``, ``CaptureError``, ``ConfigError``...); commands turn most of them into
``click.ClickException``. What still escapes a command (an ``OSError`` from a file given on
the command line, a truncated ``.gz``, a locked or missing database, an unreachable
PostgreSQL, text that is not UTF-8, input nested too deep) is mapped here by :func:`describe`
to one line naming the input, the place when known, and what to do, in the user's language.
Anything else is reported as an internal error in one line. ``lakou --debug`` shows the
traceback instead.
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections.abc import Iterable

from lakou.i18n import gettext as _


def _inputs(args: Iterable[str]) -> list[str]:
    """The command line's arguments that name an existing file or folder."""
    found = []
    for arg in args:
        value = arg.split("=", 1)[1] if arg.startswith("--") and "=" in arg else arg
        if value and not value.startswith("-") and os.path.exists(value):
            found.append(value)
    return found


def _reading(args: Iterable[str]) -> str:
    files = _inputs(args)
    return (_("while reading %s") % ", ".join(files)) if files else ""


def _join(*parts: str) -> str:
    return ": ".join(p for p in parts if p)


def _database(exc: BaseException) -> str | None:
    """A database failure in plain words, or None if ``exc`` is not one."""
    module = type(exc).__module__
    if not module.startswith(("django.db", "sqlite3", "psycopg")):
        return None
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "database is locked" in text:
        return _(
            "the database is busy: another lakou command is writing to it (an import?); "
            "try again when it has finished"
        )
    if "no such table" in text:
        return _("the database is not set up (%s); run: lakou db migrate") % text
    if "connection" in text.lower() or "could not" in text.lower():
        return _("cannot reach the database: %s; check LAKOU_DATABASE_URL and that it runs") % text
    return _("database error: %s") % text


def describe(exc: BaseException, args: Iterable[str] = ()) -> str:
    """One line for an error that escaped a command (never a traceback)."""
    args = list(args)
    from lakou.config import ConfigError
    from lakou.inputs import InputError

    if isinstance(exc, ConfigError):
        return str(exc)
    if isinstance(exc, InputError):
        return _join(_reading(args), str(exc))
    database = _database(exc)
    if database is not None:
        return database
    if type(exc).__name__ == "ImproperlyConfigured":
        return _("configuration problem: %s") % exc
    if type(exc).__name__ in ("CaptureError", "SourceError", "ScenarioError", "ListenError"):
        return str(exc)  # these name the file and the place themselves
    if isinstance(exc, (gzip.BadGzipFile, zlib.error, EOFError)):
        return _join(
            _reading(args),
            _("a compressed file is truncated or corrupt (%s); download it again")
            % (str(exc) or type(exc).__name__),
        )
    if isinstance(exc, UnicodeDecodeError):
        return _join(
            _reading(args),
            _("not UTF-8 text (byte %(n)d); save the file as UTF-8") % {"n": exc.start},
        )
    if isinstance(exc, UnicodeError):
        return _join(_reading(args), _("text lakou cannot store: %s") % exc)
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else _reading(args)
        return _join(str(where) if where else "", exc.strerror or str(exc))
    if isinstance(exc, RecursionError):
        return _join(_reading(args), _("the input is nested too deeply"))
    if isinstance(exc, json.JSONDecodeError):
        return _join(
            _reading(args),
            _("line %(line)d, column %(column)d: not valid JSON: %(problem)s")
            % {"line": exc.lineno, "column": exc.colno, "problem": exc.msg},
        )
    if isinstance(exc, ValueError) and "Exceeds the limit" in str(exc):
        return _join(_reading(args), _("a number too long to read"))
    try:
        import yaml
    except ImportError:  # pragma: no cover - yaml is a dependency
        yaml = None  # type: ignore[assignment]
    if yaml is not None and isinstance(exc, yaml.YAMLError):
        mark = getattr(exc, "problem_mark", None)
        place = (
            _("line %(line)d, column %(column)d")
            % {"line": mark.line + 1, "column": mark.column + 1}
            if mark is not None
            else ""
        )
        problem = getattr(exc, "problem", None) or str(exc)
        return _join(_reading(args), place, _("not valid YAML: %s") % problem)
    if isinstance(exc, (ValueError, LookupError)):
        return _join(_reading(args), str(exc) or type(exc).__name__)
    return _(
        "internal error (%(kind)s: %(text)s); run again with --debug for the details and report it"
    ) % {"kind": type(exc).__name__, "text": str(exc).splitlines()[0] if str(exc) else ""}
