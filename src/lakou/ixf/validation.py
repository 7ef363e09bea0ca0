"""``lakou ixf validate``: judge a document as published, then read it as lakou would.

:func:`validate_file` checks the bytes of an IX-F Member Export against the official
schema of its version (0.3 documents against 0.4, the first schema published), without
lakou's repairs; a document the schema accepts is then read with those repairs, each one
a warning, and lakou's own rules. The :class:`Validation` says which version it is, what
was repaired and every problem found, each naming its JSON path.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lakou.ixf.common import ImportReport, IxfError
from lakou.ixf.reader import detect_version, parse_json, read_document, tolerate
from lakou.ixf.schema import schema_errors


@dataclass(frozen=True)
class Validation:
    """What :func:`validate_file` found: valid when ``problems`` is empty."""

    version: str | None  # None when the document could not be read that far
    warnings: tuple[str, ...]
    problems: tuple[IxfError, ...]


def validate_file(data: bytes, schema_dir: Path) -> Validation:
    """The official schema's verdict on ``data``, then lakou's own rules."""
    report = ImportReport()
    version = None
    try:
        raw = parse_json(data)
        version = detect_version(raw)
        # the official schema judges the file as published, without lakou's repairs
        errors = schema_errors(raw, schema_dir, "0.4" if version == "0.3" else version)
        if not errors:
            read_document(tolerate(raw, version, report), version, report)
    except IxfError as exc:
        errors = [exc]
    return Validation(version, tuple(report.warnings), tuple(errors))
