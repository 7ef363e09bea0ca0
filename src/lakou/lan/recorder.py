"""The LAN hygiene sink the flow pipeline feeds: :func:`lan_recorder`, and nothing more.

``lakou flows replay`` and ``collect`` hand this function to the flow engine whether or
not the LAN tables are kept (``--no-lan``), so importing it must cost nothing: the
recorder, its store and numpy, pyarrow and DuckDB are imported when a recorder is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lakou.lan.observe import LanRecorder


def lan_recorder(store_dir: str | Path) -> LanRecorder:
    """The sink the flow pipeline feeds, writing under ``store_dir/lan``."""
    from lakou.lan.observe import LanRecorder
    from lakou.lan.store import LanStore

    return LanRecorder(LanStore(Path(store_dir)))
