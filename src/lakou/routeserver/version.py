"""Which daemon version a config is written for: detected from the binary or given.

BIRD's syntax grew across 2.0.x (BGP roles in 2.0.11, ``[]`` for an empty set in 2.0.11);
a config written for a newer BIRD than the one running is refused at reload, which is
how arouteserver's default target breaks Debian's 2.0.12. lakou writes for the version it
finds (``bird --version``) or is told (``--target-version``), 2.0.12 when neither.
"""

from __future__ import annotations

import re
import shutil
import subprocess

DEFAULT_BIRD = (2, 0, 12)
DEFAULT_OPENBGPD = (7, 7)
MIN_BIRD = (2, 0, 8)

_VERSION_RE = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


class VersionError(Exception):
    pass


def parse_version(text: str) -> tuple[int, ...]:
    """``2.0.12`` or ``BIRD version 2.0.12`` → (2, 0, 12)."""
    match = _VERSION_RE.search(text)
    if not match:
        raise VersionError(f"not a version: {text!r}")
    parts = [int(g) for g in match.groups() if g is not None]
    return tuple(parts)


def detect_bird_version(binary: str = "bird") -> tuple[int, ...] | None:
    """The installed BIRD's version, or None when there is no BIRD here."""
    path = shutil.which(binary)
    if path is None:
        return None
    try:
        proc = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    try:
        return parse_version(proc.stderr + proc.stdout)
    except VersionError:
        return None


def bird_target(given: str | None, binary: str = "bird") -> tuple[int, ...]:
    """The BIRD version to write for: given, else detected, else 2.0.12."""
    version = parse_version(given) if given else (detect_bird_version(binary) or DEFAULT_BIRD)
    if version[0] != 2:
        raise VersionError(f"BIRD {'.'.join(map(str, version))}: lakou writes for BIRD 2.x")
    if version < MIN_BIRD:
        raise VersionError(
            f"BIRD {'.'.join(map(str, version))} is too old: lakou needs 2.0.8 or newer"
        )
    return version


def openbgpd_target(given: str | None) -> tuple[int, ...]:
    version = parse_version(given) if given else DEFAULT_OPENBGPD
    if version < (7, 7):
        raise VersionError("lakou writes for OpenBGPD 7.7 or newer")
    return version
