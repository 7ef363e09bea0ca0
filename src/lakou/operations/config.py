"""Scheduled jobs and their records (section ``jobs`` of lakou.yml)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Config(BaseModel):
    model_config = ConfigDict(extra="forbid")

    backup_dir: Path | None = Field(
        default=None,
        description="Where the backup job writes (default <data_dir>/backups; "
        "the production install sets /var/backups/lakou).",
    )
    keep_runs: int = Field(
        default=500, ge=10, description="Runs kept per job in the record (older ones deleted)."
    )
    step_timeout: float = Field(
        default=3600.0, gt=0, description="Seconds one step of a job may take before it fails."
    )
