"""The on-disk cache of IRR and RPKI data: last good answers, loaded in a blink.

A warm cache is what makes a rebuild fast, and the fallback when the IRR is unreachable,
so it must load quickly even for the huge client (about 28,700 origins and 1.5 million
prefixes). The format is one small JSON header line, then one line of origins and one
canonical prefix per line, then an ``END`` line: reading it is a single ``read``, with no
per-prefix work. Each family's lines are kept as one block of text
(:class:`PrefixBlock`), which the BIRD renderer reads whole and which is split into
strings only when something asks for them one by one (a JSON list of the same prefixes
took several times longer; splitting them, 0.1 s, and joining them again for the
renderer and the rendered-set cache's key, another 0.1 s). A file without its ``END`` line or
with wrong counts is truncated: it is ignored and reported, never half-used. Files are
written to a temporary name and renamed, so a crash never leaves a partial cache entry.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import overload

from lakou.i18n import gettext as _
from lakou.routeserver.enrich.model import IrrData, IrrRequest, Roa

IRR_FORMAT = "lakou-irr-cache/1"
ROA_FORMAT = "lakou-roa-cache/1"
_END = "END"


class PrefixBlock(Sequence[str]):
    """Canonical prefixes kept as the text of their lines (``"\\n"``-joined, as the cache
    file holds them): ``text`` for readers of the whole block, the sequence of strings
    (split once, on first use) for the others. Equal to a tuple of the same prefixes."""

    __slots__ = ("_count", "_items", "text")

    def __init__(self, text: str, count: int) -> None:
        self.text = text
        self._count = count
        self._items: tuple[str, ...] | None = None

    def items(self) -> tuple[str, ...]:
        if self._items is None:
            self._items = tuple(self.text.split("\n")) if self._count else ()
        return self._items

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...
    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return self.items()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self.items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PrefixBlock):
            return self.text == other.text and self._count == other._count
        if isinstance(other, Sequence) and not isinstance(other, str):
            return self.items() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.items())

    def __repr__(self) -> str:
        return f"PrefixBlock({self._count} prefixes)"


def joined(prefixes: Sequence[str]) -> str:
    """The prefixes joined by newlines: a :class:`PrefixBlock`'s text as it is."""
    return prefixes.text if isinstance(prefixes, PrefixBlock) else "\n".join(prefixes)


def _blocks(body: str, n4: int, n6: int) -> tuple[str, str, str] | None:
    """The origins line and the IPv4 and IPv6 blocks of a cache body; None when the line
    counts do not match the header's (a truncated or altered file). IPv4 lines have no
    colon and IPv6 lines all have one, so the IPv6 block starts at the line of the first
    colon: found by ``str`` searches, no split."""
    tail = _END + "\n"
    if not body.endswith(tail) or body.count("\n") != n4 + n6 + 2:
        return None
    origins_end = body.find("\n")
    end = len(body) - len(tail)  # start of the END line
    colon = body.find(":", origins_end, end)
    v6_start = end if colon < 0 else body.rfind("\n", 0, colon) + 1
    v4 = body[origins_end + 1 : max(origins_end + 1, v6_start - 1)]
    v6 = body[v6_start : max(v6_start, end - 1)]
    for block, count in ((v4, n4), (v6, n6)):
        if (block.count("\n") + 1 if block else 0) != count:
            return None
    return body[:origins_end], v4, v6


class CacheError(Exception):
    """A cache file exists but cannot be used (truncated, wrong format)."""


