"""Webhooks: endpoint services, the outbox fan-out, signing and delivery.

What belongs here: writes to endpoints (create, update, delete, redeliver), the reads the API and
the settings page share, the ``"*"`` outbox handler that turns an event into one delivery per
subscribed endpoint, and one delivery attempt (``webhook_attempt``) with its bookkeeping. Celery
tasks in raci/tasks.py take ids and call these functions.

A delivery is a POST of ``{"id", "event", "created_at", "data"}`` with the headers
``X-RACI-Event``, ``X-RACI-Delivery`` (the delivery's UUID, the same on every attempt and on a
redelivery, so receivers can deduplicate) and ``X-RACI-Signature: sha256=<hex>``, the HMAC-SHA256
of the exact body with the endpoint's secret. Only a 2xx answer succeeds; redirects are refused
(never followed). Failures are retried with exponential backoff up to ``WEBHOOK_MAX_ATTEMPTS``;
``WEBHOOK_DISABLE_AFTER_FAILURES`` failed deliveries in a row disable the endpoint and its
organization's owners are emailed once (through the outbox: a ``webhook.disabled`` event).

Scheduling lives in the database (``next_attempt_at``): Celery's ``retry(countdown=...)`` is the
fast path, ``webhook_retry_sweep`` (every minute) the safety net for lost or eager-mode retries.
An attempt claims its delivery by moving ``next_attempt_at`` forward (a lease), so a duplicated
task that arrives early, or while another attempt is in flight, sends nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import re
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from orgs.models import Membership
from raci.delivery_models import (
    WEBHOOK_EVENTS,
    OutboxEvent,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from raci.outbox import enqueue_on_commit, outbox_emit, outbox_handler, send_email_once

logger = logging.getLogger(__name__)

__all__ = [
    "WEBHOOK_EVENTS",
    "webhook_attempt",
    "webhook_backoff",
    "webhook_body",
    "webhook_deliveries_for",
    "webhook_endpoint_create",
    "webhook_endpoint_delete",
    "webhook_endpoint_disabled_notify",
    "webhook_endpoint_update",
    "webhook_endpoints_for",
    "webhook_events_validate",
    "webhook_fan_out",
    "webhook_redeliver",
    "webhook_retry_sweep",
    "webhook_sign",
    "webhook_url_validate",
    "webhook_verify",
]

SIGNATURE_HEADER = "X-RACI-Signature"
# The outbox event that tells owners an endpoint was disabled (never sent to webhooks).
DISABLED_EVENT = "webhook.disabled"
USER_AGENT = "RACI-Webhooks/1"
# A duplicated task may run this much before its delivery is due and still count as on time
# (clocks of different hosts, the gap between scheduling and Celery's countdown).
DUE_SLACK = timedelta(seconds=5)
# How much of a failing answer's body is kept in the attempt's error.
ERROR_EXCERPT = 300
_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*\.?$"
)


# Validation ------------------------------------------------------------------------------


def webhook_url_validate(url: str) -> str:
    """The URL, stripped, if it is http(s) with a host and no credentials; else ValidationError."""
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": ["Enter the URL deliveries are POSTed to."]})
    if len(url) > 2000:
        raise ValidationError({"url": ["The URL is longer than 2000 characters."]})
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValidationError({"url": ["The URL contains spaces or control characters."]})
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError({"url": ["This is not a valid URL."]}) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError({"url": ["Only http:// and https:// URLs are accepted."]})
    if parts.username is not None or parts.password is not None:
        raise ValidationError(
            {"url": ["Credentials in the URL are not accepted; receivers check the signature instead."]}
        )
    host = parts.hostname
    if not host:
        raise ValidationError({"url": ["The URL needs a host, as in https://hooks.example.com/raci."]})
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise ValidationError({"url": ["The URL's host is not valid."]}) from None
    elif not _HOST.match(host):
        raise ValidationError({"url": ["The URL's host is not valid."]})
    if port == 0:
        raise ValidationError({"url": ["The URL's port is not valid."]})
    return url


def webhook_events_validate(events: Iterable[str] | None) -> list[str]:
    """Known event kinds, deduplicated, in WEBHOOK_EVENTS order; empty means every kind."""
    if events is None:
        return []
    if isinstance(events, str):
        raise ValidationError({"events": ["Give a list of event kinds."]})
    wanted = list(events)
    unknown = sorted({str(kind) for kind in wanted} - set(WEBHOOK_EVENTS))
    if unknown:
        raise ValidationError(
            {"events": [f"Unknown event {', '.join(unknown)}; choose from {', '.join(WEBHOOK_EVENTS)}."]}
        )
    return [kind for kind in WEBHOOK_EVENTS if kind in wanted]


# Selectors -------------------------------------------------------------------------------


def webhook_endpoints_for(organization) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(organization=organization).order_by("created_at", "id")


def webhook_deliveries_for(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    """An endpoint's deliveries, newest first, with their attempts (two queries a page)."""
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .prefetch_related(Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("at", "id")))
        .order_by("-created_at", "-id")
    )


