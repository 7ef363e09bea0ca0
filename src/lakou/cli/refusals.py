"""An engine's refusals end a command in one line: ``@refusals("lakou.flows",
"FlowStoreError")`` turns those errors of the door into click's error (the message, exit
status 1, no traceback). The door is imported when the command runs, so listing its
errors costs the command line's start nothing."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def refusals(door: str, *names: str) -> Callable[[F], F]:
    """A command decorator: the errors ``names`` of ``door`` end the command with their
    message."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            module = importlib.import_module(door)
            kinds = tuple(getattr(module, name) for name in names)
            try:
                return command(*args, **kwargs)
            except kinds as exc:
                raise click.ClickException(str(exc)) from None

        return wrapper  # type: ignore[return-value]

    return decorate
