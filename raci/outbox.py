"""The transactional outbox: events saved with the change that caused them, dispatched after commit.

What belongs here: emitting events (``outbox_emit``), the handler registry (``outbox_handler``),
dispatching one event (``outbox_dispatch``), the sweep that finds events whose enqueue was lost
(``outbox_sweep``), safe enqueueing of tasks on commit (``enqueue_on_commit``), and sending a
notification at most once per key (``send_once``, ``send_email_once``).

How an event travels:
1. A service calls ``outbox_emit(kind=..., payload=..., organization=...)`` inside its transaction.
   The row commits or rolls back with the change, so an event exists exactly when its change does.
2. On commit, ``dispatch_outbox_event`` is enqueued. If the broker is down the error is logged and
   swallowed: the user's request succeeds and the row waits, undispatched.
3. A worker runs ``outbox_dispatch(event_id)``: it locks the row, returns if it was dispatched already,
   runs every handler registered for the kind (and for ``"*"``), each in its own savepoint, and marks
   the row dispatched in the same transaction. A failing handler rolls back only its own writes; the
   row records which handlers completed (``handled``) and the error, and the sweep later runs the rest.
4. Every minute (celery beat) ``outbox_sweep`` re-enqueues undispatched events older than
   ``OUTBOX_SWEEP_AFTER_SECONDS``. Dispatching is idempotent, so a sweep racing the original enqueue
   runs the handlers once.

Handlers run inside the dispatch transaction while the event row is locked. Best practice: write
rows and enqueue tasks with ``enqueue_on_commit``, and leave slow network I/O to those tasks. A
handler that sends email itself must use ``send_once``: its keys commit with the dispatch.
"""

from __future__ import annotations

import importlib
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from raci.delivery_models import OutboxEvent, SentNotification

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]

_handlers: dict[str, list[Handler]] = defaultdict(list)
_handler_modules_loaded = False


def outbox_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register ``fn(event)`` to run when an event of ``kind`` is dispatched; ``"*"`` for every kind."""

    def register(fn: Handler) -> Handler:
        if fn not in _handlers[kind]:
            _handlers[kind].append(fn)
        return fn

    return register


def handlers_load() -> None:
    """Import the modules in ``OUTBOX_HANDLER_MODULES`` so their ``@outbox_handler``s are registered.

    A module that does not exist (yet) is skipped; an error inside an existing module is raised.
    """
    global _handler_modules_loaded
    if _handler_modules_loaded:
        return
    for name in getattr(settings, "OUTBOX_HANDLER_MODULES", ()):
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
            logger.debug("Outbox handler module %s does not exist; skipped.", name)
    _handler_modules_loaded = True


def handlers_for(kind: str) -> list[Handler]:
    handlers_load()
    return [*_handlers.get(kind, ()), *_handlers.get("*", ())]


def enqueue_on_commit(task, *args: Any) -> None:
    """``task.delay(*args)`` after the current transaction commits (at once outside one).

    A failure to enqueue (broker down) is logged and swallowed; callers keep enough state in the
    database for a sweep to enqueue the work again. In eager mode (no broker) the task runs
    in-process here; its failure must not fail the request whose data has just committed either.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
        except Exception:
            logger.warning(
                "Could not run or enqueue %s%r; a periodic sweep will try again.",
                task.name,
                args,
                exc_info=True,
            )

    transaction.on_commit(send)


# Publishing retries briefly, so a blip in the broker connection is absorbed but a broker that is
# down costs the web request about a second, not Celery's default.
ENQUEUE_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def outbox_emit(*, kind: str, payload: dict, organization=None) -> OutboxEvent:
    """Save an event in the caller's transaction and dispatch it after commit.

    Call it inside the service's ``transaction.atomic()``: a rollback removes the event with the
    change. The payload must be JSON (dates and UUIDs are turned into strings).
    """
    if not kind:
        raise ValueError("An outbox event needs a kind.")
    from raci.tasks import dispatch_outbox_event

    event = OutboxEvent.objects.create(organization=organization, kind=kind, payload=payload)
    enqueue_on_commit(dispatch_outbox_event, event.pk)
    return event


def handler_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def outbox_dispatch(event_id: int) -> bool:
    """Run the handlers of one event, each once. Returns True if this call completed the event.

    The row is locked for the whole dispatch, so two workers given the same event (the on-commit
    enqueue and the sweep) run its handlers once: the second waits, sees ``dispatched_at`` and
    returns. Each handler runs in its own savepoint: a failing one rolls back only its own writes,
    the others' work is kept and recorded in ``handled``, and a later dispatch (the sweep) runs
    only the handlers that have not completed.
    """
    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.dispatched_at is not None:
            return False
        event.attempts += 1
        errors: list[str] = []
        for handler in handlers_for(event.kind):
            name = handler_name(handler)
            if name in event.handled:
                continue
            try:
                with transaction.atomic():
                    handler(event)
            except Exception as error:
                logger.exception(
                    "Outbox handler %s failed on event %s (%s); the sweep will retry it.",
                    name,
                    event.pk,
                    event.kind,
                )
                errors.append(f"{name}: {type(error).__name__}: {error}")
            else:
                event.handled = [*event.handled, name]
        if errors:
            event.last_error = "\n".join(errors)[:4000]
            event.save(update_fields=["attempts", "handled", "last_error"])
            return False
        event.dispatched_at = timezone.now()
        event.last_error = ""
        event.save(update_fields=["attempts", "handled", "last_error", "dispatched_at"])
    return True


def outbox_sweep(*, older_than: timedelta | None = None, limit: int = 500) -> int:
    """Enqueue undispatched events older than ``older_than`` (default OUTBOX_SWEEP_AFTER_SECONDS).

    Events that failed ``OUTBOX_MAX_ATTEMPTS`` times are left alone (their ``last_error`` says why).
    Returns the number of events enqueued.
    """
    from raci.tasks import dispatch_outbox_event

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


# Sending once ------------------------------------------------------------------------------


def send_once(key: str, send: Callable[[], None]) -> bool:
    """Call ``send()`` unless a notification with ``key`` was sent already. Returns True if it sent.

    The key is inserted and ``send()`` runs inside one transaction; the key commits only if
    ``send()`` returned. A concurrent duplicate blocks on the key's unique index until the first
    commits, then sees the key and sends nothing.

    The choice is at-least-once: if ``send()`` raises, nothing is recorded and a retry sends; the only
    duplicate possible is a process dying between a successful ``send()`` and the commit (a few
    milliseconds). The alternative, committing the key before sending, would lose the notification
    whenever the send failed, which we consider worse for "you now own X" and "your webhook is off".

    Call it from a task, not inside a long transaction: the key is only final when the outermost
    transaction commits.
    """
    if not key or len(key) > 255:
        raise ValueError("send_once needs a key of 1 to 255 characters.")
    with transaction.atomic():
        try:
            with transaction.atomic():
                SentNotification.objects.create(key=key)
        except IntegrityError:
            return False
        send()
    return True


def send_email_once(*, key: str, subject: str, body: str, to: list[str]) -> bool:
    """Email ``to`` through Django's email backend, once per ``key``. Returns True if it sent."""
    recipients = [address for address in to if address]
    if not recipients:
        return False
    return send_once(
        key,
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False),
    )
