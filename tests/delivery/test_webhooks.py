"""Webhooks: fan-out, signing, delivery over real HTTP, retries, disabling, the settings page.

Deliveries go to real HTTP servers on 127.0.0.1 run by the test (``Receiver``); nothing about
HTTP is mocked. Tests that start one allow loopback targets (``WEBHOOK_ALLOW_PRIVATE_TARGETS``,
through the ``settings`` fixture); URLs registered without a receiver are public IP literals that
nothing is ever sent to (tests/delivery/test_targets.py covers the refusals). Attempts are driven
one at a time through ``webhook_attempt`` so retries are deterministic; the Celery task's own
retry scheduling is tested separately.

This module is also the URL configuration of the webhook tests (``pytest.mark.urls``): the
project's URLs plus the webhook API and page modules, so the tests run before and after
raci/urls.py and raci/api_urls.py include them.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from hashlib import sha256
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from celery.exceptions import Retry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import include, path
from django.utils import timezone

from orgs.models import Membership
from raci import urls as project_urls
from raci.delivery import webhooks
from raci.delivery.models import WebhookDelivery, WebhookEndpoint
from raci.delivery.notifications import webhook_endpoint_disabled_notify
from raci.delivery.sending import webhook_attempt, webhook_backoff, webhook_verify
from raci.delivery.tasks import deliver_webhook, webhook_retry_sweep
from raci.outbox.emit import outbox_emit
from raci.outbox.handlers import outbox_dispatch
from raci.outbox.models import OutboxEvent, SentNotification
from raci.outbox.tasks import outbox_sweep
from tests.factories import MembershipFactory, OrganizationFactory

urlpatterns = [
    *project_urls.urlpatterns,
    path("api/v1/", include("raci.delivery.api_urls")),
    path("o/<slug:org_slug>/", include("raci.delivery.urls")),
]
handler404 = project_urls.handler404
handler500 = project_urls.handler500
URLS = "tests.delivery.test_webhooks"

pytestmark = pytest.mark.urls(URLS)


# A receiver: a real HTTP server in a thread ----------------------------------------------


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """An HTTP server on 127.0.0.1 (random port) that records every request and answers ``status``."""

    def __init__(self, status: int = 200, *, location: str | None = None, delay: float = 0.0):
        self.status = status
        self.location = location
        self.delay = delay
        self.requests: list[Received] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {key.lower(): value for key, value in self.headers.items()}
                receiver.requests.append(Received(self.command, self.path, headers, body))
                if receiver.delay:
                    time.sleep(receiver.delay)
                try:
                    self.send_response(receiver.status)
                    if receiver.location:
                        self.send_header("Location", receiver.location)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            do_POST = _record
            do_GET = _record  # a followed redirect would arrive as a GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.requests

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the receiver is on 127.0.0.1
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def make_receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the receivers are on 127.0.0.1
    servers: list[Receiver] = []

    def make(*args, **kwargs) -> Receiver:
        servers.append(Receiver(*args, **kwargs))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def closed_port() -> int:
    """A port on 127.0.0.1 nothing listens on: bind one, then free it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_address[1]
    server.server_close()
    return port


def closed_port_url() -> str:
    return f"http://127.0.0.1:{closed_port()}/hook"


def signature_of(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, sha256).hexdigest()


@pytest.fixture
def endpoint(org, owner, receiver):
    return webhooks.webhook_endpoint_create(organization=org, url=receiver.url, created_by=owner)


def emit(org, kind="signoff.completed", payload=None, *, capture) -> OutboxEvent:
    """Emit an event in a committed-looking transaction; eager Celery dispatches and delivers it."""
    with capture(execute=True), transaction.atomic():
        return outbox_emit(kind=kind, payload=payload or {"matrix": 1, "revision": 2}, organization=org)


def only_delivery(endpoint) -> WebhookDelivery:
    return WebhookDelivery.objects.get(endpoint=endpoint)


# Signing and the request --------------------------------------------------------------------


