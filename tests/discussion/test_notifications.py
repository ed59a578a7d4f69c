"""A mention travels through the outbox: one email per person mentioned, sent once, and a message to
chat channels that chose "discussion" (a real HTTP receiver on 127.0.0.1)."""

from __future__ import annotations

import json

import pytest
from django.core import mail

from raci.delivery import chat
from raci.delivery.models import ChatMessage
from raci.discussion.services import MENTIONED_EVENT, comment_add
from raci.outbox.handlers import outbox_dispatch
from raci.outbox.models import OutboxEvent
from tests.delivery.test_webhooks import Receiver


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the receiver is on 127.0.0.1
    settings.SITE_URL = "https://raci.example"
    server = Receiver()
    yield server
    server.close()


def test_each_person_mentioned_gets_one_email_with_a_link_to_the_thread(
    thread, owner, editor, viewer, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://raci.example"
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(thread=thread, body="@editor @viewer @editor can you agree?", author=owner)
    assert sorted(message.to[0] for message in mail.outbox) == [editor.email, viewer.email]
    message = mail.outbox[0]
    assert message.subject == "[RACI] owner mentioned you on Ownership: Task 0 (PM)"
    assert "can you agree?" in message.body
    matrix = thread.matrix
    assert (
        f"https://raci.example/o/{matrix.organization.slug}/m/{matrix.pk}/discussion/{thread.pk}/"
        in message.body
    )


def test_a_mention_is_emailed_once_even_if_the_event_is_dispatched_again(
    thread, owner, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(thread=thread, body="@editor once", author=owner)
    event = OutboxEvent.objects.get(kind=MENTIONED_EVENT)
    OutboxEvent.objects.filter(pk=event.pk).update(dispatched_at=None)
    outbox_dispatch(event.pk)
    assert len(mail.outbox) == 1


def test_someone_removed_before_the_email_goes_is_not_told(thread, owner, editor, org):
    comment_add(thread=thread, body="@editor soon", author=owner)
    org.memberships.filter(user=editor).delete()
    outbox_dispatch(OutboxEvent.objects.get(kind=MENTIONED_EVENT).pk)
    assert mail.outbox == []


def test_a_channel_that_chose_discussion_hears_the_mention_in_slack_blocks(
    thread, org, owner, editor, receiver, django_capture_on_commit_callbacks
):
    chat.chat_channel_create(
        organization=org, platform="slack", name="#product", url=receiver.url, events=["discussion"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(thread=thread, body="@editor <b>bold</b> move?", author=owner)
    (request,) = receiver.wait_for(1)
    body = json.loads(request.body)
    assert body["text"] == "owner mentioned @editor on Ownership: Task 0 (PM)"
    assert "@editor &lt;b&gt;bold&lt;/b&gt; move?" in body["blocks"][1]["text"]["text"]
    assert body["blocks"][-1]["elements"][0]["url"].endswith(f"/discussion/{thread.pk}/")


def test_a_channel_that_did_not_choose_discussion_hears_nothing(
    thread, org, owner, editor, receiver, django_capture_on_commit_callbacks
):
    chat.chat_channel_create(
        organization=org, platform="teams", name="#product", url=receiver.url, events=["publication"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        comment_add(thread=thread, body="@editor quiet", author=owner)
    assert not ChatMessage.objects.exists()
