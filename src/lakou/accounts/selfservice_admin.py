"""Staff read the self-service audit log in the admin, and approve or refuse waiting changes.

The rows are the record of what members did: nobody adds, edits or deletes one here;
the two actions go through :mod:`lakou.accounts.selfservice` (approval replays and
validates the change again) like the staff page ``/members/changes/``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lakou.accounts import selfservice as ss
from lakou.accounts.changes import APPLIED, Change


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    list_display = ["created", "network", "username", "via", "kind", "target", "status"]
    list_filter = ["status", "kind", "via", "exchange"]
    search_fields = ["username", "target", "network__name", "network__asn"]
    date_hierarchy = "created"
    readonly_fields = [f.name for f in Change._meta.fields]
    actions = ["approve", "refuse"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # read-only; the actions decide

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Approve the selected waiting changes"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Change]) -> None:
        done = failed = 0
        for change in queryset.filter(status="pending").order_by("created", "id"):
            ss.approve(change, request.user)
            if change.status == APPLIED:
                done += 1
            else:
                failed += 1
                self.message_user(request, f"{change}: {change.message}", messages.WARNING)
        self.message_user(
            request,
            _("%(done)d applied, %(failed)d not applied.") % {"done": done, "failed": failed},
        )

    @admin.action(description=gettext_lazy("Refuse the selected waiting changes"))
    def refuse(self, request: HttpRequest, queryset: QuerySet[Change]) -> None:
        count = 0
        for change in queryset.filter(status="pending"):
            ss.refuse(change, request.user)
            count += 1
        self.message_user(request, _("%(count)d refused.") % {"count": count})
