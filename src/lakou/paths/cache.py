"""A disk cache of the prefix indexes built from a data directory.

Building the IP→ASN and IP→country indexes of a data directory means parsing every
file (a RouteViews pfx2as of 14 MB is ~650,000 prefixes, several seconds) and flattening
the prefixes into ranges. The result is a handful of numpy arrays per index, so the
paths engine saves them once (``numpy.savez``, uncompressed: loading is a few memory
copies) and loads them on the next run instead of parsing again.

The cache file is named after the data directory and holds a *signature*: the path, size
and modification time of every source file the indexes were built from, the countries
asked for and a format version. A run whose signature differs (a file added, removed,
replaced or touched) rebuilds and overwrites the file. A cache that cannot be read (cut
short, not an npz, an array of :meth:`PrefixIndex.to_arrays` missing) is never
trusted: the indexes are rebuilt and the caller is told why through ``warn``.
"""

from __future__ import annotations

import hashlib
import json
import warnings
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

from lakou.i18n import gettext as _
from lakou.territory import DataDirLookup, PrefixIndex, discover, index_from_data_dir, save_arrays

FORMAT = 2  # bump when the file layout changes (2: PrefixIndex.to_arrays)
Warn = Callable[[str], None]


class IndexCacheWarning(UserWarning):
    """The index cache was unreadable or stale in a way worth telling the operator."""


def _warn(message: str) -> None:
    warnings.warn(message, IndexCacheWarning, stacklevel=3)


def source_files(data_dir: Path) -> list[Path]:
    """The files :func:`index_from_data_dir` builds its indexes from."""
    files = discover(data_dir)
    found = files.range_asn + files.ip2asn + files.pfx2as
    found += files.geofeed + files.range_country + files.rir
    return sorted(found)


def signature(data_dir: Path, countries: Iterable[str]) -> dict[str, Any]:
    """What the cached indexes depend on: every source file's path, size and mtime."""
    stamps = []
    for path in source_files(data_dir):
        stat = path.stat()  # follows symlinks: a replaced target changes the stamp
        stamps.append([str(path.resolve()), stat.st_size, stat.st_mtime_ns])
    return {"format": FORMAT, "countries": sorted(countries), "files": stamps}


def cache_path(cache_dir: Path, data_dir: Path) -> Path:
    digest = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return cache_dir / f"paths-index-{digest}.npz"


# ------------------------------------------------------------------ (de)serialising
# Each index writes itself (:meth:`PrefixIndex.to_arrays`) under its own key, ``i<n>.``,
# beside the meta (signature, description, how many routing and location indexes).


def save(path: Path, lookup: DataDirLookup, described: str, sig: dict[str, Any]) -> None:
    """Write atomically (a temporary file renamed into place): readers never see half."""
    arrays: dict[str, np.ndarray] = {}
    for n, index in enumerate([*lookup.routings, *lookup.locations]):
        arrays |= index.to_arrays(f"i{n}.")
    meta = {
        "signature": sig,
        "described": described,
        "routings": len(lookup.routings),
        "locations": len(lookup.locations),
    }
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    save_arrays(path, arrays)


def load(path: Path, sig: dict[str, Any]) -> tuple[DataDirLookup, str] | None:
    """The cached lookup, or ``None`` when the cache is for other files (stale).

    Raises ``ValueError`` (or ``OSError``) when the file is there but unreadable.
    """
    try:
        with path.open("rb") as stream, np.load(stream, allow_pickle=False) as archive:
            meta = json.loads(archive["meta"].tobytes().decode())
            if meta.get("signature") != sig:
                return None
            routings = int(meta["routings"])
            count = routings + int(meta["locations"])
            indexes = [PrefixIndex.from_arrays(archive, f"i{n}.") for n in range(count)]
    except (
        KeyError,
        zipfile.BadZipFile,
        json.JSONDecodeError,
        EOFError,
        UnicodeDecodeError,
    ) as exc:
        raise ValueError(f"{type(exc).__name__}: {exc}") from None
    return DataDirLookup(indexes[:routings], indexes[routings:]), str(meta["described"])


def cached_index_from_data_dir(
    data_dir: Path,
    countries: Iterable[str],
    cache_dir: Path | None,
    warn: Warn = _warn,
) -> tuple[DataDirLookup, str, str]:
    """Like :func:`index_from_data_dir`, through the cache in ``cache_dir`` (None: no cache).

    Returns the lookup, its description and what the cache did: ``"hit"``, ``"built"``
    (absent or stale: built and saved), ``"rebuilt"`` (unreadable: rebuilt, warned) or
    ``"off"``. ``ValueError`` as :func:`index_from_data_dir` when there is no IP file.
    """
    wanted = sorted({c.strip().upper() for c in countries})
    if cache_dir is None:
        lookup, described = index_from_data_dir(data_dir, wanted)
        return lookup, described, "off"
    sig = signature(data_dir, wanted)
    path = cache_path(cache_dir, data_dir)
    status = "built"
    if path.exists():
        try:
            found = load(path, sig)
        except (ValueError, OSError) as exc:
            warn(
                _("index cache {file} is unreadable ({error}): rebuilding it").format(
                    file=path, error=exc
                )
            )
            status = "rebuilt"
        else:
            if found is not None:
                return found[0], found[1], "hit"
    lookup, described = index_from_data_dir(data_dir, wanted)
    try:
        save(path, lookup, described, sig)
    except (OSError, TypeError) as exc:
        warn(_("cannot write the index cache {file}: {error}").format(file=path, error=exc))
    return lookup, described, status
