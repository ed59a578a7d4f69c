"""Celery tasks of the outbox. Each takes ids and calls raci/outbox/handlers.py.

Task names are kept from before the code moved into feature folders: they are a wire contract with
messages already queued and with the beat schedule.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from raci.outbox.handlers import enqueue_on_commit, outbox_dispatch
from raci.outbox.models import OutboxEvent

logger = logging.getLogger(__name__)


@shared_task(name="raci.tasks.dispatch_outbox_event")
def dispatch_outbox_event(event_id: int) -> bool:
    return outbox_dispatch(event_id)


@shared_task(name="raci.tasks.outbox_sweep")
def outbox_sweep() -> int:
    return outbox_sweep_enqueue()


def outbox_sweep_enqueue(*, older_than: timedelta | None = None, limit: int = 500) -> int:
    """Enqueue undispatched events older than ``older_than`` (default OUTBOX_SWEEP_AFTER_SECONDS).

    Events that failed ``OUTBOX_MAX_ATTEMPTS`` times are left alone (their ``last_error`` says why).
    Returns the number of events enqueued.
    """
    if older_than is None:
        older_than = timedelta(seconds=settings.OUTBOX_SWEEP_AFTER_SECONDS)
    event_ids = list(
        OutboxEvent.objects.filter(
            dispatched_at__isnull=True,
            created_at__lte=timezone.now() - older_than,
            attempts__lt=settings.OUTBOX_MAX_ATTEMPTS,
        )
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for event_id in event_ids:
        enqueue_on_commit(dispatch_outbox_event, event_id)
    if event_ids:
        logger.info("Outbox sweep enqueued %d undispatched event(s).", len(event_ids))
    return len(event_ids)


def outbox_retry_abandoned(*, event_id: int) -> None:
    """Give the handlers an event gave up on another chance (their cause fixed), and dispatch it."""
    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None or not event.abandoned:
            return
        event.abandoned = []
        event.dispatched_at = None
        event.save(update_fields=["abandoned", "dispatched_at"])
        enqueue_on_commit(dispatch_outbox_event, event.pk)
