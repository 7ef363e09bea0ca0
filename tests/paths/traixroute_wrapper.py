"""Run traIXroute 2.3 (test-only reference) with the three fixes it needs to run here.

Run with the Python of a venv where ``pip install --no-deps traixroute`` and its
runtime dependencies are installed. traIXroute 2.3, on its own bundled 2016 data:

1. stops at a blank line of its own ``configuration/additional_info.txt``
   ("Invalid syntax in line 20"): the blank lines are removed from the copy in $HOME;
2. raises ``KeyError`` for PCH exchange ids that appear in ``ixp_subnets.csv`` but not
   in ``ixp_exchange.csv`` (e.g. 141): missing ids map to empty names and regions;
3. "cleans" the broken PCH subnet ``200.0.22.0.0/23`` (OCIX) into ``0.22.0.0/23`` and
   then raises ``KeyError`` when it cannot find it again: that ``pop`` tolerates it.

With ``$LAKOU_TRAIXROUTE_DUMP`` set to a file, every rule that fires is also written
there as one JSON line (the traceroute's ``timestamp``, the 0-based hop index ``i`` the
rule window is centred on, the rule number, its assessment, the exchange names), and
one ``{"timestamp": t, "hops": n}`` line per traceroute read: what the differential
test compares, without parsing the text output.

It also tries to download fresh PeeringDB/PCH/RouteViews files first; offline, it says
so and falls back to the bundled data, which is what the differential test compares on.

Run as a script, it runs traIXroute's command line; imported (what
``benchmarks/paths/traixroute_analysis.py`` does), it only applies the fixes.
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

dump_file = os.environ.get("LAKOU_TRAIXROUTE_DUMP")
if dump_file:
    import json
    import threading

    from traixroute.controller import traixroute_output
    from traixroute.handler import handle_json

    _lock = threading.Lock()
    _current = threading.local()

    def _write(record: dict[str, Any]) -> None:
        with _lock, open(dump_file, "a") as stream:
            stream.write(json.dumps(record) + "\n")

    _export = handle_json.handle_json.export_trace_from_ripe_file

    def _export_recorded(self: Any, trace: Any) -> Any:
        out = _export(self, trace)
        _current.timestamp = trace.get("timestamp")
        _write({"timestamp": _current.timestamp, "hops": len(out[0])})
        return out

    handle_json.handle_json.export_trace_from_ripe_file = _export_recorded
    _print = traixroute_output.traixroute_output.print_result

    def _print_recorded(self: Any, *args: Any, **kwargs: Any) -> Any:
        # (asn_print, print_rule, cur_ixp_long, cur_ixp_short, cur_path_asn, path, i, j,
        #  num, ixp_short, cur_asmt, ...)
        short, path_asn, i, j, asmt = args[3], args[4], args[6], args[7], args[10]
        _write(
            {
                "timestamp": _current.timestamp,
                "i": i,
                "rule": j + 1,
                "assessment": asmt.replace(" ", ""),
                "names": list(short),
                "asns": list(path_asn),
            }
        )
        return _print(self, *args, **kwargs)

    traixroute_output.traixroute_output.print_result = _print_recorded
    from traixroute.detector import detection_rules

    _resolve = detection_rules.detection_rules.resolve_path

    def _resolve_recorded(self: Any, path: Any, output: Any, info: Any, db: Any, *rest: Any) -> Any:
        # traIXroute's own view of each hop: its type, its AS, and the exchanges the AS
        # is a member of (what its AS_M conditions test)
        members = {a: db.asnmemb.get(a, []) for a in info.asn_list if a != "*"}
        _write(
            {
                "timestamp": _current.timestamp,
                "types": info.type_vector,
                "asns": info.asn_list,
                "members": members,
            }
        )
        return _resolve(self, path, output, info, db, *rest)

    detection_rules.detection_rules.resolve_path = _resolve_recorded

if __name__ == "__main__":
    from traixroute.application import run_traixroute

    sys.exit(run_traixroute())
