"""IX-F Member Export files as ``lakou.exchange`` objects for the territory engine.

Each ``ixp_list`` entry becomes an exchange with its peering-LAN prefixes, and each member
connected to it its ASN, name and router addresses there. The document is read by lakou's
one IX-F reader (:mod:`lakou.ixf`) as a members view: the same field rules as the
registry's import, without asking for what only the registry needs (timestamp, switches).
Errors name the file and the JSON path (``ixf.json:member_list[3].asnum``).
"""

from __future__ import annotations

from pathlib import Path

from lakou import ixf
from lakou.exchange import Exchange
from lakou.territory.sources.common import SourceError, open_binary


def read_ixf(path: str | Path) -> list[Exchange]:
    path = Path(path)
    try:
        with open_binary(path) as handle:
            data = handle.read()
    except (OSError, EOFError) as exc:  # a truncated or corrupt .gz too
        raise SourceError(str(path), str(exc)) from None
    try:
        document = ixf.load(data, ixf.ImportReport(), complete=False, duplicates="keep")
    except ixf.IxfError as exc:
        raise SourceError(f"{path}:{exc.path}", exc.problem) from None
    return ixf.exchanges(document)
