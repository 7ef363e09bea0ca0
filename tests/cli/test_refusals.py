"""``lakou.cli.refusals``: an engine's own errors become click's one-line errors, the
first rule that matches wins, and anything else goes through untouched."""

from __future__ import annotations

import sys

import click
import pytest
from click.testing import CliRunner

from lakou.cli.refusals import bad_parameter, one_line, refusals
from lakou.paths import PathsInputError
from lakou.whatif import NoAsRelError, UnknownAsError, WhatifInputError

_whatif = refusals(
    "lakou.whatif",
    UnknownAsError=bad_parameter,
    NoAsRelError=lambda exc: click.UsageError("give --asrel"),
    WhatifInputError=one_line,
)


def _raising(exc: BaseException):  # type: ignore[no-untyped-def]
    def command(x: int) -> int:
        raise exc

    return command


def test_the_first_matching_rule_wins() -> None:
    with pytest.raises(click.BadParameter, match=r"^AS42 is not in the graph$"):
        _whatif(_raising(UnknownAsError("AS42 is not in the graph")))(1)
    with pytest.raises(click.UsageError, match=r"^give --asrel$") as usage:
        _whatif(_raising(NoAsRelError("s.yml: no AS-relationship file")))(1)
    assert not isinstance(usage.value, click.BadParameter)
    with pytest.raises(click.ClickException, match=r"^g.txt:3: bad line$") as other:
        _whatif(_raising(WhatifInputError("g.txt:3: bad line")))(1)
    assert type(other.value) is click.ClickException and other.value.exit_code == 1


def test_other_errors_and_clicks_own_go_through() -> None:
    with pytest.raises(PathsInputError):  # another component's error: not this door's
        _whatif(_raising(PathsInputError("x")))(1)
    with pytest.raises(click.UsageError, match=r"^as it was$"):
        _whatif(_raising(click.UsageError("as it was")))(1)
    with pytest.raises(KeyboardInterrupt):
        _whatif(_raising(KeyboardInterrupt()))(1)


def test_the_command_runs_and_keeps_its_name_and_help() -> None:
    def command(x: int) -> int:
        """Its help."""
        return x + 1

    wrapped = refusals("lakou.paths", PathsInputError=one_line)(command)
    assert wrapped(1) == 2 and wrapped.__name__ == "command" and wrapped.__doc__ == "Its help."


def test_decorating_loads_no_engine_module() -> None:
    sys.modules.pop("lakou.territory.commands", None)
    refusals("lakou.territory", TerritoryInputError=one_line)(lambda: None)
    assert "lakou.territory.commands" not in sys.modules


def _lan_command(error: Exception) -> click.Command:
    @click.command()
    @refusals("lakou.lan", LanStoreError=one_line)
    def cmd() -> None:
        raise error

    return cmd


def test_a_refusal_ends_a_real_command_in_one_line_with_status_1() -> None:
    from lakou.lan import LanStoreError

    out = CliRunner().invoke(_lan_command(LanStoreError("store/lan: unreadable")))
    assert (out.exit_code, out.output) == (1, "Error: store/lan: unreadable\n")
    out = CliRunner().invoke(_lan_command(KeyError("x")))
    assert isinstance(out.exception, KeyError)


def test_a_rule_naming_an_error_the_door_lacks_fails_loudly() -> None:
    @click.command()
    @refusals("lakou.lan", NoSuchError=one_line)
    def cmd() -> None:
        raise ValueError("boom")

    with pytest.raises(AttributeError, match="NoSuchError"):
        CliRunner().invoke(cmd, catch_exceptions=False)
