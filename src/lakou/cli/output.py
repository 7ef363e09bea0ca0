"""The console every command prints its tables on.

On a terminal, the terminal's width. Anywhere else (a pipe, a file, ``| less``, a test),
Rich would assume 80 columns and cut cells ("demo-saint-…"): there the console is as
wide as the widest line, so piped output is always complete; machine formats
(``--format json``) remain the way for programs.
"""

from __future__ import annotations

from typing import IO

from rich.console import Console

# Wide enough for any table lakou prints; a table is only as wide as its content.
PIPE_WIDTH = 1000


def console(*, stderr: bool = False, file: IO[str] | None = None) -> Console:
    """A Console on stdout (or ``stderr``/``file``) that never truncates when not a TTY."""
    made = Console(stderr=stderr, file=file)
    if made.is_terminal:
        return made
    return Console(stderr=stderr, file=file, width=PIPE_WIDTH)
