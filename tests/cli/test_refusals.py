"""``refusals``: a door's errors end a command in one line; other errors pass through."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from lakou.cli.refusals import refusals


def _command(error: Exception) -> click.Command:
    @click.command()
    @refusals("lakou.lan", "LanStoreError")
    def cmd() -> None:
        raise error

    return cmd


def test_the_doors_error_is_one_line_with_status_1() -> None:
    from lakou.lan import LanStoreError

    out = CliRunner().invoke(_command(LanStoreError("store/lan: unreadable")))
    assert (out.exit_code, out.output) == (1, "Error: store/lan: unreadable\n")


def test_another_error_is_not_swallowed() -> None:
    out = CliRunner().invoke(_command(KeyError("x")))
    assert isinstance(out.exception, KeyError)


def test_a_name_the_door_lacks_fails_loudly() -> None:
    @click.command()
    @refusals("lakou.lan", "NoSuchError")
    def cmd() -> None:
        """Never reached."""

    with pytest.raises(AttributeError, match="NoSuchError"):
        CliRunner().invoke(cmd, catch_exceptions=False)
