"""Webhook endpoints, their deliveries and every attempt.

Behaviour lives in raci/delivery/webhooks.py (endpoints, fan-out) and raci/delivery/sending.py
(signing and one attempt).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from raci.outbox.models import OutboxEvent

__all__ = [
    "CHAT_EVENTS",
    "WEBHOOK_EVENTS",
    "AcknowledgementReminder",
    "ChatChannel",
    "ChatMessage",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]

# The event kinds an endpoint may subscribe to; other outbox kinds are never sent to webhooks.
# assignment.changed: cells; matrix.changed: anything else about a matrix (created, renamed, tasks,
# columns, restored); matrix.deleted; matrix.published; signoff.completed.
WEBHOOK_EVENTS = (
    "matrix.published",
    "assignment.changed",
    "matrix.changed",
    "matrix.deleted",
    "signoff.completed",
)


class WebhookEndpoint(models.Model):
    """A URL an organization's owners registered to receive signed event POSTs."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    # Validated by raci.delivery.webhooks.webhook_url_validate: http(s), a host, no credentials, and
    # (raci.delivery.targets) a public address, checked again at every attempt. Not a URLField: its
    # validator refuses single-label hosts (http://receiver:8080/), common inside a network.
    url = models.CharField(max_length=2000)
    # Kept in clear: it is the HMAC key for every delivery. Shown to the owner once, at creation.
    secret = models.CharField(max_length=128)
    # Event kinds (WEBHOOK_EVENTS) this endpoint receives; empty means every kind.
    events = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    # The owner's choice to keep a short excerpt of each answer in the delivery log; otherwise only
    # status code, error and timing are kept.
    log_response_excerpt = models.BooleanField(default=False)
    # Failed deliveries (after all their retries) in a row; a success resets it.
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active=False) | models.Q(disabled_at__isnull=True),
                name="webhook_endpoint_active_not_disabled",
            ),
        ]

    def __str__(self) -> str:
        return self.url

    def receives(self, kind: str) -> bool:
        return kind in WEBHOOK_EVENTS and (not self.events or kind in self.events)


class WebhookDelivery(models.Model):
    """One event for one endpoint: the payload sent, its state, and when the next attempt is due."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    # The delivery keeps its own copy of kind and payload, so pruning old outbox rows loses nothing.
    event = models.ForeignKey(
        OutboxEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="webhook_deliveries"
    )
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=64)
    payload = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Attempts in the current round (a redelivery starts a new round; WebhookAttempt keeps them all).
    attempts = models.PositiveIntegerField(default=0)
    # Pending: when the next attempt is due (also a lease while an attempt is in flight).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_pending_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_once_per_event"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "succeeded", "failed"]),
                name="webhook_delivery_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.delivery_id}"


class WebhookAttempt(models.Model):
    """One POST of a delivery: what came back (status code) or what went wrong (error)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    # Written by the sender, never from the answer's body or reason phrase.
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    # The start of the answer, without control characters, when the endpoint's owner opted in
    # (WebhookEndpoint.log_response_excerpt).
    response_excerpt = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.status_code or self.error[:40]} at {self.at:%Y-%m-%d %H:%M:%S}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error


# Chat channels -----------------------------------------------------------------------------

# What a chat channel may receive (raci/delivery/chat.py maps outbox events onto them).
CHAT_EVENTS = {
    "publication": "A revision is published: what changed, for whom",
    "signoff.requested": "A published revision asks for sign-off",
    "signoff.decided": "Everyone asked has decided on a revision",
    "review.due": "A matrix is due for its review",
    "acknowledgement.reminder": "People are reminded to acknowledge a published revision",
    "discussion": "Someone is @mentioned in a draft's discussion",
}
CHAT_EVENT_CHOICES = list(CHAT_EVENTS)


class ChatChannel(models.Model):
    """A Slack (incoming webhook) or Microsoft Teams (workflow webhook) channel an organization's
    owners connected, with the events it receives."""

    class Platform(models.TextChoices):
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="chat_channels"
    )
    platform = models.CharField(max_length=10, choices=Platform.choices)
    name = models.CharField(max_length=100)
    # Empty: the whole organization (every matrix's events). A team: the events of matrices of that
    # team and of the teams under it. RESTRICT: deleting a team that has channels is refused
    # (orgs.teams.team_delete says so); merging a team moves its channels (chat.py).
    team = models.ForeignKey(
        "orgs.Team", null=True, blank=True, on_delete=models.RESTRICT, related_name="chat_channels"
    )
    # The webhook URL is the channel's credential (anyone holding it can post there): pages and the
    # API show only its host (``url_hint``). Checked like webhook URLs (raci/delivery/targets.py).
    url = models.CharField(max_length=2000)
    events = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(active=False) | models.Q(disabled_at__isnull=True),
                name="chat_channel_active_not_disabled",
            ),
            models.CheckConstraint(
                condition=models.Q(platform__in=["slack", "teams"]), name="chat_channel_platform_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.name}"

    def receives(self, event: str) -> bool:
        return event in CHAT_EVENTS and (not self.events or event in self.events)

    @property
    def url_hint(self) -> str:
        from urllib.parse import urlsplit

        return f"{urlsplit(self.url).hostname or '?'}/…"


class ChatMessage(models.Model):
    """One message for one channel: the platform's JSON body, its state and the next attempt."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    channel = models.ForeignKey(
        ChatChannel, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    # The outbox event it comes from (none for a test message); one message per channel and event.
    event = models.ForeignKey(
        OutboxEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="chat_messages"
    )
    kind = models.CharField(max_length=32)
    body = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["channel", "created_at"], name="chat_message_channel_idx"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="chat_message_pending_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["channel", "event", "kind"], name="chat_message_once_per_event"),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "sent", "failed"]), name="chat_message_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.channel_id} ({self.status})"


class AcknowledgementReminder(models.Model):
    """When a person was last reminded to acknowledge a revision (raci/delivery/reminders.py): at most
    one reminder per person, revision and reminder interval."""

    revision = models.ForeignKey("raci.Revision", on_delete=models.CASCADE, related_name="+", db_index=False)
    person = models.ForeignKey("orgs.Person", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["revision", "person"], name="ack_reminder_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} reminded of {self.revision_id} at {self.sent_at:%Y-%m-%d}"