def test_delivery_is_signed_with_the_endpoint_secret_over_the_exact_body(
    org, endpoint, receiver, django_capture_on_commit_callbacks
):
    emit(
        org,
        payload={"matrix": 3, "revision": 7, "note": "Q3 reorg ✓"},
        capture=django_capture_on_commit_callbacks,
    )

    (request,) = receiver.wait_for(1)
    delivery = only_delivery(endpoint)
    assert request.method == "POST"
    assert request.path == "/hook"
    assert request.headers["x-raci-signature"] == signature_of(endpoint.secret, request.body)
    assert webhook_verify(endpoint.secret, request.body, request.headers["x-raci-signature"])
    assert not webhook_verify("another-secret", request.body, request.headers["x-raci-signature"])
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-raci-event"] == "signoff.completed"
    assert request.headers["x-raci-delivery"] == str(delivery.delivery_id)
    body = json.loads(request.body)
    assert body["id"] == str(delivery.delivery_id)
    assert body["event"] == "signoff.completed"
    assert body["data"] == {"matrix": 3, "revision": 7, "note": "Q3 reorg ✓"}
    assert body["created_at"].endswith("Z")
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempts == 1
    (attempt,) = delivery.attempt_log.all()
    assert attempt.status_code == 200
    assert attempt.error == ""


def test_secret_is_generated_on_the_server_and_differs_per_endpoint(org, owner, receiver):
    first = webhooks.webhook_endpoint_create(organization=org, url=receiver.url)
    second = webhooks.webhook_endpoint_create(organization=org, url=receiver.url)
    assert first.secret.startswith("whsec_")
    assert len(first.secret) > 40
    assert first.secret != second.secret


# Fan-out --------------------------------------------------------------------------------------


def test_events_go_to_subscribed_active_endpoints_of_the_organization_only(
    org, owner, make_receiver, django_capture_on_commit_callbacks
):
    everything, assignments, disabled, elsewhere = (make_receiver() for _ in range(4))
    all_kinds = webhooks.webhook_endpoint_create(organization=org, url=everything.url)
    webhooks.webhook_endpoint_create(organization=org, url=assignments.url, events=["assignment.changed"])
    off = webhooks.webhook_endpoint_create(organization=org, url=disabled.url)
    webhooks.webhook_endpoint_update(endpoint=off, active=False)
    webhooks.webhook_endpoint_create(organization=OrganizationFactory(), url=elsewhere.url)

    emit(org, "signoff.completed", capture=django_capture_on_commit_callbacks)
    emit(org, "review.reminder", capture=django_capture_on_commit_callbacks)  # not a webhook event

    assert [r.headers["x-raci-event"] for r in everything.wait_for(1)] == ["signoff.completed"]
    assert assignments.requests == []
    assert disabled.requests == []
    assert elsewhere.requests == []
    assert list(WebhookDelivery.objects.values_list("endpoint", "kind")) == [
        (all_kinds.pk, "signoff.completed")
    ]


def test_redispatching_an_event_creates_no_second_delivery(org, endpoint, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
        event = outbox_emit(kind="assignment.changed", payload={"task": 1}, organization=org)
    webhooks.webhook_fan_out(event)
    webhooks.webhook_fan_out(event)
    assert outbox_dispatch(event.pk) is True
    assert outbox_dispatch(event.pk) is False
    assert WebhookDelivery.objects.filter(event=event).count() == 1


def test_database_refuses_two_deliveries_of_one_event_to_one_endpoint(org, endpoint):
    event = OutboxEvent.objects.create(organization=org, kind="signoff.completed")
    WebhookDelivery.objects.create(endpoint=endpoint, event=event, kind=event.kind)
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookDelivery.objects.create(endpoint=endpoint, event=event, kind=event.kind)


def test_database_refuses_an_active_endpoint_with_a_disabled_time(org, endpoint):
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=True, disabled_at=timezone.now())


# Failures and retries -----------------------------------------------------------------------


