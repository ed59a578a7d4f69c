"""The outbox: events commit with their change, are dispatched after commit, survive a broker that
is down, and are handled once. Also send_once, the tasks' names and the beat schedule.

The broker-down tests point Celery at a closed port on 127.0.0.1 for real (no mock): the app
caches its broker connection pool, so ``broker_at`` resets it on the way in and out.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta

import kombu.pools
import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from raci.celery import app as celery_app
from raci.delivery.notifications import review_reminders_send
from raci.outbox import handlers as outbox
from raci.outbox.emit import outbox_emit
from raci.outbox.handlers import outbox_dispatch, outbox_handler, send_email_once, send_once
from raci.outbox.models import OutboxEvent, SentNotification
from raci.outbox.tasks import dispatch_outbox_event, outbox_retry_abandoned, outbox_sweep_enqueue

CLOSED_BROKER = "redis://127.0.0.1:1/0"

# Handlers for kinds only these tests emit; each records what it saw.
seen: list[tuple[str, int]] = []
fail_next: list[Exception] = []


@outbox_handler("test.recorded")
def record(event: OutboxEvent) -> None:
    seen.append(("record", event.pk))


@outbox_handler("test.flaky")
def write_then_maybe_fail(event: OutboxEvent) -> None:
    SentNotification.objects.create(key=f"flaky-write:{event.pk}:{len(seen)}")
    if fail_next:
        raise fail_next.pop()
    seen.append(("flaky", event.pk))


@outbox_handler("test.flaky")
def steady(event: OutboxEvent) -> None:
    seen.append(("steady", event.pk))


@pytest.fixture(autouse=True)
def _clean_records():
    seen.clear()
    fail_next.clear()
    yield
    seen.clear()
    fail_next.clear()


def reset_broker_pool() -> None:
    """Forget Celery's cached broker connections so the next publish uses the current URL."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu.pools.reset()  # kombu keeps its own registry of pools, keyed by connection