# Endpoint services -----------------------------------------------------------------------


def webhook_endpoint_create(
    *, organization, url: str, events: Iterable[str] | None = None, created_by=None
) -> WebhookEndpoint:
    """A new active endpoint with a server-generated secret (``endpoint.secret``: show it once)."""
    endpoint = WebhookEndpoint(
        organization=organization,
        url=webhook_url_validate(url),
        events=webhook_events_validate(events),
        secret="whsec_" + secrets.token_urlsafe(32),
        created_by=created_by,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: Iterable[str] | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """Change the URL, the events, or switch the endpoint on or off.

    Switching it on clears the failure count, so a fixed receiver starts with a clean slate;
    switching it off stops pending deliveries (they fail without being sent).
    """
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        fields: list[str] = []
        if url is not None:
            locked.url = webhook_url_validate(url)
            fields.append("url")
        if events is not None:
            locked.events = webhook_events_validate(events)
            fields.append("events")
        if active is not None and active != locked.active:
            locked.active = active
            if active:
                locked.consecutive_failures = 0
                locked.disabled_at = None
                locked.disabled_reason = ""
            else:
                locked.disabled_at = timezone.now()
                locked.disabled_reason = "Disabled by an owner."
            fields += ["active", "consecutive_failures", "disabled_at", "disabled_reason"]
        if fields:
            locked.full_clean()
            locked.save(update_fields=fields)
    return locked


def webhook_endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its deliveries and attempts; queued tasks then find nothing to send."""
    endpoint.delete()


def webhook_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a finished delivery again, same delivery id, as a new round of attempts.

    Refused (ValidationError with code ``conflict``) while it is still pending or when the
    endpoint is disabled.
    """
    from raci.tasks import deliver_webhook

    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
        if locked.status == WebhookDelivery.Status.PENDING:
            raise ValidationError("This delivery is still being attempted.", code="conflict")
        if not locked.endpoint.active:
            raise ValidationError("The endpoint is disabled; enable it before redelivering.", code="conflict")
        locked.status = WebhookDelivery.Status.PENDING
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.completed_at = None
        locked.save(update_fields=["status", "attempts", "next_attempt_at", "completed_at"])
        enqueue_on_commit(deliver_webhook, str(locked.delivery_id))
    return locked


# Fan-out ---------------------------------------------------------------------------------


@outbox_handler("*")
def webhook_fan_out(event: OutboxEvent) -> None:
    """One delivery per active endpoint of the event's organization that receives its kind.

    Runs inside the outbox dispatch (the event row locked); a re-dispatch creates no duplicates
    (unique endpoint + event). Each new delivery is enqueued after the dispatch commits.
    """
    if event.kind not in WEBHOOK_EVENTS or event.organization_id is None:
        return
    from raci.tasks import deliver_webhook

    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(organization_id=event.organization_id, active=True)
        if endpoint.receives(event.kind)
    ]
    if not endpoints:
        return
    done = set(WebhookDelivery.objects.filter(event=event).values_list("endpoint_id", flat=True))
    now = timezone.now()
    created = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                endpoint=endpoint,
                event=event,
                kind=event.kind,
                payload=event.payload,
                created_at=event.created_at,
                next_attempt_at=now,
            )
            for endpoint in endpoints
            if endpoint.pk not in done
        ]
    )
    for delivery in created:
        enqueue_on_commit(deliver_webhook, str(delivery.delivery_id))


# Signing and sending ---------------------------------------------------------------------