def pending_delivery(org, endpoint) -> WebhookDelivery:
    """A delivery fanned out but not yet attempted (its enqueue never ran)."""
    with transaction.atomic():
        event = OutboxEvent.objects.create(organization=org, kind="assignment.changed", payload={"m": 1})
        webhooks.webhook_fan_out(event)
    return only_delivery(endpoint)


def test_server_error_is_retried_with_every_attempt_recorded_then_fails(
    org, owner, make_receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    failing = make_receiver(500)
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=failing.url)
    delivery = pending_delivery(org, endpoint)

    before = timezone.now()
    webhook_attempt(delivery_id=delivery.delivery_id)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempts == 1
    # The next attempt is due after the first backoff step (20 s), not at once.
    assert before + timedelta(seconds=19) < delivery.next_attempt_at < timezone.now() + timedelta(seconds=21)
    # A duplicated task arriving now finds it not due and sends nothing.
    assert webhook_attempt(delivery_id=delivery.delivery_id) is None
    assert len(failing.requests) == 1

    with django_capture_on_commit_callbacks(execute=True):
        webhook_attempt(delivery_id=delivery.delivery_id, only_if_due=False)
        webhook_attempt(delivery_id=delivery.delivery_id, only_if_due=False)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert delivery.attempts == 3
    assert delivery.next_attempt_at is None
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 500, 500]
    assert all("HTTP 500" in a.error for a in delivery.attempt_log.all())
    # Every attempt carried the same delivery id, so the receiver can deduplicate.
    assert {r.headers["x-raci-delivery"] for r in failing.requests} == {str(delivery.delivery_id)}
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1
    assert endpoint.active
    # A finished delivery is never attempted again by a late duplicate.
    assert webhook_attempt(delivery_id=delivery.delivery_id, only_if_due=False) is None
    assert len(failing.requests) == 3


def test_backoff_grows_exponentially_and_is_capped_at_an_hour():
    assert [webhook_backoff(n) for n in range(1, 9)] == [20, 40, 80, 160, 320, 640, 1280, 2560]
    assert webhook_backoff(9) == 3600
    assert webhook_backoff(30) == 3600


