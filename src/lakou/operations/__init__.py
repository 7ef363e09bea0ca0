"""Operations: the scheduled jobs of a production install and the record of their runs.

A job is a short list of ordinary ``lakou`` commands (``jobs.py``, no Django), run one
after the other as child processes, stopping at the first failure; systemd timers start
``lakou jobs run NAME``. Each run's start, end, outcome and message go to the
``JobRun`` table (``record.py``), which staff read on ``/operations/jobs/``, in
``lakou jobs last`` and in ``/metrics``.

The door for the command line and the portal:

- the jobs: :data:`JOBS` (name -> what it runs), :func:`run_job` (run one and record it;
  returns the ``JobRun`` row), :func:`last_runs` and :func:`latest_per_job` (the record),
  :func:`job_roll` and :func:`run_as_dict` (what ``lakou jobs list|last`` print);
- ``lakou doctor``: :func:`checkup` (a :class:`Checkup`: the checks and the verdict);
  :func:`run_checks` gives each :class:`Check`, whose status is :data:`CHECK_OK`,
  :data:`CHECK_WARN` or :data:`CHECK_FAIL`;
- :func:`metrics_view`, the portal's ``/metrics`` page.

Every name but :data:`JOBS`, :func:`checkup` and :func:`run_checks` needs Django set up.
Names are loaded on first use: importing the app's package imports no model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lakou.doors import lazy_door

if TYPE_CHECKING:
    from lakou.operations.doctor import FAIL as CHECK_FAIL
    from lakou.operations.doctor import OK as CHECK_OK
    from lakou.operations.doctor import WARN as CHECK_WARN
    from lakou.operations.doctor import Check, Checkup, checkup, run_checks
    from lakou.operations.jobs import JOBS
    from lakou.operations.metrics import metrics as metrics_view
    from lakou.operations.record import job_roll, last_runs, latest_per_job, run_as_dict
    from lakou.operations.record import run_and_record as run_job

_WHERE = {  # name -> "module" or "module:name there"
    "CHECK_FAIL": "doctor:FAIL",
    "CHECK_OK": "doctor:OK",
    "CHECK_WARN": "doctor:WARN",
    "Check": "doctor",
    "Checkup": "doctor",
    "checkup": "doctor",
    "run_checks": "doctor",
    "JOBS": "jobs",
    "metrics_view": "metrics:metrics",
    "job_roll": "record",
    "last_runs": "record",
    "latest_per_job": "record",
    "run_as_dict": "record",
    "run_job": "record:run_and_record",
}

__all__ = [
    "CHECK_FAIL",
    "CHECK_OK",
    "CHECK_WARN",
    "JOBS",
    "Check",
    "Checkup",
    "checkup",
    "job_roll",
    "last_runs",
    "latest_per_job",
    "metrics_view",
    "run_as_dict",
    "run_checks",
    "run_job",
]

__getattr__ = lazy_door(__name__, _WHERE)
