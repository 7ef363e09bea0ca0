"""The lazy door of a component: its ``__init__`` names what it offers, loaded on use.

A component's package lists its exports as ``name -> "submodule"`` (or
``"submodule:attribute"`` when the name differs) and sets ``__getattr__ =
lazy_door(__name__, WHERE)``: ``from lakou.flows import open_store`` then imports
``lakou.flows.store`` only at that moment, so reading one component's settings, or running
one command, does not load the others' modules.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_door(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``package`` for the names of ``where``."""

    def __getattr__(name: str) -> Any:
        spot = where.get(name)
        if spot is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, _sep, attribute = spot.partition(":")
        return getattr(importlib.import_module(f"{package}.{module}"), attribute or name)

    return __getattr__
