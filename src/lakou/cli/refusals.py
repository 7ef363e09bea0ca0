"""An engine's refusals end a command in one line: the decorator every command group shares.

An engine refuses what it cannot use with its own errors, whose message already names the
file and the place (``WhatifInputError``, ``TerritoryInputError``, ``PathsInputError``...).
:func:`refusals` turns them into click's exceptions around a command, so the command's
body stays parse, call, print: ``@refusals("lakou.paths", PathsInputError=one_line)``.
The error classes are looked up on the component's door only when one is raised, so
decorating a command loads no engine.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any, TypeVar, cast

import click

__all__ = ["Rule", "bad_parameter", "one_line", "refusals"]

F = TypeVar("F", bound=Callable[..., Any])
Rule = Callable[[Exception], click.ClickException]  # an engine's error -> click's


def one_line(exc: Exception) -> click.ClickException:
    """The error's message, alone on one line (exit status 1)."""
    return click.ClickException(str(exc))


def bad_parameter(exc: Exception) -> click.ClickException:
    """The error's message as a bad parameter (the usage line first, exit status 2)."""
    return click.BadParameter(str(exc))


def refusals(door: str, **rules: Rule) -> Callable[[F], F]:
    """Decorate a command so that each error named in ``rules`` (an error class the
    component ``door`` exports; the first that matches wins: name subclasses first) is
    raised again as its rule makes it."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return command(*args, **kwargs)
            except click.ClickException:
                raise
            except Exception as exc:
                component = importlib.import_module(door)
                for name, rule in rules.items():
                    if isinstance(exc, getattr(component, name)):
                        raise rule(exc) from None
                raise

        return cast(F, wrapper)

    return decorate
