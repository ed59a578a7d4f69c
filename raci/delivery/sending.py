"""Sending webhooks: the body, its signature, one attempt and its bookkeeping.

A delivery is a POST of ``{"id", "event", "created_at", "data"}`` with the headers
``X-RACI-Event``, ``X-RACI-Delivery`` (the delivery's UUID, the same on every attempt and on a
redelivery, so receivers can deduplicate) and ``X-RACI-Signature: sha256=<hex>``, the HMAC-SHA256
of the exact body with the endpoint's secret. Only a 2xx answer succeeds; redirects are refused
(never followed). The host is resolved once per attempt and the POST goes to the address checked
(raci/delivery/targets.py): an address that is not public fails the delivery, unsent and not
retried. The log keeps status code, error and timing; what the receiver answered only as a short
excerpt, for endpoints whose owners opted in. Failures are retried with exponential backoff up to
``WEBHOOK_MAX_ATTEMPTS``; ``WEBHOOK_DISABLE_AFTER_FAILURES`` failed deliveries in a row disable the
endpoint and its organization's owners are emailed once (through the outbox: a
``webhook.disabled`` event, which raci/delivery/notifications.py handles).

Scheduling lives in the database (``next_attempt_at``): Celery's ``retry(countdown=...)`` is the
fast path, the retry sweep (every minute) the safety net for lost or eager-mode retries. An attempt
claims its delivery by moving ``next_attempt_at`` forward (a lease), so a duplicated task that
arrives early, or while another attempt is in flight, sends nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from http import HTTPStatus

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from raci.delivery import targets
from raci.delivery.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from raci.outbox.emit import outbox_emit

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-RACI-Signature"
# The outbox event that tells owners an endpoint was disabled (never sent to webhooks).
DISABLED_EVENT = "webhook.disabled"
USER_AGENT = "RACI-Webhooks/1"
# A duplicated task may run this much before its delivery is due and still count as on time
# (clocks of different hosts, the gap between scheduling and Celery's countdown).
DUE_SLACK = timedelta(seconds=5)
# How much of an answer an attempt keeps (``response_excerpt``), for endpoints whose owners opted in.
RESPONSE_EXCERPT = 200


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


@dataclass(frozen=True)
class _Outcome:
    status_code: int | None
    error: str
    duration_ms: int
    # What the receiver answered, cleaned and cut (``response_excerpt``); only when the owner asked.
    excerpt: str = ""
    # The target was refused (not a public address): retrying would be refused the same way.
    refused: bool = False

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error


# Control characters (C0, DEL, C1), line and paragraph separators, and the bidirectional overrides
# and isolates that could make an excerpt display as something else.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


def response_excerpt(raw: bytes, limit: int = RESPONSE_EXCERPT) -> str:
    """At most ``limit`` characters of an answer: decoded, control characters replaced by spaces,
    whitespace collapsed. Stored as text; templates escape it like any other."""
    text = _UNPRINTABLE.sub(" ", raw.decode("utf-8", "replace"))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _status_text(code: int) -> str:
    """``HTTP 503 Service Unavailable``: the standard phrase, never the one the receiver sent."""
    try:
        return f"HTTP {code} {HTTPStatus(code).phrase}"
    except ValueError:
        return f"HTTP {code}"


def _post(url: str, body: bytes, headers: dict[str, str], *, keep_excerpt: bool = False) -> _Outcome:
    """One POST to ``url``, to the address checked when resolving it, never following a redirect.

    The outcome holds the status code and timing; what the receiver said (its body, its reason
    phrase, a malformed status line) is kept only as the opted-in excerpt, so the delivery log
    cannot be used to read what answers at an address.
    """
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        target = targets.target_resolve(url)
    except targets.TargetRefused as refusal:
        return _Outcome(None, f"Not sent: {refusal}", elapsed(), refused=True)
    except targets.TargetUnresolved as failure:
        return _Outcome(None, str(failure), elapsed())

    status_code: int | None = None
    error = ""
    excerpt = ""
    connection = targets.pinned_connection(target, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    try:
        connection.request("POST", target.path, body=body, headers={**headers, "Connection": "close"})
        response = connection.getresponse()
        status_code = response.status
        if keep_excerpt:
            excerpt = response_excerpt(response.read(RESPONSE_EXCERPT * 4))
        if 300 <= status_code < 400:
            location = response_excerpt((response.getheader("Location") or "").encode(), limit=300)
            error = (
                f"{_status_text(status_code)}: redirect to {location or '(no Location)'} refused; "
                "deliveries never follow redirects."
            )
        elif not 200 <= status_code < 300:
            error = f"{_status_text(status_code)}: only a 2xx answer counts as delivered."
    except http.client.RemoteDisconnected as failure:
        error = f"{type(failure).__name__}: {failure}"
    except http.client.HTTPException as failure:  # its message may quote the answer: leave it out
        error = f"{type(failure).__name__}: the answer is not valid HTTP."
    except Exception as failure:  # refused, reset, timed out, TLS: all a failed attempt
        error = f"{type(failure).__name__}: {failure}"
    finally:
        connection.close()
    return _Outcome(status_code=status_code, error=error[:2000], duration_ms=elapsed(), excerpt=excerpt)


def post_once(url: str, body: bytes, headers: dict[str, str]) -> _Outcome:
    """One POST to a checked target, redirects refused: what chat channels send through too."""
    return _post(url, body, headers)


def webhook_attempt(*, delivery_id, only_if_due: bool = True) -> WebhookDelivery | None:
    """Make one attempt of a pending delivery and record it.

    Returns the delivery if this call attempted it (or failed it unsent because its endpoint is
    disabled), None if it did nothing: the delivery is gone or finished, its attempt is not due yet
    (``only_if_due``), or another worker is attempting it. Only the caller that attempted schedules
    the next attempt, so duplicated tasks do not multiply. After the attempt: success; or the next
    attempt scheduled (``next_attempt_at``); or, after ``WEBHOOK_MAX_ATTEMPTS``, failure, counted
    against the endpoint. A target refused at connect time (its host now resolves to a
    non-public address) fails the delivery at once, recorded with the reason, and is not retried.
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
        keep_excerpt=endpoint.log_response_excerpt,
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
            response_excerpt=outcome.excerpt,
        )
        delivery.attempts += 1
        if outcome.ok:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.completed_at = done
            delivery.next_attempt_at = None
            WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, consecutive_failures__gt=0).update(
                consecutive_failures=0
            )
        elif outcome.refused or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
            # A refused target (not a public address) would be refused again: no retry.
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
        endpoint.disabled_reason = (
            f"Disabled after {deliveries_phrase(endpoint.consecutive_failures)} in a row."
        )
        fields += ["active", "disabled_at", "disabled_reason"]
        outbox_emit(
            kind=DISABLED_EVENT,
            organization=endpoint.organization,
            payload={"endpoint": endpoint.pk, "url": endpoint.url, "disabled_at": at.isoformat()},
        )
    endpoint.save(update_fields=fields)


def webhook_due_ids(*, grace: timedelta | None = None, limit: int = 500) -> list[str]:
    """Pending deliveries overdue by more than ``grace`` (lost retries, eager mode, broker outages),
    for the retry sweep to enqueue; the due check makes a duplicate harmless."""
    if grace is None:
        grace = timedelta(seconds=settings.WEBHOOK_SWEEP_GRACE_SECONDS)
    ids = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now() - grace
        )
        .order_by("next_attempt_at")
        .values_list("delivery_id", flat=True)[:limit]
    )
    return [str(delivery_id) for delivery_id in ids]


def deliveries_phrase(n: int) -> str:
    return f"{n} failed deliver{'y' if n == 1 else 'ies'}"
