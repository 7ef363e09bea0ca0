"""One row per run of a scheduled job: when, how it ended, and why."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    OUTCOMES = [
        ("running", _("running")),
        ("succeeded", _("succeeded")),
        ("failed", _("failed")),
    ]

    job = models.CharField(_("job"), max_length=64, db_index=True)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=OUTCOMES, default="running")
    message = models.TextField(_("message"), blank=True)
    steps = models.TextField(_("commands run"), blank=True)  # one command line a line

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"], name="operations_job_started")]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"

    @property
    def duration(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()
