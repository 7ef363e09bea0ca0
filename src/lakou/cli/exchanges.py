"""The exchanges a command works on: the registry's, or those of files, or both.

Engines take :class:`lakou.exchange.Exchange` objects and never the database; this is the
one place the command line turns its options into them. ``--registry`` (or an exchange's
slug) reads the registry through Django, started only then, so a command on plain files
starts without it; each file is read by the command's reader (a members file, IX-F JSON),
whose errors already name the file and the place and end the command in one line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from lakou.cli.context import Context

if TYPE_CHECKING:  # a command given no file and no registry reads no exchange
    from lakou.exchange import Exchange

# A reader of one file: its exchanges, or a ValueError whose message names the file.
Reader = Callable[[str], Sequence["Exchange"]]


def read_members_file(path: str) -> list[Exchange]:
    """A members file of the flow engine: IX-F JSON, YAML or CSV (members and MACs)."""
    from lakou.flows import load_members

    return load_members(path)


def load_exchanges(
    ctx: Context,
    *,
    registry: bool = False,
    slug: str | None = None,
    files: Iterable[str | Path | None] = (),
    read: Reader = read_members_file,
) -> list[Exchange]:
    """The registry's exchanges (all with ``registry``, or only ``slug``), then those of
    each of ``files`` read with ``read`` (None and empty entries are skipped, so a command
    passes its option and its setting as they are).

    An unknown slug or an unreadable file ends the command with its one-line message.
    """
    found: list[Exchange] = []
    if registry or slug:
        ctx.setup_django()
        from lakou.registry import all_exchanges, exchange_view
        from lakou.registry.models import Exchange as ExchangeRow

        if slug:
            try:
                found.append(exchange_view(slug))
            except ExchangeRow.DoesNotExist as exc:
                raise click.ClickException(str(exc)) from None
        else:
            found += all_exchanges()
    for path in files:
        if not path:
            continue
        try:
            found += read(str(path))
        except ValueError as exc:  # the readers' errors (MembersFileError, SourceError)
            raise click.ClickException(str(exc)) from None
    return found
