"""Emitting an event: the one call services make, inside their transaction."""

from __future__ import annotations

from raci.outbox.handlers import enqueue_on_commit
from raci.outbox.models import OutboxEvent
from raci.outbox.tasks import dispatch_outbox_event


def outbox_emit(
    *, kind: str, payload: dict, organization=None, organization_id: int | None = None
) -> OutboxEvent:
    """Save an event in the caller's transaction and dispatch it after commit.

    Call it inside the service's ``transaction.atomic()``: a rollback removes the event with the
    change. The payload must be JSON (dates and UUIDs are turned into strings).
    """
    if not kind:
        raise ValueError("An outbox event needs a kind.")
    if organization is not None:
        organization_id = organization.pk
    event = OutboxEvent.objects.create(organization_id=organization_id, kind=kind, payload=payload)
    enqueue_on_commit(dispatch_outbox_event, event.pk)
    return event
