import sys

from benchmarks.paths.run import main
from benchmarks.paths.whole import run
from benchmarks.whole import in_process_heading

if "--quick" not in sys.argv:
    run()
    in_process_heading("the indexes built before the analysis is timed")
main()
