"""lakou's own RPSL reader: IRR dump files into an :class:`IrrDatabase`, and a source on it.

An island cut off from the world must still rebuild its route-server filters, so lakou
reads the RPSL dumps that IRR databases publish (``ripe.db.route.gz``, ``arin.db`` ...) or
that the exchange keeps itself, without any IRR server. RFC 2622 syntax: objects are
separated by blank lines; ``attribute: value``; a line starting with a space, a tab or
``+`` continues the previous value; ``#`` starts a comment; ``%`` lines are server remarks.
Only the classes route filtering needs are kept: ``as-set`` (members, mbrs-by-ref,
mnt-by), ``aut-num`` (member-of, mnt-by), ``route`` and ``route6``.

Malformed objects are skipped, counted and reported with ``file:line`` (skipping one
narrows a client's filter, it never widens it). Files may be gzip-compressed.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import re
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from lakou.i18n import gettext as _
from lakou.routeserver.enrich.irrdb import IrrDatabase, parse_asn
from lakou.routeserver.enrich.model import IrrData, IrrRequest
from lakou.routeserver.enrich.prefixes import canonical_fast, sort_prefixes
from lakou.routeserver.enrich.sources import IrrError

KEPT_CLASSES = frozenset({"as-set", "aut-num", "route", "route6"})


@dataclass
class RpslObject:
    """One RPSL object: its attributes in order, and where it starts (for errors)."""

    attributes: list[tuple[str, str]]
    file: str = "<text>"
    line: int = 1

    @property
    def object_class(self) -> str:
        return self.attributes[0][0] if self.attributes else ""

    @property
    def key(self) -> str:
        return self.attributes[0][1] if self.attributes else ""

    def values(self, name: str) -> list[str]:
        return [value for attr, value in self.attributes if attr == name]

    def first(self, name: str) -> str | None:
        for attr, value in self.attributes:
            if attr == name:
                return value
        return None

    def list_values(self, name: str) -> list[str]:
        """Comma- or space-separated list attributes (members, mnt-by...) flattened."""
        out: list[str] = []
        for value in self.values(name):
            out.extend(token for token in re.split(r"[,\s]+", value) if token)
        return out


@dataclass
class ParseProblem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass
class RpslLoad:
    """A database read from RPSL, with what was skipped and why."""

    database: IrrDatabase
    objects: int = 0
    kept: int = 0
    problems: list[ParseProblem] = field(default_factory=list)


def _strip_comment(value: str) -> str:
    if "#" in value:
        value = value[: value.index("#")]
    return value.strip()


_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def parse_rpsl(
    lines: Iterable[str],
    file: str = "<text>",
    problems: list[ParseProblem] | None = None,
    *,
    first_line: int = 1,
) -> Iterator[RpslObject]:
    """Yield the objects of an RPSL text; malformed ones go to ``problems`` and are skipped.

    The loop body is kept flat on purpose: a full IRR dump is millions of lines.
    """
    attrs: list[tuple[str, str]] = []
    start = 0
    broken: str | None = None
    name_ok = _NAME_RE.fullmatch
    number = 0
    for number, raw in enumerate(lines, start=first_line):
        line = raw.rstrip("\r\n")
        if not line or line.isspace():
            if attrs:
                if broken is None:
                    yield RpslObject(attrs, file, start)
                elif problems is not None:
                    problems.append(ParseProblem(file, start, broken))
                attrs, broken = [], None
            continue
        first = line[0]
        if first == " " or first == "\t" or first == "+":
            if not attrs:
                if problems is not None:
                    problems.append(
                        ParseProblem(file, number, _("continuation line outside an object"))
                    )
                continue
            extra = _strip_comment(line[1:])
            if extra:
                name, value = attrs[-1]
                attrs[-1] = (name, f"{value} {extra}" if value else extra)
            continue
        if first == "%" or first == "#":
            continue  # server remarks and comments
        name, sep, value = line.partition(":")
        if not sep or name_ok(name) is None:
            if broken is None:
                broken = _("line {line}: not 'attribute: value'").format(line=number)
                if not attrs:
                    start = number
                    attrs.append(("", ""))  # keep the object open so the rest is skipped
            continue
        if not attrs:
            start = number
        attrs.append((name.lower(), _strip_comment(value)))
    if attrs:
        if broken is None:
            yield RpslObject(attrs, file, start)
        elif problems is not None:
            problems.append(ParseProblem(file, start, broken))


def _read_text(path: Path) -> str:
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        # a truncated download: EOFError, which click would print as a bare "Aborted!"
        raise IrrError(
            _("{file}: truncated or corrupt gzip file ({error}); download it again").format(
                file=path, error=exc or type(exc).__name__
            )
        ) from None
    text = raw.decode("utf-8", errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    # Whitespace-only lines separate objects too; emptying them keeps the line numbers.
    return _BLANKISH.sub("", text)


_BLANKISH = re.compile(r"(?m)^[ \t\r]+$")


def rpsl_files(path: Path) -> list[Path]:
    """The RPSL files under ``path`` (itself when a file), in name order, hidden ones skipped."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise FileNotFoundError(path)
    return sorted(
        p for p in path.rglob("*") if p.is_file() and not any(x.startswith(".") for x in p.parts)
    )


