"""Files lakou keeps for itself are its own: directories 0700, database and key files 0600.

The registry database holds the members' contacts and (encrypted) BGP passwords, the
flow store who talks to whom: nobody else on the machine reads them. These helpers
create what is missing with those modes (whatever the umask) and tighten a database or
key file lakou created earlier with wider ones; they never loosen anything, and leave an
existing directory as the operator made it (a web server may be meant to read static/).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) as directories only their owner can enter."""
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for directory in reversed(missing):
        try:
            directory.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile by another process: theirs
        directory.chmod(0o700)  # mkdir's mode goes through the umask
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 if absent (SQLite accepts an empty file)."""
    path = Path(path)
    if not path.parent.exists():
        private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        _tighten(path, 0o600)
    else:
        os.close(fd)
    return path


def _tighten(path: Path, mode: int) -> None:
    """Drop group and other permissions from something we own; leave others' alone."""
    try:
        info = path.stat()
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
            path.chmod(stat.S_IMODE(info.st_mode) & mode)
    except OSError:
        pass  # not ours to change (read-only mount, another owner): left as found
