"""A real Celery worker against the local Redis and the test's PostgreSQL database.

The worker is a subprocess (``celery -A raci worker --pool=solo``) with its own queue on
REDIS_TEST_URL (redis://127.0.0.1:6379/15 by default), so another worker on the same Redis
database cannot take its tasks. It reads the test database (tests here commit for real:
``transaction=True``), sends mail with the file backend into a temporary folder, and POSTs
webhooks to HTTP servers these tests run on 127.0.0.1.

Needs PostgreSQL (DATABASE_URL) and Redis; without them the tests skip with the reason, except
under CI=true, where they must run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import kombu.pools
import pytest
from celery import Celery
from django.db import connection, transaction
from kombu import Connection

from orgs.models import Membership
from raci.celery import app as celery_app
from raci.delivery import webhooks
from raci.delivery.models import WebhookDelivery, WebhookEndpoint
from raci.delivery.sending import webhook_verify
from raci.outbox.emit import outbox_emit
from raci.outbox.models import OutboxEvent
from raci.outbox.tasks import outbox_sweep_enqueue
from tests.builders import matrix_build
from tests.conftest import IN_CI
from tests.delivery.test_webhooks import Receiver
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, RoleFactory

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
CLOSED_BROKER = "redis://127.0.0.1:1/0"
ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
WAIT = 15.0

pytestmark = pytest.mark.django_db(transaction=True)


def _redis_available() -> bool:
    try:
        with Connection(REDIS_TEST_URL, connect_timeout=1) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


def _skip_reason() -> str | None:
    if connection.vendor != "postgresql":
        if IN_CI and not os.environ.get("DATABASE_URL"):
            return "this CI pass runs on the embedded SQLite default"
        if not IN_CI:
            return "needs PostgreSQL (set DATABASE_URL): the worker process must share the test database"
    if not IN_CI and not _redis_available():
        return f"Redis is not reachable at {REDIS_TEST_URL}"
    return None


def _database_url() -> str:
    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        credentials += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{quote(s['NAME'], safe='')}"


def wait_until(condition: Callable[[], object], timeout: float = WAIT, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Worker:
    def __init__(self, process: subprocess.Popen, queue: str, log: Path, mail: Path):
        self.process, self.queue, self.log, self.mail = process, queue, log, mail

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def mails(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.mail.glob("*")))


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, tmp_path_factory):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    queue = f"raci-test-{uuid.uuid4().hex[:10]}"
    folder = tmp_path_factory.mktemp("worker")
    mail = folder / "mail"
    mail.mkdir()
    log = folder / "worker.log"
    env = {
        **os.environ,
        # The project's settings, whatever another test left in this process's environment.
        "DJANGO_SETTINGS_MODULE": "raci.settings",
        "DEBUG": "true",
        "DATABASE_URL": _database_url(),
        "DB_CONN_MAX_AGE": "0",  # no connection left open when the test database is flushed or dropped
        "CELERY_BROKER_URL": REDIS_TEST_URL,
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
        # One attempt per delivery and disabling at the first failed one: no test waits for backoff.
        "WEBHOOK_MAX_ATTEMPTS": "1",
        "WEBHOOK_DISABLE_AFTER_FAILURES": "1",
        "WEBHOOK_TIMEOUT_SECONDS": "3",
        # The receivers are on 127.0.0.1.
        "WEBHOOK_ALLOW_PRIVATE_TARGETS": "true",
    }
    name = f"{queue}@localhost"
    command = [str(CELERY), "-A", "raci", "worker", "--pool=solo", "--loglevel", "WARNING"]
    command += ["-Q", queue, "-n", name, "--without-gossip", "--without-mingle", "--without-heartbeat"]
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    started = Worker(process, queue, log, mail)
    try:
        control = Celery(broker=REDIS_TEST_URL, set_as_current=False)
        try:
            deadline = time.monotonic() + 20
            while not control.control.ping(destination=[name], timeout=0.5):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"the worker did not start:\n{started.log_tail()}")
        finally:
            control.close()
        yield started
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _reset_broker_pool() -> None:
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    kombu.pools.reset()


@pytest.fixture
def web(settings, worker):
    """The test process publishes to the worker's queue on Redis, as a web process would.
    ``web.broker(url)`` points it somewhere else (a closed port: the broker is down)."""

    class Web:
        def broker(self, url: str) -> None:
            settings.CELERY_BROKER_URL = url
            _reset_broker_pool()

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_TASK_DEFAULT_QUEUE = worker.queue
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # endpoints registered here point at 127.0.0.1
    web = Web()
    web.broker(REDIS_TEST_URL)
    yield web
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = "memory://"
    _reset_broker_pool()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def assert_signed(request, endpoint: WebhookEndpoint, kind: str) -> None:
    assert request.headers["x-raci-event"] == kind
    assert webhook_verify(endpoint.secret, request.body, request.headers["x-raci-signature"])
    delivery = WebhookDelivery.objects.get(delivery_id=request.headers["x-raci-delivery"])
    assert delivery.endpoint_id == endpoint.pk


def test_worker_delivers_an_outbox_event_as_a_signed_webhook(web, worker, receiver):
    org = OrganizationFactory()
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=receiver.url)

    with transaction.atomic():
        event = outbox_emit(kind="signoff.completed", payload={"revision": {"number": 4}}, organization=org)

    (request,) = receiver.wait_for(1, timeout=WAIT) or [None]
    assert request is not None, worker.log_tail()
    assert_signed(request, endpoint, "signoff.completed")
    wait_until(
        lambda: WebhookDelivery.objects.filter(event=event, status="succeeded").exists(),
        what="the delivery to be recorded as succeeded",
    )
    event.refresh_from_db()
    assert event.dispatched_at is not None


def test_broker_down_the_event_waits_in_the_outbox_until_the_sweep(web, worker, receiver):
    org = OrganizationFactory()
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=receiver.url)

    web.broker(CLOSED_BROKER)
    started = time.monotonic()
    with transaction.atomic():
        event = outbox_emit(kind="assignment.changed", payload={"task": 9, "role": "PM"}, organization=org)
    assert time.monotonic() - started < 5  # the "request" finished, and quickly
    time.sleep(0.5)
    event.refresh_from_db()
    assert event.dispatched_at is None
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()

    web.broker(REDIS_TEST_URL)  # the broker is back
    assert outbox_sweep_enqueue(older_than=timedelta(0)) == 1

    (request,) = receiver.wait_for(1, timeout=WAIT) or [None]
    assert request is not None, worker.log_tail()
    assert_signed(request, endpoint, "assignment.changed")
    wait_until(lambda: OutboxEvent.objects.get(pk=event.pk).dispatched_at, what="the event to be dispatched")


def test_publishing_a_revision_emails_people_and_posts_a_signed_webhook(web, worker, receiver):
    from raci.revisions.services import matrix_publish

    org = OrganizationFactory(name="Integration Inc")
    endpoint = webhooks.webhook_endpoint_create(
        organization=org, url=receiver.url, events=["matrix.published"]
    )
    role = RoleFactory(organization=org, code="PM", name="Product manager")
    person = PersonFactory(organization=org, name="Ada", email="ada@integration.example", roles=[role])
    matrix = matrix_build(organization=org, name="Launch ownership", tasks=["Pricing decision"], roles=["PM"])

    revision = matrix_publish(matrix=matrix, note="First cut", override_reason="integration test")

    (request,) = receiver.wait_for(1, timeout=WAIT) or [None]
    assert request is not None, worker.log_tail()
    assert_signed(request, endpoint, "matrix.published")
    assert f'"number":{revision.number}' in request.body.decode()
    mails = wait_until(
        lambda: person.email in worker.mails() and worker.mails(), what="the publication email"
    )
    assert "Launch ownership" in mails
    assert "Pricing decision" in mails


def test_failing_endpoint_is_disabled_and_owners_get_one_email(web, worker, failing_receiver):
    org = OrganizationFactory(name="Failing Ltd")
    owner = MembershipFactory(
        organization=org,
        level=Membership.Level.OWNER,
        user__username="ops-owner",
        user__email="ops@failing.example",
    ).user
    failing = failing_receiver
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=failing.url)

    with transaction.atomic():
        outbox_emit(kind="signoff.completed", payload={"n": 1}, organization=org)

    wait_until(
        lambda: not WebhookEndpoint.objects.get(pk=endpoint.pk).active, what="the endpoint to be disabled"
    )
    mails = wait_until(lambda: owner.email in worker.mails() and worker.mails(), what="the owner's email")
    assert f"Webhook disabled: {failing.url}" in mails
    assert mails.count(f"To: {owner.email}") == 1
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert [a.status_code for a in delivery.attempt_log.all()] == [500]


@pytest.fixture
def failing_receiver():
    server = Receiver(500)
    yield server
    server.close()
