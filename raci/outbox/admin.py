from __future__ import annotations

from django.contrib import admin

from orgs.admin import ReadOnlyAdmin
from raci.outbox.models import OutboxEvent
from raci.outbox.tasks import outbox_retry_abandoned


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at", "kind", "organization", "dispatched_at", "attempts", "abandoned", "last_error"
    ]  # fmt: skip
    actions = ["retry_abandoned"]
    list_filter = ["kind"]
    list_select_related = ["organization"]

    @admin.action(description="Run given-up handlers again (after the cause is fixed)")
    def retry_abandoned(self, request, queryset) -> None:
        events = list(queryset.exclude(abandoned=[]).values_list("pk", flat=True))
        for event_id in events:
            outbox_retry_abandoned(event_id=event_id)
        self.message_user(request, f"{len(events)} event(s) queued again.")