def _problem(load: RpslLoad, obj: RpslObject, message: str) -> None:
    where = f"{obj.object_class} {obj.key}: {message}"
    load.problems.append(ParseProblem(obj.file, obj.line, where))


def add_object(load: RpslLoad, obj: RpslObject, default_source: str) -> None:
    """Put one parsed object into the database, or record why it cannot be used."""
    db = load.database
    cls = obj.object_class
    if cls not in KEPT_CLASSES:
        return
    declared = (obj.first("source") or "").split()
    source = declared[0].upper() if declared else default_source

    if cls == "as-set":
        name = obj.key.split()[0].upper() if obj.key else ""
        if not name:
            _problem(load, obj, _("no set name"))
            return
        db.add_as_set(
            name,
            obj.list_values("members"),
            source=source,
            mbrs_by_ref=obj.list_values("mbrs-by-ref"),
            mnt_by=obj.list_values("mnt-by"),
        )
    elif cls == "aut-num":
        asn = parse_asn(obj.key)
        if asn is None:
            _problem(load, obj, _("not an AS number"))
            return
        db.add_aut_num(
            asn,
            source=source,
            member_of=obj.list_values("member-of"),
            mnt_by=obj.list_values("mnt-by"),
        )
    else:
        origin_text = obj.first("origin")
        origin = parse_asn(origin_text or "")
        if origin is None:
            _problem(load, obj, _("missing or invalid origin {value!r}").format(value=origin_text))
            return
        try:
            prefix = canonical_fast(obj.key)
        except ValueError as exc:
            _problem(load, obj, str(exc))
            return
        if (cls == "route6") != (":" in prefix):
            _problem(load, obj, _("address family does not match the object class"))
            return
        db.add_route(prefix, origin, source=source)
    load.kept += 1


def _add_simple_route(load: RpslLoad, block: str, default_source: str) -> bool:
    """Fast path for the common case, a plain route(6) object; False: use the full parser.

    IRR dumps are mostly route objects (1.5 million for the largest AS-SETs), so these
    skip building an :class:`RpslObject`. Anything unusual (continuations, comments,
    repeated or odd attributes, invalid values) goes through the full parser instead,
    which reports problems with their line numbers.
    """
    if "\n " in block or "\n\t" in block or "\n+" in block or "#" in block or "%" in block:
        return False
    lines = block.split("\n")
    cls, sep, key = lines[0].partition(":")
    if cls != "route" and cls != "route6":
        return False
    origin = source = None
    name_ok = _NAME_RE.fullmatch
    for line in lines[1:]:
        if not line:
            continue  # the end of the file
        name, sep, value = line.partition(":")
        if not sep or name_ok(name) is None:
            return False
        if name == "origin":
            if origin is not None:
                return False
            origin = value.strip()
        elif name == "source":
            source = value.strip()
    asn = parse_asn(origin) if origin else None
    if asn is None:
        return False
    try:
        prefix = canonical_fast(key.strip())
    except ValueError:
        return False
    if (cls == "route6") != (":" in prefix):
        return False
    words = source.split() if source else ()
    load.database.add_route(prefix, asn, source=words[0].upper() if words else default_source)
    load.objects += 1
    load.kept += 1
    return True


