"""Telling the people a comment @mentions: one email each, sent once (``send_email_once``), from
the outbox's ``discussion.mentioned`` event. Chat channels hear it in raci/delivery/chat.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from raci.discussion.services import MENTIONED_EVENT
from raci.outbox.handlers import outbox_handler, send_email_once
from raci.outbox.models import OutboxEvent


def thread_url(payload: dict) -> str:
    """The thread's page, absolute (``SITE_URL``): where an email or a chat message leads."""
    path = reverse(
        "discussion-thread", args=[payload["organization"], payload["matrix"]["id"], payload["thread"]]
    )
    return settings.SITE_URL.rstrip("/") + path


def mention_line(payload: dict, *, whom: str = "you") -> str:
    """ "ben mentioned you on Ownership: Pricing (PM)", on one line (names refuse breaks, old rows
    may not)."""
    where = payload["task"]["name"] + (f" ({payload['role']})" if payload.get("role") else "")
    text = f"{payload['author'] or 'Someone'} mentioned {whom} on {payload['matrix']['name']}: {where}"
    return " ".join(text.split())


@outbox_handler(MENTIONED_EVENT)
def mention_emails(event: OutboxEvent) -> None:
    payload = event.payload
    subject = "[RACI] " + mention_line(payload)
    body = (
        f"{payload['author'] or 'Someone'} wrote in the discussion of {payload['matrix']['name']}:\n\n"
        f"{payload['excerpt']}\n\n"
        f"Reply or read the thread: {thread_url(payload)}\n"
    )
    # Members still: someone removed since the comment hears nothing.
    users = (
        get_user_model()
        .objects.filter(pk__in=payload["mentioned"], memberships__organization_id=event.organization_id)
        .exclude(email="")
        .order_by("pk")
    )
    for user in users:
        send_email_once(
            key=f"mention:{payload['comment']}:user:{user.pk}", subject=subject, body=body, to=[user.email]
        )
