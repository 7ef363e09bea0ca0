"""``lakou jobs``: run a scheduled job and read the record of the runs."""

from __future__ import annotations

import json

import click

from lakou.cli.context import Context, pass_context
from lakou.i18n import gettext as _
from lakou.i18n import language
from lakou.operations import JOBS


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
        _list_jobs(ctx, fmt)


def _list_jobs(ctx: Context, fmt: str) -> None:
    ctx.setup_django()
    from lakou.operations import latest_per_job

    latest = latest_per_job()
    rows = []
    for name, job in JOBS.items():
        last, ok = latest[name]["last"], latest[name]["last_success"]
        rows.append(
            {
                "job": name,
                "description": _(job.description),
                "last_outcome": last.outcome if last else None,
                "last_started": last.started_at.isoformat() if last else None,
                "last_success": ok.ended_at.isoformat() if ok and ok.ended_at else None,
            }
        )
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
        _last(ctx, name, limit, fmt)


def _last(ctx: Context, name: str | None, limit: int, fmt: str) -> None:
    ctx.setup_django()
    from lakou.operations import last_runs

    runs = last_runs(name, limit)
    if fmt == "json":
        out = [
            {
                "job": r.job,
                "started_at": r.started_at.isoformat(),
                "ended_at": r.ended_at.isoformat() if r.ended_at else None,
                "outcome": r.outcome,
                "message": r.message,
                "steps": r.steps.splitlines(),
            }
            for r in runs
        ]
        click.echo(json.dumps(out, indent=2))
        return
    if not runs:
        click.echo(_("no run recorded yet"))
    for r in runs:
        took = f"{r.duration:.1f}s" if r.duration is not None else "-"
        state = _(r.outcome)
        click.echo(
            f"{r.started_at:%Y-%m-%d %H:%M:%S} {r.job:<18} {state:<10} {took:>8}  {r.message}"
        )
