"""The route-server engine's door, ``lakou.routeserver``: every name opens, and lazily.

Other components and the command line import only the door (``tests/test_doors.py``);
a name misspelt in its table would fail only when first used, so each is opened here. A
bare ``import lakou.routeserver`` loads none of the engine's modules: the portal's
looking glass does not pay for the renderers, a build not for the looking glass.
"""

from __future__ import annotations

import subprocess
import sys
from types import ModuleType

import pytest

import lakou.peeringdb
import lakou.routeserver


@pytest.mark.parametrize("door", [lakou.routeserver, lakou.peeringdb])
def test_every_name_of_the_door_opens(door: ModuleType) -> None:
    for name in door.__all__:
        assert getattr(door, name) is not None, f"{door.__name__}.{name}"


def test_a_name_not_in_the_door_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="lg_nothing"):
        getattr(lakou.routeserver, "lg_nothing")  # noqa: B009


def test_importing_the_door_loads_no_module_of_the_engine() -> None:
    code = (
        "import sys, lakou.routeserver\n"
        "print(sorted(m for m in sys.modules if m.startswith('lakou.routeserver.')))\n"
        "from lakou.routeserver import lg_neighbours\n"
        "print('lakou.routeserver.render.bird2' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["[]", "False"]
