"""The outbox's handlers: the registry, dispatching one event, and sending a notice at most once.

How an event travels:
1. A service calls ``raci.outbox.emit.outbox_emit(kind=..., payload=..., organization=...)`` inside
   its transaction. The row commits or rolls back with the change, so an event exists exactly when
   its change does.
2. On commit, ``dispatch_outbox_event`` (raci/outbox/tasks.py) is enqueued. If the broker is down the
   error is logged and swallowed: the user's request succeeds and the row waits, undispatched.
3. A worker runs ``outbox_dispatch(event_id)``: it locks the row, returns if it was dispatched
   already, runs every handler registered for the kind (and for ``"*"``), each in its own savepoint,
   and marks the row dispatched in the same transaction. A handler that fails for a passing reason
   (network, SMTP, a database connection: ``TRANSIENT_ERRORS``) rolls back only its own writes and is
   retried by the sweep; one that fails for any other reason would fail the same way again, so it is
   recorded in ``abandoned`` with its error and not retried (an admin action retries it once fixed).
4. Every minute (celery beat) the sweep re-enqueues undispatched events older than
   ``OUTBOX_SWEEP_AFTER_SECONDS``. Dispatching is idempotent, so a sweep racing the original enqueue
   runs the handlers once.

Handlers are registered by importing the modules in ``OUTBOX_HANDLER_MODULES``; the raci app does
that when Django starts (``RaciConfig.ready``) and refuses to start if one cannot be imported, so a
typo never silently drops every email and webhook.

Handlers run inside the dispatch transaction while the event row is locked. Best practice: write
rows and enqueue tasks with ``enqueue_on_commit``, and leave slow network I/O to those tasks. A
handler that sends email itself must use ``send_once``: its keys commit with the dispatch.
"""

from __future__ import annotations

import importlib
import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from raci.outbox.models import OutboxEvent, SentNotification

logger = logging.getLogger(__name__)

Handler = Callable[[OutboxEvent], None]

# Failures worth retrying: the network, the mail server, the broker or the database connection.
# OSError covers sockets, timeouts and smtplib's errors. Anything else (a message the mail library
# refuses, a bug) fails the same way on every retry.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OSError, OperationalError, InterfaceError, BrokerError)

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

    A module that cannot be imported raises ``ImproperlyConfigured``: better no start than an
    outbox that quietly has no handlers.
    """
    global _handler_modules_loaded
    if _handler_modules_loaded:
        return
    for name in getattr(settings, "OUTBOX_HANDLER_MODULES", ()):
        try:
            importlib.import_module(name)
        except ImportError as error:
            raise ImproperlyConfigured(
                f"OUTBOX_HANDLER_MODULES names {name!r}, which cannot be imported ({error}). "
                "Without it, its events would never be handled."
            ) from error
    _handler_modules_loaded = True


def handlers_for(kind: str) -> list[Handler]:
    handlers_load()
    return [*_handlers.get(kind, ()), *_handlers.get("*", ())]


def enqueue_on_commit(task, *args: Any, countdown: float | None = None) -> None:
    """``task.delay(*args)`` after the current transaction commits (at once outside one); with
    ``countdown``, the worker runs it that many seconds later (eager mode runs it at once).

    A failure to enqueue (broker down) is logged and swallowed; callers keep enough state in the
    database for a sweep to enqueue the work again. In eager mode (no broker) the task runs
    in-process here; its failure must not fail the request whose data has just committed either.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, countdown=countdown, retry=True, retry_policy=ENQUEUE_RETRY_POLICY)
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


