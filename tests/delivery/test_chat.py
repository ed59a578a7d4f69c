"""Chat channels: Slack and Teams messages in each platform's shape, sent through the outbox to a
real HTTP receiver on 127.0.0.1, retried, disabled after repeated failure; the settings page and API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from raci.delivery import chat
from raci.delivery.chat_format import ChatNote, slack_message, teams_message
from raci.delivery.models import ChatChannel, ChatMessage
from raci.delivery.notifications import review_reminders_send
from raci.matrices.cells import CellChange, grid_apply_changes
from raci.matrices.history import SYSTEM
from raci.revisions.models import SignOff
from raci.revisions.services import matrix_publish, signoff_decide
from tests.delivery.test_webhooks import Receiver
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the receiver is on 127.0.0.1
    settings.SITE_URL = "https://raci.example"
    server = Receiver()
    yield server
    server.close()


def connect(org, receiver, platform="slack", events=()):
    return chat.chat_channel_create(
        organization=org, platform=platform, name="#product", url=receiver.url, events=list(events)
    )


def bodies(receiver, count=1) -> list[dict]:
    return [json.loads(request.body) for request in receiver.wait_for(count)]


def assert_slack_shape(body: dict) -> None:
    """Block Kit as an incoming webhook takes it: fallback text, a header, then sections and actions."""
    assert isinstance(body["text"], str)
    assert body["text"]
    kinds = [block["type"] for block in body["blocks"]]
    assert kinds[0] == "header"
    assert kinds[-1] == "actions"
    assert set(kinds) <= {"header", "section", "actions"}
    assert body["blocks"][0]["text"]["type"] == "plain_text"
    for block in body["blocks"]:
        if block["type"] == "section":
            assert block["text"]["type"] == "mrkdwn"
            assert len(block["text"]["text"]) <= 3000
    (button,) = body["blocks"][-1]["elements"]
    assert button["type"] == "button"
    assert button["url"].startswith("https://raci.example/")


def assert_teams_shape(body: dict) -> None:
    """A Teams workflow webhook message: one attachment holding an Adaptive Card."""
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"
    assert card["version"] == "1.4"
    assert all(block["type"] == "TextBlock" for block in card["body"])
    (action,) = card["actions"]
    assert action["type"] == "Action.OpenUrl"
    assert action["url"].startswith("https://raci.example/")


# Formats (pure) --------------------------------------------------------------------------------


def test_slack_escapes_names_so_they_cannot_mention_or_link():
    body = slack_message(ChatNote("Plan", ("<!channel> & <https://evil|click>",), "https://raci.example/x"))

    assert body["blocks"][1]["text"]["text"] == "• &lt;!channel&gt; &amp; &lt;https://evil|click&gt;"


def test_teams_card_writes_every_line_as_a_wrapped_text_block():
    body = teams_message(ChatNote("Plan", ("one", "two"), "https://raci.example/x"))

    texts = [block["text"] for block in body["attachments"][0]["content"]["body"]]
    assert texts == ["Plan", "one", "two"]


# Events through the outbox to a receiver ------------------------------------------------------------


def test_publication_reaches_slack_in_block_kit_with_a_link_to_the_revision(
    org, build_matrix, receiver, django_capture_on_commit_callbacks
):
    connect(org, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        matrix = build_matrix(organization=org, tasks=2, roles=2, published=True)

    (body,) = bodies(receiver)
    assert_slack_shape(body)
    assert body["text"] == "Ownership: revision 1 published"
    assert "First publication: 2 tasks, 2 roles." in body["blocks"][1]["text"]["text"]
    assert body["blocks"][-1]["elements"][0]["url"] == (
        f"https://raci.example/o/{org.slug}/m/{matrix.pk}/revisions/1/"
    )
    assert receiver.requests[0].headers["content-type"].startswith("application/json")


def test_second_publication_says_what_changed_and_for_which_roles_in_a_teams_card(
    org, build_matrix, receiver, django_capture_on_commit_callbacks
):
    matrix = build_matrix(organization=org, tasks=["Roadmap", "Pricing"], roles=["PM", "PMM"], published=True)
    connect(org, receiver, platform="teams")
    grid_apply_changes(
        matrix=matrix,
        actor=SYSTEM,
        changes=[CellChange(task=matrix.tasks.get(name="Pricing").pk, role="PMM", expected="", letters="C")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        matrix_publish(matrix=matrix, override_reason="test")

    (body,) = bodies(receiver)
    assert_teams_shape(body)
    texts = [block["text"] for block in body["attachments"][0]["content"]["body"]]
    assert texts[0] == "Ownership: revision 2 published"
    assert "1 letters changed, for PMM:" in texts
    assert "Pricing, PMM: — → C" in texts


def test_sign_off_requested_and_decided_reach_channels_that_chose_them(
    org, owner, build_matrix, receiver, django_capture_on_commit_callbacks
):
    matrix = build_matrix(organization=org, tasks=2, roles=2, people=True)
    connect(org, receiver, events=["signoff.requested", "signoff.decided"])
    with django_capture_on_commit_callbacks(execute=True):
        matrix_publish(matrix=matrix, require_signoff=True, override_reason="test")
    requested = bodies(receiver)[0]
    assert requested["text"] == "Ownership: sign-off requested on revision 1"
    assert "Asked to sign off:" in requested["blocks"][1]["text"]["text"]

    with django_capture_on_commit_callbacks(execute=True):
        for signoff in SignOff.objects.filter(revision__matrix=matrix):
            signoff_decide(signoff=signoff, user=owner, decision="approved")
    decided = bodies(receiver, 2)[1]
    assert decided["text"] == "Ownership: revision 1 signed off"


def test_review_due_reaches_the_channel(org, build_matrix, receiver, django_capture_on_commit_callbacks):
    build_matrix(organization=org, tasks=2, roles=2, published=True)
    connect(org, receiver, events=["review.due"])

    with django_capture_on_commit_callbacks(execute=True):
        review_reminders_send(now=timezone.now() + timedelta(days=400))

    (body,) = bodies(receiver)
    assert body["text"] == "Ownership is due for review"


def test_a_channel_hears_only_the_events_it_chose(
    org, build_matrix, receiver, django_capture_on_commit_callbacks
):
    channel = connect(org, receiver, events=["review.due"])
    with django_capture_on_commit_callbacks(execute=True):
        build_matrix(organization=org, tasks=2, roles=2, published=True)

    assert not ChatMessage.objects.filter(channel=channel).exists()
    assert receiver.requests == []


# Retries, redirects, disabling ---------------------------------------------------------------------


def test_a_failing_message_is_retried_then_fails_and_the_channel_is_disabled(org, settings, receiver):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 1
    receiver.status = 500
    channel = connect(org, receiver)

    message = chat.chat_channel_test(channel=channel)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_status_code) == ("pending", 1, 500)
    assert message.next_attempt_at > timezone.now()
    ChatMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    chat.chat_attempt(message_id=message.pk)

    message.refresh_from_db()
    channel.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 2)
    assert len(receiver.requests) == 2
    assert not channel.active
    assert channel.disabled_reason == "Disabled after 1 failed messages in a row."


def test_a_redirect_is_a_failure_and_is_not_followed(org, receiver):
    receiver.status = 302
    receiver.location = receiver.url + "/elsewhere"
    channel = connect(org, receiver)

    message = chat.chat_channel_test(channel=channel)

    message.refresh_from_db()
    assert "redirect" in message.last_error
    assert len(receiver.wait_for(1)) == 1


def test_a_message_for_a_disabled_channel_is_not_sent(org, receiver):
    channel = connect(org, receiver)
    message = ChatMessage.objects.create(channel=channel, kind="test", body={"text": "x"})
    chat.chat_channel_update(channel=channel, active=False)

    chat.chat_attempt(message_id=message.pk)

    message.refresh_from_db()
    assert message.status == "failed"
    assert receiver.requests == []


def test_the_sweep_finds_overdue_messages(org, receiver):
    channel = connect(org, receiver)
    overdue = ChatMessage.objects.create(
        channel=channel, kind="test", body={}, next_attempt_at=timezone.now() - timedelta(minutes=5)
    )
    ChatMessage.objects.create(channel=channel, kind="test", body={}, next_attempt_at=timezone.now())

    assert chat.chat_due_ids() == [overdue.pk]


# Settings page and API ---------------------------------------------------------------------------


def test_owner_connects_a_channel_and_sends_a_test_message_from_the_page(client, owner, org, receiver):
    client.force_login(owner)
    url = reverse("settings-chat", args=[org.slug])

    created = client.post(
        url, {"platform": "teams", "name": "#leads", "url": receiver.url, "events": ["publication"]}
    )
    channel = ChatChannel.objects.get()
    tested = client.post(reverse("settings-chat-test", args=[org.slug, channel.pk]), follow=True)

    assert created.status_code == 302
    assert channel.events == ["publication"]
    assert "Test message sent to Microsoft Teams: #leads." in tested.content.decode()
    (body,) = bodies(receiver)
    assert_teams_shape(body)
    assert receiver.url not in tested.content.decode()  # the URL is a credential: never shown


def test_a_private_address_is_refused_with_a_clear_error_and_nothing_saved(client, owner, org):
    client.force_login(owner)

    response = client.post(
        reverse("settings-chat", args=[org.slug]),
        {"platform": "slack", "name": "#x", "url": "http://127.0.0.1:9/hook"},
    )

    assert response.status_code == 400
    assert not ChatChannel.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_reach_the_chat_settings(client, org, who, status, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("settings-chat", args=[org.slug])).status_code == status


def test_api_connects_lists_updates_and_tests_a_channel_without_ever_answering_the_url(
    client_for, owner, org, receiver
):
    api = client_for(owner)
    created = api.post(
        reverse("api-chat-channels", args=[org.slug]),
        {"platform": "slack", "name": "#product", "url": receiver.url, "events": ["publication"]},
        format="json",
    )
    assert created.status_code == 201
    channel_url = reverse("api-chat-channel", args=[org.slug, created.json()["id"]])

    updated = api.patch(channel_url, {"events": ["review.due", "publication"]}, format="json")
    tested = api.post(reverse("api-chat-channel-test", args=[org.slug, created.json()["id"]]))
    listed = api.get(reverse("api-chat-channels", args=[org.slug]))

    assert updated.json()["events"] == ["publication", "review.due"]
    assert tested.status_code == 202
    assert tested.json()["status"] == "sent"
    assert_slack_shape(bodies(receiver)[0])
    for response in (created, updated, listed):
        assert receiver.url not in response.content.decode()
    assert listed.json()["results"][0]["url_hint"] == "127.0.0.1/…"


def test_api_refuses_unknown_events_and_changes_nothing(client_for, owner, org, receiver):
    response = client_for(owner).post(
        reverse("api-chat-channels", args=[org.slug]),
        {"platform": "slack", "name": "#x", "url": receiver.url, "events": ["everything"]},
        format="json",
    )

    assert_error(response, 400)
    assert not ChatChannel.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_api_chat_channels_are_owners_only(client_for, org, who, status, request):
    response = client_for(request.getfixturevalue(who)).get(reverse("api-chat-channels", args=[org.slug]))

    assert response.status_code == status
