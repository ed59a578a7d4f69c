"""Celery tasks of delivery: webhook attempts, the retry sweeps, review and acknowledgement reminders.

Each takes ids (JSON-serializable), calls a function of this package and returns a small summary.
Every task is safe to run twice: a webhook attempt claims its delivery and checks that it is due,
emails go through ``send_once``. Workers acknowledge late (settings: CELERY_TASK_ACKS_LATE), so a
task interrupted by a dying worker runs again rather than being lost. Task names are kept from
before the code moved into feature folders: they are a wire contract with queued messages.
"""

from __future__ import annotations

from celery import shared_task

from raci.delivery import notifications, sending
from raci.delivery.models import WebhookDelivery
from raci.outbox.handlers import enqueue_on_commit


@shared_task(bind=True, name="raci.tasks.deliver_webhook", max_retries=None)
def deliver_webhook(self, delivery_id: str) -> str | None:
    """One attempt; if the delivery is still pending, retry when its next attempt is due.

    In eager mode (no broker) there is no retry here: Celery would re-run the task at once, in the
    web request. The pending delivery waits for ``webhook_retry_sweep`` instead.
    """
    delivery = sending.webhook_attempt(delivery_id=delivery_id)
    if delivery is None:  # finished, not due, or being attempted elsewhere: that attempt reschedules
        return None
    if delivery.status == WebhookDelivery.Status.PENDING and not self.request.is_eager:
        raise self.retry(countdown=sending.webhook_backoff(delivery.attempts))
    return delivery.status


@shared_task(name="raci.tasks.webhook_retry_sweep")
def webhook_retry_sweep() -> int:
    """Enqueue pending deliveries whose attempt is overdue; returns how many."""
    ids = sending.webhook_due_ids()
    for delivery_id in ids:
        enqueue_on_commit(deliver_webhook, delivery_id)
    return len(ids)


@shared_task(name="raci.tasks.review_reminders")
def review_reminders() -> int:
    """Daily (celery beat): remind matrix owners whose review is due."""
    return notifications.review_reminders_send()


@shared_task(name="raci.tasks.acknowledgement_reminders")
def acknowledgement_reminders() -> int:
    """Daily (celery beat): remind people who have not acknowledged a revision that concerns them."""
    from raci.delivery import reminders

    return reminders.acknowledgement_reminders_send()


@shared_task(bind=True, name="raci.tasks.send_chat_message", max_retries=None)
def send_chat_message(self, message_id: int) -> str | None:
    """One attempt of a chat message; a retry when it is still pending (the sweep in eager mode)."""
    # chat imports webhooks, which imports this module for its tasks: import it when the task runs.
    from raci.delivery import chat

    message = chat.chat_attempt(message_id=message_id)
    if message is None:
        return None
    if message.status == message.Status.PENDING and not self.request.is_eager:
        raise self.retry(countdown=sending.webhook_backoff(message.attempts))
    return message.status


@shared_task(name="raci.tasks.chat_retry_sweep")
def chat_retry_sweep() -> int:
    """Enqueue pending chat messages whose attempt is overdue; returns how many."""
    from raci.delivery import chat

    ids = chat.chat_due_ids()
    for message_id in ids:
        enqueue_on_commit(send_chat_message, message_id)
    return len(ids)
