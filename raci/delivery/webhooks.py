"""Webhooks: endpoint services, the outbox fan-out, signing and delivery.

What belongs here: writes to endpoints (create, update, delete, redeliver), the reads the API and
the settings page share, the ``"*"`` outbox handler that turns an event into one delivery per
subscribed endpoint, and one delivery attempt (``webhook_attempt``) with its bookkeeping. Signing and
attempts are in raci/delivery/sending.py; Celery tasks in raci/delivery/tasks.py.

A delivery is a POST of ``{"id", "event", "created_at", "data"}`` with the headers
``X-RACI-Event``, ``X-RACI-Delivery`` (the delivery's UUID, the same on every attempt and on a
redelivery, so receivers can deduplicate) and ``X-RACI-Signature: sha256=<hex>``, the HMAC-SHA256
of the exact body with the endpoint's secret. Only a 2xx answer succeeds; redirects are refused
(never followed). URLs must point at public addresses (raci/delivery/targets.py), checked at
registration here and again at every attempt. Failures are retried with exponential backoff up to
``WEBHOOK_MAX_ATTEMPTS``; ``WEBHOOK_DISABLE_AFTER_FAILURES`` failed deliveries in a row disable the
endpoint and its organization's owners are emailed once (through the outbox: a
``webhook.disabled`` event).

Scheduling lives in the database (``next_attempt_at``): Celery's ``retry(countdown=...)`` is the
fast path, ``webhook_retry_sweep`` (every minute) the safety net for lost or eager-mode retries.
An attempt claims its delivery by moving ``next_attempt_at`` forward (a lease), so a duplicated
task that arrives early, or while another attempt is in flight, sends nothing.
"""

from __future__ import annotations

import ipaddress
import re
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from raci.delivery.models import WEBHOOK_EVENTS, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from raci.delivery.targets import target_refusal
from raci.delivery.tasks import deliver_webhook
from raci.outbox.handlers import enqueue_on_commit, outbox_handler
from raci.outbox.models import OutboxEvent

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


def webhook_target_validate(url: str) -> None:
    """Refuse (ValidationError on ``url``) a URL whose host is not a public address or does not
    resolve. Looks the host up: call it outside any transaction that holds locks."""
    refusal = target_refusal(url)
    if refusal is not None:
        raise ValidationError({"url": [refusal]})


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
    *,
    organization,
    url: str,
    events: Iterable[str] | None = None,
    log_response_excerpt: bool = False,
    created_by=None,
) -> WebhookEndpoint:
    """A new active endpoint with a server-generated secret (``endpoint.secret``: show it once).

    The URL must point at a public address (raci/delivery/targets.py); ``log_response_excerpt``
    keeps a short excerpt of each answer in the delivery log.
    """
    url = webhook_url_validate(url)
    endpoint = WebhookEndpoint(
        organization=organization,
        url=url,
        events=webhook_events_validate(events),
        log_response_excerpt=bool(log_response_excerpt),
        secret="whsec_" + secrets.token_urlsafe(32),
        created_by=created_by,
    )
    webhook_target_validate(url)
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def webhook_endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    events: Iterable[str] | None = None,
    active: bool | None = None,
    log_response_excerpt: bool | None = None,
) -> WebhookEndpoint:
    """Change the URL, the events, whether answers are excerpted, or switch the endpoint on or off.

    Switching it on clears the failure count, so a fixed receiver starts with a clean slate;
    switching it off stops pending deliveries (they fail without being sent). Turning excerpts
    off also clears the excerpts already kept.
    """
    # Validated before the row is locked: checking the URL's target looks its host up.
    if url is not None:
        url = webhook_url_validate(url)
    if events is not None:
        events = webhook_events_validate(events)
    if url is not None:
        webhook_target_validate(url)
    with transaction.atomic():
        locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        fields: list[str] = []
        if url is not None:
            locked.url = url
            fields.append("url")
        if events is not None:
            locked.events = events
            fields.append("events")
        if log_response_excerpt is not None and log_response_excerpt != locked.log_response_excerpt:
            locked.log_response_excerpt = log_response_excerpt
            fields.append("log_response_excerpt")
            if not log_response_excerpt:
                WebhookAttempt.objects.filter(delivery__endpoint=locked).exclude(response_excerpt="").update(
                    response_excerpt=""
                )
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
