"""The doors of ports, watch, accounts and portal: every name opens, and importing a door
loads none of its modules (a Django app's door imports no model)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

DOORS = ["ports", "watch", "accounts", "portal"]


@pytest.mark.parametrize("component", DOORS)
def test_every_name_of_the_door_opens(component: str) -> None:
    door = importlib.import_module(f"lakou.{component}")
    for name in door.__all__:
        assert getattr(door, name) is not None, f"lakou.{component}.{name}"
    with pytest.raises(AttributeError):
        door.no_such_name  # noqa: B018


def test_importing_the_doors_loads_none_of_their_modules() -> None:
    code = (
        "import sys\n"
        f"for c in {DOORS!r}:\n"
        "    __import__('lakou.' + c)\n"
        f"inside = tuple('lakou.' + c + '.' for c in {DOORS!r})\n"
        "print(sorted(m for m in sys.modules if m.startswith(inside)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
