import sys

from benchmarks.territory.run import main
from benchmarks.territory.whole import run
from benchmarks.whole import in_process_heading

if "--quick" not in sys.argv:
    run()
    in_process_heading("the index built and its numba kernel loaded before lookups are timed")
main()