def _write_atomic(path: Path, chunks: Sequence[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_header(path: Path, expected: str) -> tuple[dict[str, object], str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CacheError(
            _("{path}: cannot read: {error}").format(path=path, error=exc.strerror)
        ) from None
    head, _sep, rest = data.partition(b"\n")
    try:
        header = json.loads(head)
    except ValueError:
        raise CacheError(_("{path}: line 1: not a lakou cache header").format(path=path)) from None
    if not isinstance(header, dict) or header.get("format") != expected:
        raise CacheError(
            _("{path}: line 1: not a {format} file").format(path=path, format=expected)
        )
    try:
        body = rest.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CacheError(
            _("{path}: byte {offset}: not UTF-8").format(
                path=path, offset=len(head) + 1 + exc.start
            )
        ) from None
    return header, body


class IrrCache:
    """Last good :class:`IrrData` per client and IRR source, in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path_for(self, source_description: str, request: IrrRequest) -> Path:
        key = "\0".join([source_description, str(request.asn), *request.as_sets])
        digest = hashlib.sha256(key.encode()).hexdigest()[:20]
        return self.directory / f"irr-AS{request.asn}-{digest}.txt"

    def save(
        self, source_description: str, request: IrrRequest, data: IrrData, *, version: str = ""
    ) -> Path:
        header = {
            "format": IRR_FORMAT,
            "version": version,
            "asn": data.asn,
            "as_sets": list(data.as_sets),
            "source": data.source,
            "fetched_at": data.fetched_at.isoformat(),
            "problems": list(data.problems),
            "origins": len(data.origins),
            "v4": len(data.prefixes_v4),
            "v6": len(data.prefixes_v6),
        }
        lines = [json.dumps(header), "\n", " ".join(map(str, sorted(data.origins))), "\n"]
        for block in (data.prefixes_v4, data.prefixes_v6):
            if block:
                lines += [joined(block), "\n"]
        lines.append(_END + "\n")
        path = self.path_for(source_description, request)
        _write_atomic(path, lines)
        return path

    def load(self, source_description: str, request: IrrRequest) -> IrrData | None:
        """The cached data, or None when there is none; CacheError when it is unusable."""
        entry = self.load_entry(source_description, request)
        return entry[0] if entry is not None else None

    def load_entry(
        self, source_description: str, request: IrrRequest
    ) -> tuple[IrrData, str] | None:
        """The cached data and the source's data version it was built from."""
        path = self.path_for(source_description, request)
        if not path.exists():
            return None
        header, body = _read_header(path, IRR_FORMAT)
        try:
            n4, n6, norigins = int(header["v4"]), int(header["v6"]), int(header["origins"])  # type: ignore[call-overload]
            fetched_at = datetime.fromisoformat(str(header["fetched_at"]))
            blocks = _blocks(body, n4, n6)
            if blocks is None:
                raise CacheError(
                    _("{path}: truncated (expected {n} lines)").format(path=path, n=n4 + n6 + 3)
                )
            origins_line, v4, v6 = blocks
            origins = frozenset(map(int, origins_line.split()))
            if len(origins) != norigins:
                raise CacheError(
                    _("{path}: line 2: {n} origins, header says {header}").format(
                        path=path, n=len(origins), header=norigins
                    )
                )
            data = IrrData(
                asn=int(header["asn"]),  # type: ignore[call-overload]
                as_sets=tuple(header["as_sets"]),  # type: ignore[arg-type]
                origins=origins,
                prefixes_v4=PrefixBlock(v4, n4),
                prefixes_v6=PrefixBlock(v6, n6),
                source=str(header["source"]),
                fetched_at=fetched_at,
                problems=tuple(header.get("problems") or ()),  # type: ignore[arg-type]
            )
            return data, str(header.get("version") or "")
        except (KeyError, TypeError, ValueError) as exc:
            raise CacheError(f"{path}: malformed cache entry: {exc}") from None


class RoaCache:
    """The last good set of ROAs read from an RPKI JSON file."""

    def __init__(self, directory: Path) -> None:
        self.path = Path(directory) / "rpki-roas.txt"

    def save(self, roas: Sequence[Roa], origin_file: Path) -> None:
        header = {"format": ROA_FORMAT, "count": len(roas), "file": str(origin_file)}
        body = "".join(f"{r.asn} {r.prefix} {r.max_length} {r.ta}\n" for r in roas)
        _write_atomic(self.path, [json.dumps(header), "\n", body, _END + "\n"])

    def load(self) -> tuple[Roa, ...] | None:
        if not self.path.exists():
            return None
        header, body = _read_header(self.path, ROA_FORMAT)
        lines = body.split("\n")
        count = header.get("count")
        if not isinstance(count, int) or len(lines) != count + 2 or lines[-2] != _END:
            raise CacheError(f"{self.path}: truncated")
        out = []
        for number, line in enumerate(lines[:count], start=2):
            parts = line.split(" ", 3)
            try:
                out.append(Roa(int(parts[0]), parts[1], int(parts[2]), parts[3]))
            except (IndexError, ValueError):
                raise CacheError(f"{self.path}:{number}: malformed ROA line") from None
        return tuple(out)
