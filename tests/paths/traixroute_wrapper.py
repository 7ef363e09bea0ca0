"""Run traIXroute 2.3 (test-only reference) with the three fixes it needs to run here.

Run with the Python of a venv where ``pip install --no-deps traixroute`` and its
runtime dependencies are installed. traIXroute 2.3, on its own bundled 2016 data:

1. stops at a blank line of its own ``configuration/additional_info.txt``
   ("Invalid syntax in line 20"): the blank lines are removed from the copy in $HOME;
2. raises ``KeyError`` for PCH exchange ids that appear in ``ixp_subnets.csv`` but not
   in ``ixp_exchange.csv`` (e.g. 141): missing ids map to empty names and regions;
3. "cleans" the broken PCH subnet ``200.0.22.0.0/23`` (OCIX) into ``0.22.0.0/23`` and
   then raises ``KeyError`` when it cannot find it again: that ``pop`` tolerates it.

It also tries to download fresh PeeringDB/PCH/RouteViews files first; offline, it says
so and falls back to the bundled data, which is what the differential test compares on.
"""

from __future__ import annotations

import collections
import os
import shutil
import sys
from typing import Any

import traixroute
from traixroute.handler import handle_complementary, handle_pch

home = os.path.expanduser("~") + "/traixroute"
package = os.path.dirname(traixroute.__file__)
if not os.path.exists(home + "/configuration"):
    shutil.copytree(package + "/configuration", home + "/configuration")
info = home + "/configuration/additional_info.txt"
with open(info) as handle:
    lines = [line for line in handle if line.strip()]
with open(info, "w") as handle:
    handle.writelines(lines)

_pch_sub = handle_pch.pch_handle.pch_handle_sub


def _pch_sub_tolerant(self: Any, reserved_tree: Any, long_mem: Any, region: Any) -> Any:
    return _pch_sub(
        self,
        reserved_tree,
        collections.defaultdict(str, long_mem),
        collections.defaultdict(lambda: ["", ""], region),
    )


handle_pch.pch_handle.pch_handle_sub = _pch_sub_tolerant


class _TolerantDict(dict):  # type: ignore[type-arg]
    def pop(self, key: Any, *default: Any) -> Any:
        return super().pop(key, None)


_tree = handle_complementary.Subnet_handle.Subnet_tree


def _tree_tolerant(self: Any, a: Any, b: Any, c: Any, subnet2country: Any) -> Any:
    return _tree(self, a, b, c, _TolerantDict(subnet2country))


handle_complementary.Subnet_handle.Subnet_tree = _tree_tolerant

from traixroute.application import run_traixroute  # noqa: E402

sys.exit(run_traixroute())
