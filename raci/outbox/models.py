"""The transactional outbox: events saved with the change that caused them, and sent-notification keys."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

__all__ = ["OutboxEvent", "SentNotification"]


class OutboxEvent(models.Model):
    """Something that happened, saved in the same transaction as the change that caused it.

    Each handler runs for a row once; ``dispatched_at`` stays empty until all have, so an event
    whose enqueue was lost (broker down) or whose handler failed is found by the periodic sweep.
    """

    organization = models.ForeignKey(
        "orgs.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="outbox_events"
    )
    kind = models.CharField(max_length=64)
    payload = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # Handlers ("module.function") that completed; a retry runs only the others.
    handled = models.JSONField(default=list, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Handlers that failed in a way no retry can fix (raci.outbox.handlers.TRANSIENT_ERRORS says
    # which failures are retried); recorded with last_error, not run again.
    abandoned = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            # The sweep's query: undispatched events, oldest first; dispatched rows are not indexed.
            models.Index(
                fields=["created_at"],
                condition=models.Q(dispatched_at__isnull=True),
                name="outbox_undispatched_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(kind=""), name="outbox_kind_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class SentNotification(models.Model):
    """A key recorded when a notification was sent, so a retried or duplicated task sends nothing twice."""

    key = models.CharField(max_length=255, unique=True)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.key