@pytest.fixture
def celery_not_eager(settings):
    """Tasks are published (to the in-memory broker of the test settings) instead of run inline."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://"


def test_task_schedules_its_retry_when_the_next_attempt_is_due(org, make_receiver, celery_not_eager):
    failing = make_receiver(503)
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=failing.url)
    delivery = pending_delivery(org, endpoint)

    # What a worker sets up around a task (outside a worker `retry` just re-raises).
    deliver_webhook.push_request(
        id="test-task", retries=0, is_eager=False, called_directly=False, args=[str(delivery.delivery_id)]
    )
    try:
        with pytest.raises(Retry) as retry:
            deliver_webhook.run(str(delivery.delivery_id))
    finally:
        deliver_webhook.pop_request()
    assert retry.value.when == 20
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_task_does_not_retry_a_delivery_it_did_not_attempt(org, make_receiver, celery_not_eager):
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=make_receiver(500).url)
    delivery = pending_delivery(org, endpoint)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )

    deliver_webhook.push_request(
        id="duplicate", retries=0, is_eager=False, called_directly=False, args=[str(delivery.delivery_id)]
    )
    try:
        assert deliver_webhook.run(str(delivery.delivery_id)) is None  # no Retry: no second chain
    finally:
        deliver_webhook.pop_request()


def test_redirect_is_a_failure_and_is_not_followed(org, make_receiver):
    target = make_receiver(200)
    redirecting = make_receiver(302, location=target.url)
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=redirecting.url)
    delivery = pending_delivery(org, endpoint)

    webhook_attempt(delivery_id=delivery.delivery_id)

    delivery.refresh_from_db()
    (attempt,) = delivery.attempt_log.all()
    assert attempt.status_code == 302
    assert "redirect" in attempt.error
    assert target.url in attempt.error
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert len(redirecting.requests) == 1
    time.sleep(0.1)
    assert target.requests == []


def test_connection_refused_is_recorded_as_a_failed_attempt(org, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=closed_port_url())
    delivery = pending_delivery(org, endpoint)
    webhook_attempt(delivery_id=delivery.delivery_id)
    (attempt,) = only_delivery(endpoint).attempt_log.all()
    assert attempt.status_code is None
    assert "refused" in attempt.error.lower()


def test_slow_receiver_times_out(org, make_receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    slow = make_receiver(200, delay=2)
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=slow.url)
    delivery = pending_delivery(org, endpoint)
    started = time.monotonic()
    webhook_attempt(delivery_id=delivery.delivery_id)
    assert time.monotonic() - started < 1.9
    (attempt,) = only_delivery(endpoint).attempt_log.all()
    assert attempt.status_code is None
    assert "timed out" in attempt.error.lower()


def test_retry_sweep_attempts_overdue_pending_deliveries(
    org, endpoint, receiver, django_capture_on_commit_callbacks
):
    delivery = pending_delivery(org, endpoint)
    assert webhook_retry_sweep() == 0  # due just now: the task on its way handles it
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_retry_sweep() == 1
    assert len(receiver.wait_for(1)) == 1
    assert only_delivery(endpoint).status == WebhookDelivery.Status.SUCCEEDED


# Disabling after repeated failures ---------------------------------------------------------


@pytest.fixture
def second_owner(org):
    return MembershipFactory(
        organization=org, level=Membership.Level.OWNER, user__username="second-owner"
    ).user


def test_endpoint_is_disabled_after_failed_deliveries_in_a_row_and_owners_emailed_once(
    org, owner, second_owner, editor, make_receiver, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    failing = make_receiver(500)
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=failing.url)

    for n in range(2):
        emit(org, payload={"n": n}, capture=django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert endpoint.active
    assert endpoint.consecutive_failures == 2
    assert mailoutbox == []

    emit(org, payload={"n": 3}, capture=django_capture_on_commit_callbacks)
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert endpoint.disabled_at is not None
    assert "3 failed deliveries" in endpoint.disabled_reason
    assert sorted(m.to[0] for m in mailoutbox) == sorted([owner.email, second_owner.email])
    assert editor.email not in {m.to[0] for m in mailoutbox}
    assert failing.url in mailoutbox[0].subject
    assert "HTTP 500" in mailoutbox[0].body

    # Telling them again (a re-dispatched event, a duplicated task) sends nothing more.
    notice = OutboxEvent.objects.get(kind="webhook.disabled")
    assert notice.dispatched_at is not None
    assert notice.payload["endpoint"] == endpoint.pk
    assert outbox_dispatch(notice.pk) is False
    disabled_at = notice.payload["disabled_at"]
    assert webhook_endpoint_disabled_notify(endpoint_id=endpoint.pk, disabled_at=disabled_at) == 0
    assert len(mailoutbox) == 2
    assert SentNotification.objects.filter(key__startswith=f"webhook-disabled:{endpoint.pk}:").count() == 2

    # Disabled: the next event creates no delivery at all.
    emit(org, payload={"n": 4}, capture=django_capture_on_commit_callbacks)
    assert len(failing.requests) == 3


def test_owners_are_emailed_when_smtp_is_back_if_it_was_down_at_disabling(
    org, owner, make_receiver, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 1
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=make_receiver(500).url)
    # A real SMTP connection to a port nothing listens on.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 2

    emit(org, capture=django_capture_on_commit_callbacks)

    endpoint.refresh_from_db()
    assert not endpoint.active
    notice = OutboxEvent.objects.get(kind="webhook.disabled")
    assert notice.dispatched_at is None
    assert "ConnectionRefusedError" in notice.last_error
    assert not SentNotification.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutboxEvent.objects.filter(pk=notice.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_sweep() == 1
    assert [m.to for m in mailoutbox] == [[owner.email]]
    notice.refresh_from_db()
    assert notice.dispatched_at is not None


def test_a_success_resets_the_failure_count(org, make_receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    receiver = make_receiver(500)
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=receiver.url)
    webhook_attempt(delivery_id=pending_delivery(org, endpoint).delivery_id)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1

    receiver.status = 204
    WebhookDelivery.objects.all().delete()
    webhook_attempt(delivery_id=pending_delivery(org, endpoint).delivery_id)
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_reenabling_clears_failures_and_disabling_stops_pending_deliveries(org, endpoint, receiver):
    delivery = pending_delivery(org, endpoint)
    webhooks.webhook_endpoint_update(endpoint=endpoint, active=False)
    webhook_attempt(delivery_id=delivery.delivery_id)
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert receiver.requests == []
    assert delivery.attempt_log.count() == 0

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=5)
    endpoint = webhooks.webhook_endpoint_update(endpoint=endpoint, active=True)
    assert endpoint.active
    assert endpoint.consecutive_failures == 0
    assert endpoint.disabled_at is None


def test_redelivery_sends_a_finished_delivery_again_with_the_same_id(
    org, endpoint, receiver, django_capture_on_commit_callbacks
):
    emit(org, capture=django_capture_on_commit_callbacks)
    delivery = only_delivery(endpoint)
    with pytest.raises(ValidationError):
        webhooks.webhook_redeliver(delivery=pending_delivery_of_new_event(org, endpoint))

    with django_capture_on_commit_callbacks(execute=True):
        webhooks.webhook_redeliver(delivery=delivery)
    requests = receiver.wait_for(2)
    assert [r.headers["x-raci-delivery"] for r in requests] == [str(delivery.delivery_id)] * 2
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert delivery.attempt_log.count() == 2


def pending_delivery_of_new_event(org, endpoint) -> WebhookDelivery:
    with transaction.atomic():
        event = OutboxEvent.objects.create(organization=org, kind="signoff.completed")
        webhooks.webhook_fan_out(event)
    return WebhookDelivery.objects.get(endpoint=endpoint, event=event)


# URL validation ---------------------------------------------------------------------------

INVALID_URLS = [
    "",
    "ftp://files.example.com/hook",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "http:///no-host",
    "https://",
    "http://user:secret@hooks.example.com/",
    "http://hooks.example.com:99999/",
    "http://exa mple.com/",
    "https://[::1/hook",
    "hooks.example.com/raci",
    "http://bad_host!.example/",
]
# Public IP literals: accepted without looking anything up, and nothing is sent to them.
PUBLIC_URL = "https://93.184.215.14/raci"
VALID_URLS = [
    "https://93.184.215.14/raci?team=pm",
    "http://93.184.215.14:8080/hook",
    "http://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]:9000/hook",
    "  https://93.184.215.14/padded  ",
]


@pytest.mark.parametrize("url", INVALID_URLS)
def test_invalid_urls_are_refused(org, url):
    with pytest.raises(ValidationError) as error:
        webhooks.webhook_endpoint_create(organization=org, url=url)
    assert "url" in error.value.message_dict
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", VALID_URLS)
def test_http_and_https_urls_with_a_host_are_accepted(org, url):
    assert webhooks.webhook_endpoint_create(organization=org, url=url).url == url.strip()


def test_unknown_event_kinds_are_refused(org):
    with pytest.raises(ValidationError) as error:
        webhooks.webhook_endpoint_create(
            organization=org, url="https://x.example/", events=["matrix.exploded"]
        )
    assert "events" in error.value.message_dict


# The settings page ------------------------------------------------------------------------


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(org) -> str:
    return f"/o/{org.slug}/settings/webhooks/"


def test_owner_reaches_the_webhooks_pages(org, owner, endpoint):
    client = client_for(owner)
    assert client.get(page(org)).status_code == 200
    assert client.get(f"{page(org)}{endpoint.pk}/").status_code == 200
    assert client.get(f"{page(org)}{endpoint.pk}/delete/").status_code == 200


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_reach_the_webhooks_pages(org, endpoint, request, who, status):
    client = client_for(request.getfixturevalue(who))
    one = f"{page(org)}{endpoint.pk}/"
    assert client.get(page(org)).status_code == status
    assert client.get(one).status_code == status
    assert client.get(one + "delete/").status_code == status
    assert client.post(page(org), {"url": "https://x.example/"}).status_code == status
    for action in ("disable/", "delete/"):
        assert client.post(one + action).status_code == status
    endpoint.refresh_from_db()
    assert endpoint.active
    assert WebhookEndpoint.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(org):
    response = Client().get(page(org))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_page_lists_endpoints_with_state_and_shows_a_new_secret_once(org, owner, settings):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 5
    client = client_for(owner)
    response = client.post(page(org), {"url": PUBLIC_URL, "events": ["matrix.published"]})
    assert response.status_code == 200
    created = WebhookEndpoint.objects.get()
    assert created.created_by == owner
    assert created.events == ["matrix.published"]
    html = response.content.decode()
    assert created.secret in html
    assert "no-store" in response["Cache-Control"]

    later = client.get(page(org)).content.decode()
    assert created.secret not in later
    assert PUBLIC_URL in later
    assert "Active" in later

    WebhookEndpoint.objects.filter(pk=created.pk).update(
        active=False,
        disabled_at=timezone.now(),
        consecutive_failures=5,
        disabled_reason="Disabled after 5 failed",
    )
    later = client.get(page(org)).content.decode()
    assert "Disabled after 5 failed" in later
    assert "Enable" in later


def test_page_shows_url_errors_and_creates_nothing(org, owner):
    response = client_for(owner).post(page(org), {"url": "javascript:alert(1)"})
    assert response.status_code == 400
    assert "Only http:// and https:// URLs" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_owner_disables_enables_and_deletes_after_confirming(org, owner, endpoint):
    client = client_for(owner)
    assert client.post(f"{page(org)}{endpoint.pk}/disable/").status_code == 302
    endpoint.refresh_from_db()
    assert not endpoint.active
    assert client.post(f"{page(org)}{endpoint.pk}/enable/").status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.active

    confirm = client.get(f"{page(org)}{endpoint.pk}/delete/")
    assert confirm.status_code == 200
    assert "Delete webhook" in confirm.content.decode()
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert client.post(f"{page(org)}{endpoint.pk}/delete/").status_code == 302
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_another_organizations_endpoint_is_404(org, owner, receiver):
    other = webhooks.webhook_endpoint_create(organization=OrganizationFactory(), url=receiver.url)
    client = client_for(owner)
    for suffix in ("", "disable/", "delete/"):
        assert client.get(f"{page(org)}{other.pk}/{suffix}").status_code in {404, 405}
        assert client.post(f"{page(org)}{other.pk}/{suffix}").status_code in {404, 405}
    other.refresh_from_db()
    assert other.active
    assert client.get(f"{page(org)}999999/").status_code == 404


def test_detail_shows_each_attempt_and_redelivers(
    org, owner, make_receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    failing = make_receiver(500)
    endpoint = webhooks.webhook_endpoint_create(organization=org, url=failing.url)
    emit(org, capture=django_capture_on_commit_callbacks)
    delivery = only_delivery(endpoint)
    webhook_attempt(delivery_id=delivery.delivery_id, only_if_due=False)

    client = client_for(owner)
    html = client.get(f"{page(org)}{endpoint.pk}/").content.decode()
    assert str(delivery.delivery_id) in html
    assert html.count("HTTP 500") >= 2
    assert "Redeliver" in html

    failing.status = 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{page(org)}{endpoint.pk}/deliveries/{delivery.delivery_id}/redeliver/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert [a.status_code for a in delivery.attempt_log.all()] == [500, 500, 200]


def test_detail_page_queries_do_not_grow_with_deliveries(
    org, owner, endpoint, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    url = f"{page(org)}{endpoint.pk}/"

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    emit(org, capture=django_capture_on_commit_callbacks)
    few = queries()
    for n in range(8):
        emit(org, payload={"n": n}, capture=django_capture_on_commit_callbacks)
    assert queries() == few