def handler_name(handler: Handler) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def outbox_dispatch(event_id: int) -> bool:
    """Run the handlers of one event, each once. Returns True if this call completed the event.

    The row is locked for the whole dispatch, so two workers given the same event (the on-commit
    enqueue and the sweep) run its handlers once: the second waits, sees ``dispatched_at`` and
    returns. Each handler runs in its own savepoint: a failing one rolls back only its own writes,
    the others' work is kept and recorded in ``handled``. A transient failure leaves the event for
    the sweep, which runs only the handlers that have not completed; any other failure is recorded
    in ``abandoned`` and ``last_error`` and is not retried. A handler that raises ``SendIncomplete``
    (``send_emails_once`` part-way) keeps its writes, the record of what it sent, and then fails
    as its ``error`` does.
    """
    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.dispatched_at is not None:
            return False
        event.attempts += 1
        errors: list[str] = []
        retry = False
        for handler in handlers_for(event.kind):
            name = handler_name(handler)
            if name in event.handled or name in event.abandoned:
                continue
            try:
                kept: BaseException | None = None
                with transaction.atomic():
                    try:
                        handler(event)
                    except SendIncomplete as incomplete:
                        # The handler recorded what it did send: keep its writes, fail after.
                        kept = incomplete.error
                if kept is not None:
                    raise kept
            except TRANSIENT_ERRORS as error:
                logger.warning(
                    "Outbox handler %s failed on event %s (%s); the sweep will retry it.",
                    name,
                    event.pk,
                    event.kind,
                    exc_info=True,
                )
                errors.append(f"{name}: {type(error).__name__}: {error}")
                retry = True
            except Exception as error:
                logger.exception(
                    "Outbox handler %s failed on event %s (%s) in a way a retry cannot fix; given up.",
                    name,
                    event.pk,
                    event.kind,
                )
                errors.append(f"{name} (given up): {type(error).__name__}: {error}")
                event.abandoned = [*event.abandoned, name]
            else:
                event.handled = [*event.handled, name]
        fields = ["attempts", "handled", "abandoned", "last_error"]
        event.last_error = "\n".join(errors)[:4000]
        if retry:
            event.save(update_fields=fields)
            return False
        event.dispatched_at = timezone.now()
        event.save(update_fields=[*fields, "dispatched_at"])
    return not errors


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


class SendIncomplete(Exception):
    """Raised by ``send_emails_once`` when sending failed part-way. What was sent is recorded (in
    the handler's transaction); ``outbox_dispatch`` keeps the handler's writes and then treats
    ``error``, the cause, like any failure of the handler: a transient one retries the handler,
    which sends only what was not sent."""

    def __init__(self, error: BaseException, *, sent: int, unsent: int) -> None:
        super().__init__(f"{sent} emails sent, {unsent} not: {type(error).__name__}: {error}")
        self.error = error
        self.sent = sent
        self.unsent = unsent


def _claim(keys: list[str]) -> set[str]:
    """Insert the keys not recorded yet, in one statement on PostgreSQL; returns those inserted.

    ``INSERT … ON CONFLICT DO NOTHING`` waits on a key another transaction holds uncommitted, then
    skips it if that transaction commits: a concurrent duplicate sends nothing, as ``send_once``.
    Elsewhere (SQLite, whose writers take turns): the recorded keys, then ``bulk_create``.
    """
    if not keys:
        return set()
    now = timezone.now()
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(SentNotification._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (key, sent_at) SELECT unnest(%s::varchar[]), %s "
                "ON CONFLICT (key) DO NOTHING RETURNING key",
                [keys, now],
            )
            return {key for (key,) in cursor.fetchall()}
    recorded = set(SentNotification.objects.filter(key__in=keys).values_list("key", flat=True))
    new = [key for key in dict.fromkeys(keys) if key not in recorded]
    SentNotification.objects.bulk_create([SentNotification(key=key, sent_at=now) for key in new])
    return set(new)


def send_emails_once(messages: list[tuple[str, EmailMessage]]) -> int:
    """Send each (key, message) unless its key was sent already: the set-based ``send_email_once``.
    Returns the number sent.

    The keys are claimed in one statement (``_claim``), the new messages sent over one connection of
    Django's email backend, one message at a time so that a failure tells exactly which were sent.
    If one fails, the keys of those not sent are deleted (one statement) and ``SendIncomplete`` is
    raised: the keys of those sent stay and commit with the handler (``outbox_dispatch`` keeps
    them), so a retry sends only the rest. The guarantee is ``send_once``'s: at least once, never
    twice unless the process dies between a send and the commit of the outbox transaction.

    Call it from an outbox handler (the keys commit with the dispatch) or inside a transaction of
    your own, which must commit what was sent even when ``SendIncomplete`` is raised.
    """
    for key, _message in messages:
        if not key or len(key) > 255:
            raise ValueError("send_emails_once needs keys of 1 to 255 characters.")
    wanted: list[tuple[str, EmailMessage]] = []
    seen: set[str] = set()
    for key, message in messages:
        if key not in seen and message.recipients():  # one message per key, as send_once
            seen.add(key)
            wanted.append((key, message))
    claimed = _claim([key for key, _message in wanted])
    pending = [(key, message) for key, message in wanted if key in claimed]
    if not pending:
        return 0
    sent = 0
    try:
        with get_connection(fail_silently=False) as mail:
            for _key, message in pending:
                mail.send_messages([message])
                sent += 1
    except Exception as error:
        unsent = [key for key, _message in pending[sent:]]
        SentNotification.objects.filter(key__in=unsent).delete()
        raise SendIncomplete(error, sent=sent, unsent=len(unsent)) from error
    return sent
