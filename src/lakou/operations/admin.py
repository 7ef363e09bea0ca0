"""Job runs in the admin: read-only (the runs write them), filtered by job and outcome,
with a link to the jobs page."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from lakou.operations.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("job", "started_at", "ended_at", "outcome", "short_message")
    list_filter = ("outcome", "job")
    search_fields = ("job", "message")
    date_hierarchy = "started_at"
    readonly_fields = ("job", "started_at", "ended_at", "outcome", "message", "steps", "page")

    @admin.display(description=_("message"))
    def short_message(self, run: JobRun) -> str:
        return run.message if len(run.message) <= 120 else run.message[:119] + "…"

    @admin.display(description=_("Scheduled jobs"))
    def page(self, run: JobRun) -> SafeString:
        return format_html('<a href="{}">{}</a>', reverse("operations:jobs"), _("Scheduled jobs"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
