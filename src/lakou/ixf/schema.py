"""Validate a document against the official IX-F JSON schema, with format checking on.

The schema is Euro-IX's public data (github.com/euro-ix/json-schemas); lakou does not
ship a copy. Point ``--schema DIR`` (or ``$LAKOU_IXF_SCHEMA_DIR``) at a checkout of that
repository: ``DIR/ixp-member-list.schema.json`` is the current (1.0) schema and
``DIR/versions/ixp-member-list-X.Y.schema.json`` the older ones.

jsonschema only checks ``format`` when asked, and silently skips a format whose checker
library is missing (``date-time`` needs ``rfc3339-validator``, ``uri`` needs ``rfc3987``
or ``rfc3986-validator``): :func:`format_checker` refuses to run without them, so "valid"
always means the dates, addresses and e-mails were really checked.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lakou.ixf.common import IxfError, path_of

if TYPE_CHECKING:  # jsonschema is imported when a schema is used, not by every reader
    import jsonschema

SCHEMA_DIR_ENV = "LAKOU_IXF_SCHEMA_DIR"
REQUIRED_FORMATS = ("date-time", "ipv4", "ipv6", "email", "uri")


def schema_dir(explicit: str | Path | None = None) -> Path | None:
    """The schema folder: the one given, else ``$LAKOU_IXF_SCHEMA_DIR``, else none."""
    chosen = explicit or os.environ.get(SCHEMA_DIR_ENV)
    return Path(chosen) if chosen else None


def schema_path(directory: Path, version: str) -> Path:
    versioned = directory / "versions" / f"ixp-member-list-{version}.schema.json"
    if versioned.is_file():
        return versioned
    if version == "1.0" and (directory / "ixp-member-list.schema.json").is_file():
        return directory / "ixp-member-list.schema.json"
    raise IxfError("version", f"no schema for version {version} in {directory}")


@cache
def load_schema(path: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IxfError("$", f"cannot read the IX-F schema {path}: {exc}") from exc
    return data


def format_checker() -> jsonschema.FormatChecker:
    """Draft 4's format checker, refusing to run if a format would be skipped."""
    import jsonschema

    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    missing = [f for f in REQUIRED_FORMATS if f not in checker.checkers]
    if missing:
        raise RuntimeError(
            "jsonschema cannot check the formats "
            + ", ".join(missing)
            + ": install rfc3339-validator and rfc3987"
        )
    return checker


def schema_errors(document: Any, directory: Path, version: str) -> list[IxfError]:
    """Every schema violation of ``document``, as path-named errors, in path order."""
    import jsonschema

    schema = load_schema(schema_path(directory, version))
    validator = jsonschema.Draft4Validator(schema, format_checker=format_checker())
    errors = [
        IxfError(path_of(err.absolute_path), _describe(err))
        for err in validator.iter_errors(document)
    ]
    return sorted(errors, key=lambda e: e.path)


def validate(document: Any, directory: Path, version: str) -> None:
    """Raise the first schema violation (in path order) as an :class:`IxfError`."""
    errors = schema_errors(document, directory, version)
    if errors:
        raise errors[0]


def _describe(err: jsonschema.ValidationError) -> str:
    if err.validator == "format":
        return f"{err.instance!r} is not a valid {err.validator_value} (schema)"
    return f"{err.message} (schema)"
