"""Operations: the scheduled jobs of a production install and the record of their runs.

A job is a short list of ordinary ``lakou`` commands (``jobs.py``, no Django), run one
after the other as child processes, stopping at the first failure; systemd timers start
``lakou jobs run NAME``. Each run's start, end, outcome and message go to the
``JobRun`` table (``record.py``), which staff read on ``/operations/jobs/``, in
``lakou jobs last`` and in ``/metrics``. The one door for the CLI is :func:`run_job`.
"""

from __future__ import annotations

from typing import Any


def run_job(name: str, config: Any, config_path: str | None, echo: Any = None) -> Any:
    """Run the job ``name`` and record it; returns the ``JobRun`` row (Django set up)."""
    from lakou.operations.record import run_and_record

    return run_and_record(name, config, config_path, echo=echo)
