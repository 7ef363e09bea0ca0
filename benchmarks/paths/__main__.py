"""``python -m benchmarks.paths``: the whole commands (``lakou paths analyze`` against
traIXroute's ``import -ripejson``), then the analysis alone of each, same run."""

import sys

from benchmarks.paths.run import main
from benchmarks.paths.whole import run
from benchmarks.whole import in_process_heading

if "--quick" not in sys.argv:
    run()
    in_process_heading("each tool's data loaded before the analysis is timed, its JSON parsed")
main()
