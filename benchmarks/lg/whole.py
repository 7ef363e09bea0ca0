"""The looking glass as whole commands: ``lakou lg`` against ``birdc``, one process each.

While the benchmark's route servers run (see :mod:`benchmarks.lg.run`), each question is
asked of the first route server as a user or a looking-glass script asks it, a new process
per question, under GNU time (:mod:`benchmarks.whole`), medians of ``runs``:

- the neighbours: ``lakou lg --socket S --rs-asn N neighbours`` against
  ``birdc -s S show protocols all``;
- a prefix (exact): ``lakou lg ... search PREFIX`` against the two ``birdc`` commands the
  in-process reference asks (the accepted route in the master table, then the filtered
  ones in every table), run by one ``sh -c`` as a script would;
- an address (longest match): ``lakou lg ... search ADDRESS`` against
  ``birdc -s S show route for ADDRESS table masterN all`` (which gives the longest accepted
  match only: lakou also looks for the filtered routes at least as specific).

GNU time counts CPU in 10 ms ticks and one ``birdc`` costs less than one: each birdc
figure is therefore that of a ``sh -c`` running the question 20 times back to back, each a
new ``birdc`` process, divided by 20 (the ``sh`` is in it, about a millisecond a loop).

lakou's command pays the interpreter's start and its imports on every question; ``birdc``
is a small C program. The looking glass behind the portal is a long-running process (the
in-process lines), so these lines say what the command line costs, not the portal.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

from benchmarks.whole import Measure, compare, lakou, median_of, timed

BIRDC_REPEAT = 20  # birdc's questions asked back to back per timing (10 ms CPU ticks)


def _script(birdc: list[str], commands: list[str]) -> list[str]:
    """``birdc`` commands run ``BIRDC_REPEAT`` times by one ``sh -c``, as a looking-glass
    script runs them ("Network not found" makes birdc exit 1: the script ends with
    ``true``)."""
    once = " ; ".join(shlex.join([*birdc, c]) for c in commands)
    return ["sh", "-c", f"for i in $(seq {BIRDC_REPEAT}); do {once} ; done ; true"]


def _one_of(measure: Measure) -> Measure:
    """One question's share of ``BIRDC_REPEAT`` (the peak is one process's already)."""
    return Measure(
        measure.wall / BIRDC_REPEAT, measure.cpu / BIRDC_REPEAT, measure.peak_mb, measure.runs
    )


def _answers(birdc: list[str], command: str) -> None:
    """One ``birdc`` command answered (the script hides birdc's exit status)."""
    out = subprocess.run([*birdc, command], capture_output=True, text=True, check=False)
    if "ready" not in out.stdout:
        raise SystemExit(f"birdc {command}: {(out.stdout + out.stderr)[-500:]}")


def run(
    socket: Path, rs_asn: int, prefix: str, address: str, member: int, runs: int = 3
) -> list[dict[str, object]]:
    """The three whole-command lines on the route server behind ``socket`` (``member``: an
    ASN its neighbours must show)."""
    ask = ["lg", "--socket", str(socket), "--rs-asn", str(rs_asn)]
    birdc = ["birdc", "-s", str(socket)]
    shown = socket.parent / "lakou-lg-neighbours.txt"
    timed(lakou(*ask, "neighbours"), stdout=shown)  # untimed: bytecode, caches; checked
    if str(member) not in shown.read_text():
        raise SystemExit(f"lakou lg neighbours does not show AS{member}: {shown.read_text()}")
    table = {text: "master6" if ":" in text else "master4" for text in (prefix, address)}
    exact = [
        f"show route {prefix} table {table[prefix]} all",
        f"show route {prefix} table all filtered all",
    ]
    longest = [f"show route for {address} table {table[address]} all"]
    for command in (*exact, *longest):
        _answers(birdc, command)
    cases = (
        (
            "neighbours of one route server",
            ["neighbours"],
            _script(birdc, ["show protocols all"]),
            "birdc from one sh",
        ),
        (
            "a prefix (exact), one route server",
            ["search", prefix],
            _script(birdc, exact),
            "birdc: two commands (accepted, then filtered) from one sh",
        ),
        (
            "an address (longest match), one route server",
            ["search", address],
            _script(birdc, longest),
            "birdc from one sh, the longest accepted match only",
        ),
    )
    results = []
    for case, ours_args, theirs_cmd, note in cases:
        ours = median_of(lakou(*ask, *ours_args), runs)
        theirs = _one_of(median_of(theirs_cmd, runs))
        # the ratios are far below 0.01, which the summary's two decimals print as 0.00:
        # the case names how many times birdc's CPU lakou's question costs
        tick = 0.01 / BIRDC_REPEAT  # birdc's 20 questions took less than one tick
        times = f"{ours.cpu / theirs.cpu:,.0f}x" if theirs.cpu else f"over {ours.cpu / tick:,.0f}x"
        case = f"{case} (lakou {times} birdc's CPU)"
        note = f"{note}; birdc {1000 * theirs.cpu:.1f} ms of CPU a question"
        results.append(compare("lg", case, ours, theirs, "birdc", note=note))
    return results