def webhook_sign(secret: str, body: bytes) -> str:
    """The X-RACI-Signature value: ``sha256=`` and the hex HMAC-SHA256 of ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_verify(secret: str, body: bytes, signature: str) -> bool:
    """What a receiver does: recompute the signature over the raw body and compare in constant time."""
    return hmac.compare_digest(webhook_sign(secret, body), signature or "")


def webhook_body(delivery: WebhookDelivery) -> bytes:
    document = {
        "id": str(delivery.delivery_id),
        "event": delivery.kind,
        "created_at": delivery.created_at,
        "data": delivery.payload,
    }
    return json.dumps(document, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False).encode()


def webhook_backoff(attempts: int) -> int:
    """Seconds before the next attempt after ``attempts`` failed ones: 20, 40, 80 … capped at an hour."""
    return min(2 ** max(attempts, 0) * 10, 3600)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: urllib then raises HTTPError with the 3xx code, a failed attempt."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


@dataclass(frozen=True)
class _Outcome:
    status_code: int | None
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error


def _excerpt(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip()
    return text[:ERROR_EXCERPT]


def _post(url: str, body: bytes, headers: dict[str, str]) -> _Outcome:
    opener = urllib.request.build_opener(_RefuseRedirects)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.monotonic()
    status_code: int | None = None
    error = ""
    try:
        with opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            status_code = response.status
            response.read(1024)
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}: only a 2xx answer counts as delivered."
    except urllib.error.HTTPError as failure:
        status_code = failure.code
        if 300 <= failure.code < 400:
            location = failure.headers.get("Location", "") if failure.headers else ""
            error = (
                f"HTTP {failure.code} redirect to {location or '(no Location)'} refused: "
                "deliveries never follow redirects."
            )
        else:
            try:
                body_excerpt = _excerpt(failure.read(ERROR_EXCERPT * 4))
            except Exception:
                body_excerpt = ""
            error = f"HTTP {failure.code} {failure.reason}" + (f": {body_excerpt}" if body_excerpt else "")
        failure.close()
    except urllib.error.URLError as failure:
        reason = failure.reason
        error = f"{type(reason).__name__}: {reason}" if isinstance(reason, BaseException) else str(reason)
    except Exception as failure:  # timeouts, resets, malformed answers: all a failed attempt
        error = f"{type(failure).__name__}: {failure}"
    duration_ms = int((time.monotonic() - started) * 1000)
    return _Outcome(status_code=status_code, error=error[:2000], duration_ms=duration_ms)


def webhook_attempt(*, delivery_id, only_if_due: bool = True) -> WebhookDelivery | None:
    """Make one attempt of a pending delivery and record it.

    Returns the delivery if this call attempted it (or failed it unsent because its endpoint is
    disabled), None if it did nothing: the delivery is gone or finished, its attempt is not due yet
    (``only_if_due``), or another worker is attempting it. Only the caller that attempted schedules
    the next attempt, so duplicated tasks do not multiply. After the attempt: success; or the next
    attempt scheduled (``next_attempt_at``); or, after ``WEBHOOK_MAX_ATTEMPTS``, failure, counted
    against the endpoint.
    """
    now = timezone.now()
    # 1. Claim, in a short transaction: no database transaction stays open during the POST.
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(delivery_id=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return None
        if only_if_due and delivery.next_attempt_at and delivery.next_attempt_at > now + DUE_SLACK:
            return None
        endpoint = delivery.endpoint
        if not endpoint.active:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.completed_at = now
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "completed_at", "next_attempt_at"])
            return delivery
        # The lease: a duplicate task arriving during the POST finds the delivery not due.
        delivery.next_attempt_at = now + timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 2 + 60)
        delivery.save(update_fields=["next_attempt_at"])

    # 2. The POST.
    body = webhook_body(delivery)
    outcome = _post(
        endpoint.url,
        body,
        {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-RACI-Event": delivery.kind,
            "X-RACI-Delivery": str(delivery.delivery_id),
            SIGNATURE_HEADER: webhook_sign(endpoint.secret, body),
        },
    )

    # 3. Record the attempt and decide what comes next.
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery.pk).first()
        if delivery is None:  # the endpoint was deleted meanwhile
            return None
        done = timezone.now()
        WebhookAttempt.objects.create(
            delivery=delivery,
            at=now,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
        delivery.attempts += 1
        if outcome.ok:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.completed_at = done
            delivery.next_attempt_at = None
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, consecutive_failures__gt=0).update(
                consecutive_failures=0
            )
        elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.completed_at = done
            delivery.next_attempt_at = None
            _endpoint_delivery_failed(delivery.endpoint_id, at=done)
        else:
            delivery.next_attempt_at = done + timedelta(seconds=webhook_backoff(delivery.attempts))
        delivery.save(update_fields=["attempts", "status", "completed_at", "next_attempt_at"])
    if not outcome.ok:
        logger.info(
            "Webhook delivery %s attempt %d failed: %s",
            delivery.delivery_id,
            delivery.attempts,
            outcome.error,
        )
    return delivery


def _endpoint_delivery_failed(endpoint_id: int, *, at) -> None:
    """Count a failed delivery; at the threshold disable the endpoint and tell the owners.

    The owners' email goes through the outbox (a ``webhook.disabled`` event in this transaction),
    so it is sent even if the broker is down at this moment.
    """
    endpoint = (
        WebhookEndpoint.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=endpoint_id)
    )
    endpoint.consecutive_failures += 1
    fields = ["consecutive_failures"]
    if endpoint.active and endpoint.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
        endpoint.active = False
        endpoint.disabled_at = at
        endpoint.disabled_reason = f"Disabled after {_deliveries(endpoint.consecutive_failures)} in a row."
        fields += ["active", "disabled_at", "disabled_reason"]
        outbox_emit(
            kind=DISABLED_EVENT,
            organization=endpoint.organization,
            payload={"endpoint": endpoint.pk, "url": endpoint.url, "disabled_at": at.isoformat()},
        )
    endpoint.save(update_fields=fields)


@outbox_handler(DISABLED_EVENT)
def webhook_disabled_tell_owners(event: OutboxEvent) -> None:
    """Email the owners (once each, send_once); an SMTP failure makes the sweep try again."""
    webhook_endpoint_disabled_notify(
        endpoint_id=event.payload["endpoint"], disabled_at=event.payload["disabled_at"]
    )


def webhook_retry_sweep(*, grace: timedelta | None = None, limit: int = 500) -> int:
    """Enqueue pending deliveries overdue by more than ``grace`` (lost retries, eager mode, broker
    outages). Returns how many were enqueued; the due check makes a duplicate harmless."""
    from raci.tasks import deliver_webhook

    if grace is None:
        grace = timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS)
    ids = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now() - grace
        )
        .order_by("next_attempt_at")
        .values_list("delivery_id", flat=True)[:limit]
    )
    for delivery_id in ids:
        enqueue_on_commit(deliver_webhook, str(delivery_id))
    return len(ids)


def _deliveries(n: int) -> str:
    return f"{n} failed deliver{'y' if n == 1 else 'ies'}"


def webhook_settings_path(organization) -> str:
    try:
        return reverse("settings-webhooks", args=[organization.slug])
    except NoReverseMatch:
        return f"/o/{organization.slug}/settings/webhooks/"


def webhook_endpoint_disabled_notify(*, endpoint_id: int, disabled_at: str) -> int:
    """Email the organization's owners that the endpoint was disabled; once per owner and disabling.

    Returns the number of emails sent by this call.
    """
    endpoint = WebhookEndpoint.objects.select_related("organization").filter(pk=endpoint_id).first()
    if endpoint is None:
        return 0
    organization = endpoint.organization
    last = (
        WebhookAttempt.objects.filter(delivery__endpoint=endpoint, error__gt="")
        .order_by("-at", "-id")
        .values_list("error", flat=True)
        .first()
    )
    owners = (
        Membership.objects.filter(organization=organization, level=Membership.Level.OWNER)
        .select_related("user")
        .order_by("user_id")
    )
    subject = f"Webhook disabled: {endpoint.url}"
    body = (
        f"The webhook endpoint {endpoint.url} of {organization.name} was disabled after "
        f"{_deliveries(endpoint.consecutive_failures)} in a row.\n\n"
        + (f"Last error: {last}\n\n" if last else "")
        + "No events are sent to it until an owner enables it again on the webhooks page "
        f"({webhook_settings_path(organization)}); failed deliveries can then be redelivered.\n"
    )
    sent = 0
    for membership in owners:
        user = membership.user
        if send_email_once(
            key=f"webhook-disabled:{endpoint.pk}:{disabled_at}:{user.pk}",
            subject=subject,
            body=body,
            to=[user.email],
        ):
            sent += 1
    return sent