def _load_text(load: RpslLoad, text: str, file: str, default_source: str) -> None:
    line = 1
    for block in text.split("\n\n"):
        start = line
        line += block.count("\n") + 2
        if block[:1] == "\n":
            stripped = block.lstrip("\n")
            start += len(block) - len(stripped)
            block = stripped
        if not block or (block[:5] == "route" and _add_simple_route(load, block, default_source)):
            continue
        for obj in parse_rpsl(block.split("\n"), file, load.problems, first_line=start):
            load.objects += 1
            add_object(load, obj, default_source)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Millions of small objects make the cyclic GC rescan the heap over and over."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_rpsl(path: Path, *, default_source: str = "LOCAL") -> RpslLoad:
    """Read every RPSL file under ``path`` (a file or a directory) into a database."""
    load = RpslLoad(IrrDatabase())
    with _gc_paused():
        for file in rpsl_files(Path(path)):
            _load_text(load, _read_text(file), str(file), default_source)
    return load


class DatabaseSource:
    """IRR data from an :class:`IrrDatabase` already in memory (lakou's own expansion).

    ``sources`` orders the IRR sources like ``bgpq4 -S`` / IRRd ``!s`` (empty: all, in the
    order first seen).
    """

    def __init__(self, database: IrrDatabase | None, sources: Sequence[str] = ()) -> None:
        self._database = database
        self.sources = tuple(s.strip().upper() for s in sources if s.strip())

    @property
    def description(self) -> str:
        text = "irr-database"
        return f"{text} {','.join(self.sources)}" if self.sources else text

    def database(self) -> IrrDatabase:
        if self._database is None:
            raise IrrError(_("no IRR database loaded"))
        return self._database

    def load_problems(self) -> list[ParseProblem]:
        return []

    def fetch(self, request: IrrRequest) -> IrrData:
        db = self.database()
        unknown = [s for s in self.sources if s not in db.source_order]
        problems: list[str] = []
        if unknown:
            problems.append(
                _("IRR source(s) {names} not present in {where}").format(
                    names=",".join(unknown), where=self.description
                )
            )
        expansion = db.expand(request.as_sets, self.sources or None)
        problems += expansion.problems()
        skipped = self.load_problems()
        if skipped:
            problems.append(
                _("{count} malformed RPSL object(s) skipped, first: {first}").format(
                    count=len(skipped), first=skipped[0]
                )
            )
        origins = expansion.asns | {request.asn}
        return IrrData(
            asn=request.asn,
            as_sets=request.as_sets,
            origins=frozenset(origins),
            prefixes_v4=sort_prefixes(db.prefixes(origins, 4, self.sources or None), 4),
            prefixes_v6=sort_prefixes(db.prefixes(origins, 6, self.sources or None), 6),
            source=self.description,
            fetched_at=datetime.now(UTC),
            problems=tuple(problems),
        )


class RpslSource(DatabaseSource):
    """IRR data from local RPSL files (a file or a directory of dumps, gzip allowed).

    The files are read on the first fetch (constructors do no I/O), once per source object,
    and shared by all clients.
    """

    def __init__(
        self, directory: Path | str, sources: Sequence[str] = (), *, default_source: str = "LOCAL"
    ) -> None:
        super().__init__(None, sources)
        self.directory = Path(directory)
        self.default_source = default_source
        self._load: RpslLoad | None = None
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        text = f"rpsl {self.directory}"
        return f"{text} {','.join(self.sources)}" if self.sources else text

    def load(self) -> RpslLoad:
        with self._lock:
            if self._load is None:
                try:
                    self._load = load_rpsl(self.directory, default_source=self.default_source)
                except OSError as exc:
                    raise IrrError(
                        _("cannot read RPSL files at {path}: {error}").format(
                            path=self.directory, error=exc.strerror or exc
                        )
                    ) from None
            return self._load

    def database(self) -> IrrDatabase:
        return self.load().database

    def data_version(self) -> str:
        """A fingerprint of the files (names, sizes, modification times)."""
        digest = hashlib.sha256()
        for file in rpsl_files(self.directory):
            stat = file.stat()
            digest.update(f"{file}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        return digest.hexdigest()[:20]

    def load_problems(self) -> list[ParseProblem]:
        return self.load().problems
