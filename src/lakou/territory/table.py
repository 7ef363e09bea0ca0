"""The territory's prefix table from a file: the CSV export or the inventory itself.

``territory build --format csv`` writes ``prefix,asn,territory``; ``territory build
--out territory.json`` writes the whole inventory, whose ``prefixes`` carry the same
three fields. Both are accepted wherever a prefix table is read (``territory lookup
--index``, ``paths analyze --territory``, ``flows replay|collect --prefixes``), so the
file the tour just built can be used as it is. Errors name the file and the place.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lakou.i18n import gettext as _
from lakou.territory.index import PrefixIndex, PrefixIndexError


def read_prefix_table(path: str | Path) -> PrefixIndex:
    """A :class:`PrefixIndex` from a prefix-table CSV or an inventory JSON (by content)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            first = handle.read(64).lstrip()
    except OSError as exc:
        raise PrefixIndexError(
            _("{file}: cannot read: {problem}").format(file=path, problem=exc.strerror)
        ) from None
    if not first.startswith(b"{"):
        return PrefixIndex.from_csv(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise PrefixIndexError(
            _("{file}: not a territory inventory (JSON): {problem}").format(file=path, problem=exc)
        ) from None
    prefixes = doc.get("prefixes") if isinstance(doc, dict) else None
    if not isinstance(prefixes, list):
        raise PrefixIndexError(
            _("{file}: not a territory inventory: no 'prefixes' list").format(file=path)
        )
    rows: list[tuple[str, int | None, str | None]] = []
    for i, entry in enumerate(prefixes):
        rows.append(_row(entry, f"{path}: prefixes[{i}]"))
    return PrefixIndex.from_rows(rows, source=str(path))


def _row(entry: Any, where: str) -> tuple[str, int | None, str | None]:
    if not isinstance(entry, dict) or not isinstance(entry.get("prefix"), str):
        raise PrefixIndexError(_("{where}: expected an object with a 'prefix'").format(where=where))
    asn = entry.get("asn")
    if asn is not None and (isinstance(asn, bool) or not isinstance(asn, int)):
        raise PrefixIndexError(
            _("{where}.asn: expected an AS number, got {value!r}").format(where=where, value=asn)
        )
    territory = entry.get("territory")
    if territory is not None and not isinstance(territory, str):
        raise PrefixIndexError(
            _("{where}.territory: expected a country code, got {value!r}").format(
                where=where, value=territory
            )
        )
    return entry["prefix"], asn, territory
