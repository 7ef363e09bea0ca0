"""Each command of the CLI is short: it parses, makes one engine call, prints.

Issue 10's rule for ``src/lakou/cli``: the logic of a command (what is an error, which
exit code, defaults, wiring of stores and daemons) lives in its component, behind the
component's door; the command reads its options, calls the door once and prints the
typed result it gets back (printing may go through small render functions of the same
module). The test reads every module of the CLI with :mod:`ast` and fails on a command
whose body (the statements after its docstring) is longer than ``MOST_LINES`` lines, or
that catches every exception itself (``except Exception``: the CLI's error boundary in
``lakou.cli.errors`` turns refusals into one line, commands do not sort exceptions).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import lakou

CLI = Path(lakou.__file__).parent / "cli"
MOST_LINES = 25


def commands() -> Iterator[tuple[str, ast.FunctionDef]]:
    """Every function of the CLI decorated as a click command or group."""
    for module in sorted(CLI.glob("*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"), filename=str(module))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            decorators = [ast.unparse(d) for d in node.decorator_list]
            if any(
                ".command" in d or ".group" in d or d.startswith(("command", "group"))
                for d in decorators
            ):
                yield f"{module.name}:{node.name}", node


def body(node: ast.FunctionDef) -> list[ast.stmt]:
    """The statements after the docstring."""
    statements = node.body
    first = statements[0] if statements else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        statements = statements[1:]
    return statements


def lines_of(statements: list[ast.stmt]) -> int:
    if not statements:
        return 0
    return (statements[-1].end_lineno or statements[-1].lineno) - statements[0].lineno + 1


COMMANDS = dict(commands())


def test_the_cli_has_commands() -> None:
    """The reader finds the commands (a reader finding none would pass everything)."""
    assert len(COMMANDS) > 50
    assert "rs.py:build" in COMMANDS and "flows.py:replay" in COMMANDS


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_command_body_is_short(name: str) -> None:
    lines = lines_of(body(COMMANDS[name]))
    assert lines <= MOST_LINES, (
        f"{name} has a body of {lines} lines (at most {MOST_LINES}): move the logic into its "
        "component behind the door, and the printing into a render function"
    )


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_command_does_not_sort_exceptions(name: str) -> None:
    for node in ast.walk(ast.Module(body=body(COMMANDS[name]), type_ignores=[])):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            caught = ast.unparse(node.type)
            assert caught not in {"Exception", "BaseException"}, (
                f"{name} catches {caught}: refusals are the component's typed errors, "
                "turned into one line by lakou.cli.errors"
            )
        if isinstance(node, ast.ExceptHandler) and node.type is None:
            pytest.fail(f"{name} has a bare except")


def test_the_rule_can_fail() -> None:
    """A long command and one that sorts exceptions are both seen."""
    source = "@group.command()\ndef long():\n    '''Doc.'''\n" + "    x = 1\n" * (MOST_LINES + 1)
    source += "@group.command()\ndef sorts():\n    try:\n        pass\n"
    source += "    except Exception:\n        pass\n"
    tree = ast.parse(source)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert lines_of(body(functions[0])) == MOST_LINES + 1
    handlers = [n for n in ast.walk(functions[1]) if isinstance(n, ast.ExceptHandler)]
    assert handlers and ast.unparse(handlers[0].type) == "Exception"
