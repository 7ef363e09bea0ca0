"""``lakou jobs``: run a scheduled job and read the record of the runs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import gettext as _
from lakou.i18n import language
from lakou.operations import JOBS

if TYPE_CHECKING:
    from lakou.operations.models import JobRun


@click.group()
def cli() -> None:
    """Scheduled jobs: run one, list them, show the last runs."""


@cli.command("run")
@click.argument("name", type=click.Choice(sorted(JOBS)))
@pass_context
def run(ctx: Context, name: str) -> None:
    """Run the job NAME now and record its start, end, outcome and message.

    Exits non-zero when the job failed (systemd then marks the unit failed)."""
    with language(ctx.lang):
        ctx.setup_django()
        from lakou.operations import run_job

        record = run_job(name, ctx.config, ctx.config_path, echo=click.echo)
        line = f"{name}: {record.get_outcome_display()}: {record.message}"
        if record.outcome != "succeeded":
            raise click.ClickException(line)
        click.echo(line)


@cli.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_context
def list_jobs(ctx: Context, fmt: str) -> None:
    """The jobs, what each does, and how its last run ended."""
    with language(ctx.lang):
        ctx.setup_django()
        from lakou.operations import job_roll

        rows = job_roll()
        if fmt == "json":
            click.echo(json.dumps(rows, indent=2))
            return
        for row in rows:
            state = _(row["last_outcome"]) if row["last_outcome"] else _("never run")
            click.echo(f"{row['job']:<18} {state:<10} {row['description']}")


@cli.command("last")
@click.argument("name", required=False, type=click.Choice(sorted(JOBS)))
@click.option("--limit", default=10, show_default=True, help="How many runs.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@pass_context
def last(ctx: Context, name: str | None, limit: int, fmt: str) -> None:
    """The last runs (of every job, or of NAME), newest first."""
    with language(ctx.lang):
        ctx.setup_django()
        from lakou.operations import last_runs, run_as_dict

        runs = last_runs(name, limit)
        if fmt == "json":
            click.echo(json.dumps([run_as_dict(r) for r in runs], indent=2))
            return
        _print_runs(runs)


def _print_runs(runs: list[JobRun]) -> None:
    if not runs:
        click.echo(_("no run recorded yet"))
    for r in runs:
        took = f"{r.duration:.1f}s" if r.duration is not None else "-"
        state = _(r.outcome)
        click.echo(
            f"{r.started_at:%Y-%m-%d %H:%M:%S} {r.job:<18} {state:<10} {took:>8}  {r.message}"
        )