@contextmanager
def broker_at(settings, url: str):
    """Publish tasks to ``url`` (not in-process) for the duration of the block."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url
    reset_broker_pool()
    try:
        yield
    finally:
        reset_broker_pool()
        settings.CELERY_TASK_ALWAYS_EAGER = True
        settings.CELERY_BROKER_URL = "memory://"


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """The sweep as its beat task runs it: outside a transaction, so enqueues happen at once."""

    def run(**kwargs) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return outbox_sweep_enqueue(**kwargs)

    return run


# Emitting --------------------------------------------------------------------------------


def test_emit_dispatches_only_after_the_transaction_commits(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        event = outbox_emit(kind="test.recorded", payload={"matrix": 1}, organization=org)
        assert seen == []  # nothing runs while the change may still roll back
        assert OutboxEvent.objects.get(pk=event.pk).dispatched_at is None
    assert len(callbacks) == 1
    assert seen == [("record", event.pk)]
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert event.attempts == 1
    assert event.payload == {"matrix": 1}
    assert event.organization == org


def test_rollback_emits_nothing(org, django_capture_on_commit_callbacks):
    def failing_change():
        with transaction.atomic():
            outbox_emit(kind="test.recorded", payload={}, organization=org)
            raise RuntimeError("the change failed")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        failing_change()
    assert callbacks == []
    assert not OutboxEvent.objects.exists()
    assert seen == []


def test_payload_dates_are_stored_as_text(org):
    moment = timezone.now()
    event = outbox_emit(kind="test.unhandled", payload={"at": moment}, organization=None)
    event.refresh_from_db()
    assert event.payload["at"].startswith(moment.strftime("%Y-%m-%dT%H:%M:%S"))


def test_database_refuses_an_event_without_a_kind(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxEvent.objects.create(kind="")


# Broker down --------------------------------------------------------------------------------


def test_broker_down_the_transaction_succeeds_and_the_event_waits(
    org, settings, caplog, sweep, django_capture_on_commit_callbacks
):
    with broker_at(settings, CLOSED_BROKER):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            event = outbox_emit(kind="test.recorded", payload={"n": 1}, organization=org)
        elapsed = time.monotonic() - started
    assert elapsed < 5, "a dead broker must not hold the request for long"
    assert "Could not run or enqueue raci.tasks.dispatch_outbox_event" in caplog.text
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert seen == []

    # The broker is back (here: in-process). The sweep skips young events, then finds this one.
    assert sweep() == 0
    OutboxEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    assert sweep() == 1
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert seen == [("record", event.pk)]
    assert sweep(older_than=timedelta(0)) == 0


def test_sweep_with_the_broker_still_down_loses_nothing(org, settings, sweep, caplog):
    event = OutboxEvent.objects.create(
        organization=org, kind="test.recorded", created_at=timezone.now() - timedelta(minutes=5)
    )
    with broker_at(settings, CLOSED_BROKER):
        assert sweep() == 1  # tried; the publish failed and was logged
    assert "Could not run or enqueue" in caplog.text
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert sweep() == 1
    event.refresh_from_db()
    assert event.dispatched_at is not None


# Dispatching ------------------------------------------------------------------------------


def undispatched(org, kind="test.recorded") -> OutboxEvent:
    return OutboxEvent.objects.create(organization=org, kind=kind, payload={"x": 1})


def test_dispatching_twice_runs_the_handlers_once(org):
    event = undispatched(org)
    assert outbox_dispatch(event.pk) is True
    assert outbox_dispatch(event.pk) is False
    assert dispatch_outbox_event.delay(event.pk).get() is False  # a duplicated task
    assert seen == [("record", event.pk)]
    event.refresh_from_db()
    assert event.attempts == 1


def test_dispatching_a_missing_event_does_nothing(db):
    assert outbox_dispatch(987_654) is False


def test_failing_handler_keeps_the_others_work_and_is_retried_alone(org):
    event = undispatched(org, "test.flaky")
    fail_next.append(ConnectionResetError("receiver unreachable"))
    assert outbox_dispatch(event.pk) is False
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert event.attempts == 1
    assert "ConnectionResetError: receiver unreachable" in event.last_error
    assert outbox.handler_name(steady) in event.handled
    assert outbox.handler_name(write_then_maybe_fail) not in event.handled
    assert seen == [("steady", event.pk)]
    # The failing handler's own write was rolled back with it.
    assert not SentNotification.objects.filter(key__startswith="flaky-write:").exists()

    assert outbox_dispatch(event.pk) is True
    event.refresh_from_db()
    assert event.dispatched_at is not None
    assert event.last_error == ""
    assert event.attempts == 2
    assert seen == [("steady", event.pk), ("flaky", event.pk)]  # steady did not run twice


def test_handler_failing_in_a_way_no_retry_can_fix_is_recorded_and_not_retried(org, sweep):
    event = undispatched(org, "test.flaky")
    fail_next.append(ValueError("Header values can't contain newlines"))
    assert outbox_dispatch(event.pk) is False
    event.refresh_from_db()
    # The others' work is kept and the event is done: a retry would fail the same way.
    assert event.dispatched_at is not None
    assert event.abandoned == [outbox.handler_name(write_then_maybe_fail)]
    assert "(given up): ValueError: Header values can't contain newlines" in event.last_error
    assert seen == [("steady", event.pk)]
    OutboxEvent.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert sweep() == 0
    assert seen == [("steady", event.pk)]


def test_a_given_up_handler_runs_again_when_an_operator_retries_it(org, django_capture_on_commit_callbacks):
    event = undispatched(org, "test.flaky")
    fail_next.append(ValueError("bad input"))
    outbox_dispatch(event.pk)
    with django_capture_on_commit_callbacks(execute=True):
        outbox_retry_abandoned(event_id=event.pk)
    event.refresh_from_db()
    assert event.abandoned == []
    assert event.dispatched_at is not None
    assert seen == [("steady", event.pk), ("flaky", event.pk)]  # steady did not run twice


def test_sweep_gives_up_on_events_that_failed_too_often(org, settings, sweep):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    old = timezone.now() - timedelta(minutes=5)
    stuck = OutboxEvent.objects.create(organization=org, kind="test.recorded", created_at=old, attempts=3)
    retried = OutboxEvent.objects.create(organization=org, kind="test.recorded", created_at=old, attempts=2)
    assert sweep() == 1
    stuck.refresh_from_db()
    retried.refresh_from_db()
    assert stuck.dispatched_at is None
    assert retried.dispatched_at is not None


def test_wildcard_handlers_run_for_every_kind(org):
    calls = []

    def everything(event):
        calls.append(event.kind)

    outbox_handler("*")(everything)
    try:
        outbox_dispatch(undispatched(org, "test.recorded").pk)
        outbox_dispatch(undispatched(org, "test.nobody-else").pk)
    finally:
        outbox._handlers["*"].remove(everything)
    assert calls == ["test.recorded", "test.nobody-else"]


# Sending once -----------------------------------------------------------------------------


def test_send_once_sends_a_key_once(db):
    sent = []
    assert send_once("welcome:1", lambda: sent.append(1)) is True
    assert send_once("welcome:1", lambda: sent.append(2)) is False
    assert send_once("welcome:2", lambda: sent.append(3)) is True
    assert sent == [1, 3]


def test_send_once_records_nothing_when_sending_fails_so_a_retry_sends(db):
    def broken():
        raise ConnectionRefusedError("SMTP is down")

    with pytest.raises(ConnectionRefusedError):
        send_once("digest:7", broken)
    assert not SentNotification.objects.filter(key="digest:7").exists()
    sent = []
    assert send_once("digest:7", lambda: sent.append("ok")) is True
    assert sent == ["ok"]


def test_send_email_once_uses_the_email_backend(db, mailoutbox):
    assert send_email_once(key="hello:1", subject="Hi", body="Body", to=["a@example.com", ""]) is True
    assert send_email_once(key="hello:1", subject="Hi", body="Body", to=["a@example.com"]) is False
    assert send_email_once(key="hello:2", subject="Hi", body="Body", to=[""]) is False  # nobody to tell
    assert [(m.subject, m.to) for m in mailoutbox] == [("Hi", ["a@example.com"])]


def test_database_refuses_a_key_twice(db):
    SentNotification.objects.create(key="k")
    with pytest.raises(IntegrityError), transaction.atomic():
        SentNotification.objects.create(key="k")


# Tasks and the beat schedule --------------------------------------------------------------


def test_beat_schedule_runs_registered_tasks(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["outbox-sweep"]["schedule"] == 60.0
    assert schedule["webhook-retry-sweep"]["schedule"] == 60.0
    for entry in schedule.values():
        assert entry["task"] in celery_app.tasks, entry["task"]
    assert "raci.tasks.review_reminders" in {entry["task"] for entry in schedule.values()}


def test_sweep_task_runs_the_sweep(org, django_capture_on_commit_callbacks):
    event = OutboxEvent.objects.create(
        organization=org, kind="test.recorded", created_at=timezone.now() - timedelta(minutes=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert celery_app.tasks["raci.tasks.outbox_sweep"].delay().get() == 1
    event.refresh_from_db()
    assert event.dispatched_at is not None


def test_review_reminders_task_calls_the_notifications_module(db):
    result = celery_app.tasks["raci.tasks.review_reminders"].delay().get()
    assert result == review_reminders_send()


@pytest.fixture
def fresh_handler_registry(monkeypatch):
    # As in a process that has not started yet: no handler module imported.
    monkeypatch.setattr(outbox, "_handler_modules_loaded", False)


def test_a_handler_module_that_cannot_be_imported_stops_the_start(settings, fresh_handler_registry):
    from django.apps import apps
    from django.core.exceptions import ImproperlyConfigured

    settings.OUTBOX_HANDLER_MODULES = ["raci.delivery.webhooks", "raci.delivery.notificatons"]
    with pytest.raises(ImproperlyConfigured, match=r"raci\.delivery\.notificatons"):
        apps.get_app_config("raci").ready()


def test_the_configured_handler_modules_register_webhooks_and_emails(settings, fresh_handler_registry):
    outbox.handlers_load()
    names = {outbox.handler_name(h) for h in outbox.handlers_for("matrix.published")}
    assert {
        "raci.delivery.webhooks.webhook_fan_out",
        "raci.delivery.notifications.send_publication_emails",
    } <= names


def test_send_emails_once_keeps_the_keys_of_the_emails_sent_before_a_failure(db, settings, mailoutbox):
    from django.core.mail import EmailMessage

    from raci.outbox.handlers import SendIncomplete, send_emails_once

    settings.EMAIL_BACKEND = "tests.delivery.test_publication_emails_bulk.FailingPartWayBackend"
    from tests.delivery import test_publication_emails_bulk as failing

    failing.accept[0] = 1
    messages = [
        (f"bulk:{i}", EmailMessage("s", "b", "from@example.com", [f"{i}@example.com"])) for i in range(3)
    ]
    try:
        with pytest.raises(SendIncomplete):
            send_emails_once(messages)
    finally:
        failing.accept[0] = None
    assert set(SentNotification.objects.values_list("key", flat=True)) == {"bulk:0"}
    assert send_emails_once(messages) == 2
    assert [m.to for m in mailoutbox] == [["0@example.com"], ["1@example.com"], ["2@example.com"]]


def test_send_emails_once_sends_one_message_per_key_even_given_twice(db, mailoutbox):
    from django.core.mail import EmailMessage

    from raci.outbox.handlers import send_emails_once

    first = EmailMessage("first", "b", "from@example.com", ["a@example.com"])
    second = EmailMessage("second", "b", "from@example.com", ["a@example.com"])
    assert send_emails_once([("same", first), ("same", second)]) == 1
    assert [m.subject for m in mailoutbox] == ["first"]
