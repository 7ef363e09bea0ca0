"""The fuzz suite's tally: inputs tried per reader, accepted, refused with a clean error.

Printed at the end of the run (``pytest tests/fuzz``) and written as JSON to
``$LAKOU_FUZZ_REPORT`` when set, so the counts can be quoted.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from typing import Any

TALLY: dict[str, dict[str, int]] = defaultdict(lambda: {"tried": 0, "accepted": 0, "refused": 0})


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TALLY:
        return
    write = terminalreporter.write_line
    write("")
    write("fuzz through the command line: reader, inputs tried, accepted, clean errors")
    for reader in sorted(TALLY):
        row = TALLY[reader]
        write(f"  {reader:<22} {row['tried']:>6} {row['accepted']:>6} {row['refused']:>6}")
    total = sum(r["tried"] for r in TALLY.values())
    write(f"  {'total':<22} {total:>6}  (no traceback in any)")
    target = os.environ.get("LAKOU_FUZZ_REPORT")
    if target:
        with open(target, "w", encoding="utf-8") as handle:
            json.dump(dict(TALLY), handle, indent=2, sort_keys=True)
