"""Memo of rendered prefix sets on disk, keyed by their content.

Folding a 1.5-million-prefix AS-SET takes about two seconds; its route objects rarely
change between two builds. The rendered ``define`` text is kept under the SHA-256 of
everything it depends on (set name, family, bounds, the prefixes), so a changed list is
simply a new key: the cache can never serve stale text. Unreadable entries are rebuilt.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from lakou.routeserver.enrich.cache import joined


class PrefixSetCache:
    def __init__(self, directory: Path, keep: int = 200) -> None:
        self.directory = directory
        self.keep = keep
        self.hits = 0
        self.misses = 0

    def get(self, key: Sequence[str], prefixes: Sequence[str], build: Callable[[], str]) -> str:
        digest = hashlib.sha256()
        digest.update("\x00".join(key).encode())
        digest.update(b"\x01")
        digest.update(joined(prefixes).encode())  # a cached block as it is, no join
        path = self.directory / f"{digest.hexdigest()}.set"
        try:
            text = path.read_text(encoding="utf-8")
            self.hits += 1
            return text
        except (OSError, UnicodeDecodeError):
            pass
        text = build()
        self.misses += 1
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
            self._prune()
        except OSError:
            pass  # a read-only cache only costs time
        return text

    def _prune(self) -> None:
        files = sorted(self.directory.glob("*.set"), key=lambda p: p.stat().st_mtime)
        for old in files[: -self.keep]:
            old.unlink(missing_ok=True)
