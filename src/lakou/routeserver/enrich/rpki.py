"""ROAs from the JSON that rpki-client and Routinator write.

Both tools write ``{"roas": [{"asn": ..., "prefix": ..., "maxLength": ..., "ta": ...}]}``:
rpki-client gives the ASN as a number (older versions and Routinator as ``"AS64496"``),
and both add metadata lakou does not need. The file comes from another program that may
have been interrupted, so it is checked strictly: a truncated file or a malformed entry is
an :class:`RpkiFileError` naming the file and the place (line, column and byte offset for
broken JSON, the JSON path such as ``$.roas[12].maxLength`` for a bad entry). Dropping a
bad ROA silently would be worse than failing: a missing ROA turns RPKI-invalid routes into
"not found" ones, which the route server then accepts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lakou.i18n import gettext as _
from lakou.inputs import InputError, load_json
from lakou.routeserver.enrich.irrdb import MAX_ASN, parse_asn
from lakou.routeserver.enrich.model import Roa
from lakou.routeserver.enrich.prefixes import canonical_fast


class RpkiFileError(Exception):
    """The RPKI JSON file cannot be used; the message names the file and the place."""


def _asn(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_ASN else None
    if isinstance(value, str):
        return parse_asn(value) if value[:2].upper() == "AS" else _asn_digits(value)
    return None


def _asn_digits(value: str) -> int | None:
    return int(value) if value.isdigit() and int(value) <= MAX_ASN else None


def parse_roas(document: Any, where: str = "<json>") -> tuple[Roa, ...]:
    """ROAs from an already-decoded rpki-client/Routinator document."""
    if not isinstance(document, dict) or "roas" not in document:
        raise RpkiFileError(
            _('{file}: $: expected an object with a "roas" list').format(file=where)
        )
    entries = document["roas"]
    if not isinstance(entries, list):
        raise RpkiFileError(_("{file}: $.roas: expected a list").format(file=where))
    out: list[Roa] = []
    for index, entry in enumerate(entries):
        path = f"$.roas[{index}]"
        if not isinstance(entry, dict):
            raise RpkiFileError(
                _("{file}: {path}: expected an object").format(file=where, path=path)
            )
        asn = _asn(entry.get("asn"))
        if asn is None:
            raise RpkiFileError(
                _("{file}: {path}.asn: invalid AS number {value!r}").format(
                    file=where, path=path, value=entry.get("asn")
                )
            )
        prefix_text = entry.get("prefix")
        if not isinstance(prefix_text, str):
            raise RpkiFileError(
                _("{file}: {path}.prefix: missing or not a string").format(file=where, path=path)
            )
        try:
            prefix = canonical_fast(prefix_text)
        except ValueError as exc:
            raise RpkiFileError(f"{where}: {path}.prefix: {exc}") from None
        length = int(prefix.rsplit("/", 1)[1])
        bits = 128 if ":" in prefix else 32
        max_length = entry.get("maxLength", length)
        if (
            isinstance(max_length, bool)
            or not isinstance(max_length, int)
            or not (length <= max_length <= bits)
        ):
            raise RpkiFileError(
                _("{file}: {path}.maxLength: {value!r} is not between {low} and {high}").format(
                    file=where, path=path, value=max_length, low=length, high=bits
                )
            )
        ta = entry.get("ta", "")
        out.append(Roa(asn=asn, prefix=prefix, max_length=max_length, ta=str(ta)))
    return tuple(out)


def read_rpki_json(path: Path) -> tuple[Roa, ...]:
    """Read an rpki-client or Routinator JSON export; :class:`RpkiFileError` when unusable."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RpkiFileError(
            _("{file}: cannot read: {error}").format(file=path, error=exc.strerror)
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RpkiFileError(
            _("{file}: byte {offset}: not UTF-8").format(file=path, offset=exc.start)
        ) from None
    try:
        document = load_json(text)
    except InputError as exc:
        if "JSON" in exc.problem and "line" in exc.place:
            pass  # fall through: the JSON error below names line, column and byte
        else:
            raise RpkiFileError(exc.located(path)) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RpkiFileError(
            _(
                "{file}: line {line} column {column} (byte {offset}): invalid or truncated "
                "JSON: {error}"
            ).format(
                file=path,
                line=exc.lineno,
                column=exc.colno,
                offset=len(text[: exc.pos].encode()),
                error=exc.msg,
            )
        ) from None
    return parse_roas(document, str(path))
