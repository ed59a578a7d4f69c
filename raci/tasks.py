"""Celery tasks. Each takes ids (JSON-serializable), calls a service and returns a small summary.

Every task is safe to run twice: the outbox dispatch locks its row and checks ``dispatched_at``,
a webhook attempt claims its delivery and checks that it is due, emails go through ``send_once``.
Workers acknowledge late (settings: CELERY_TASK_ACKS_LATE), so a task interrupted by a dying
worker runs again rather than being lost.
"""

from __future__ import annotations

import logging

from celery import shared_task, signals

from raci import outbox, webhooks
from raci.delivery_models import WebhookDelivery

logger = logging.getLogger(__name__)


@signals.import_modules.connect
def _load_outbox_handlers(sender=None, **kwargs) -> None:
    # A worker registers every @outbox_handler (and any task defined beside one) at start-up.
    outbox.handlers_load()


@shared_task(name="raci.tasks.dispatch_outbox_event")
def dispatch_outbox_event(event_id: int) -> bool:
    return outbox.outbox_dispatch(event_id)


@shared_task(name="raci.tasks.outbox_sweep")
def outbox_sweep() -> int:
    return outbox.outbox_sweep()


@shared_task(bind=True, name="raci.tasks.deliver_webhook", max_retries=None)
def deliver_webhook(self, delivery_id: str) -> str | None:
    """One attempt; if the delivery is still pending, retry when its next attempt is due.

    In eager mode (no broker) there is no retry here: Celery would re-run the task at once, in the
    web request. The pending delivery waits for ``webhook_retry_sweep`` instead.
    """
    delivery = webhooks.webhook_attempt(delivery_id=delivery_id)
    if delivery is None:  # finished, not due, or being attempted elsewhere: that attempt reschedules
        return None
    if delivery.status == WebhookDelivery.Status.PENDING and not self.request.is_eager:
        raise self.retry(countdown=webhooks.webhook_backoff(delivery.attempts))
    return delivery.status


@shared_task(name="raci.tasks.webhook_retry_sweep")
def webhook_retry_sweep() -> int:
    return webhooks.webhook_retry_sweep()


@shared_task(name="raci.tasks.review_reminders")
def review_reminders():
    """Daily (celery beat): remind matrix owners whose review is due. The work is in raci.notifications."""
    from raci import notifications  # imported here: that module is written separately

    return notifications.review_reminders_send()
