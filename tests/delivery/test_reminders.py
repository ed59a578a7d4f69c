"""Acknowledgement reminders (raci/delivery/reminders.py): who is reminded, when, how often, by
email and in chat (one message per matrix, in each platform's shape, to the matrix's team's
channels); the periodic task and ``manage.py send_reminders``; the review-due event."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from orgs.teams import holding_add
from raci.delivery import chat, tasks
from raci.delivery.models import AcknowledgementReminder, ChatMessage
from raci.delivery.reminders import acknowledgement_reminders_send
from raci.revisions.models import Acknowledgement, Revision
from tests.delivery.test_chat import assert_slack_shape, assert_teams_shape, bodies
from tests.delivery.test_webhooks import Receiver
from tests.factories import PersonFactory, RoleFactory, TeamFactory, UserFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True  # the receiver is on 127.0.0.1
    settings.SITE_URL = "https://raci.example"
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _three_days(settings):
    settings.ACKNOWLEDGEMENT_REMINDER_DAYS = 3


def person(org, role, *, team=None, linked=True, **fields):
    someone = PersonFactory(organization=org, user=UserFactory() if linked else None, **fields)
    holding_add(person=someone, role=role, team=team)
    return someone


def published(org, build_matrix, *, team=None, name="Ownership"):
    """A matrix whose PM column holds A/R on every task, published; returns its revision."""
    matrix = build_matrix(
        organization=org, name=name, tasks=3, roles=["PM", "ENG"], published=True, team=team
    )
    return Revision.objects.get(matrix=matrix)


def later(revision, days):
    return revision.published_at + days * DAY


def send(revision, days, capture):
    with capture(execute=True):
        return acknowledgement_reminders_send(now=later(revision, days))


@pytest.fixture
def pm(org):
    return RoleFactory(organization=org, code="PM", name="Product manager")


# Who and when ------------------------------------------------------------------------------------


def test_people_who_have_not_acknowledged_are_emailed_after_the_interval(
    org, pm, build_matrix, mailoutbox, django_capture_on_commit_callbacks
):
    ana = person(org, pm, name="Ana", email="ana@example.com")
    revision = published(org, build_matrix)

    reminded = send(revision, 3, django_capture_on_commit_callbacks)

    assert reminded == 1
    (mail,) = mailoutbox
    assert mail.to == [ana.email]
    assert mail.subject == "[RACI] Please acknowledge Ownership, revision 1"
    assert f"/o/{org.slug}/m/{revision.matrix_id}/revisions/1/" in mail.body


def test_a_person_without_an_address_of_their_own_is_emailed_at_their_accounts(
    org, pm, build_matrix, mailoutbox, django_capture_on_commit_callbacks
):
    ana = person(org, pm, email="")
    revision = published(org, build_matrix)

    send(revision, 3, django_capture_on_commit_callbacks)

    assert [mail.to for mail in mailoutbox] == [[ana.user.email]]


def test_nobody_is_reminded_before_the_interval(
    org, pm, build_matrix, mailoutbox, django_capture_on_commit_callbacks
):
    person(org, pm)
    revision = published(org, build_matrix)

    assert send(revision, 2, django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_running_twice_reminds_once(org, pm, build_matrix, mailoutbox, django_capture_on_commit_callbacks):
    person(org, pm)
    revision = published(org, build_matrix)

    send(revision, 3, django_capture_on_commit_callbacks)
    assert send(revision, 4, django_capture_on_commit_callbacks) == 0

    assert len(mailoutbox) == 1


def test_a_person_is_reminded_again_after_another_interval(
    org, pm, build_matrix, mailoutbox, django_capture_on_commit_callbacks
):
    ana = person(org, pm)
    revision = published(org, build_matrix)

    send(revision, 3, django_capture_on_commit_callbacks)
    send(revision, 6, django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 2
    reminder = AcknowledgementReminder.objects.get(revision=revision, person=ana)
    assert (reminder.count, reminder.sent_at) == (2, later(revision, 6))


def test_who_acknowledged_is_not_reminded(
    org, pm, build_matrix, mailoutbox, django_capture_on_commit_callbacks
):
    ana, ben = person(org, pm, name="Ana"), person(org, pm, name="Ben")
    revision = published(org, build_matrix)
    Acknowledgement.objects.create(revision=revision, person=ana)

    send(revision, 3, django_capture_on_commit_callbacks)

    assert [mail.to for mail in mailoutbox] == [[ben.email]]


def test_people_who_cannot_acknowledge_or_hold_no_letter_are_not_reminded(
    org, pm, build_matrix, mailoutbox, django_capture_on_commit_callbacks
):
    person(org, pm, linked=False)  # no account: cannot acknowledge
    person(org, pm, active=False)  # left
    person(org, RoleFactory(organization=org, code="ENG"))  # the ENG column holds no letter
    revision = published(org, build_matrix)

    assert send(revision, 3, django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_only_the_latest_revision_is_reminded(
    org, pm, build_matrix, mailoutbox, django_capture_on_commit_callbacks
):
    from raci.revisions.services import matrix_publish

    person(org, pm)
    first = published(org, build_matrix)
    matrix_publish(matrix=first.matrix, override_reason="again")

    send(first, 30, django_capture_on_commit_callbacks)

    assert AcknowledgementReminder.objects.get().revision.number == 2


def test_a_team_matrix_reminds_that_teams_holder_not_another_teams(
    org, pm, build_matrix, mailoutbox, django_capture_on_commit_callbacks
):
    mobile, web = TeamFactory(organization=org, name="Mobile"), TeamFactory(organization=org, name="Web")
    ben = person(org, pm, team=mobile, name="Ben")
    person(org, pm, team=web, name="Chloe")
    revision = published(org, build_matrix, team=mobile)

    send(revision, 3, django_capture_on_commit_callbacks)

    assert [mail.to for mail in mailoutbox] == [[ben.email]]


def test_zero_days_turns_reminders_off(
    org, pm, build_matrix, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.ACKNOWLEDGEMENT_REMINDER_DAYS = 0
    person(org, pm)
    revision = published(org, build_matrix)

    assert send(revision, 300, django_capture_on_commit_callbacks) == 0


# Chat ------------------------------------------------------------------------------------------


def connect(org, receiver, platform="slack", team=None):
    return chat.chat_channel_create(
        organization=org,
        platform=platform,
        name=f"#{platform}",
        url=receiver.url,
        events=["acknowledgement.reminder"],
        team=team,
    )


def test_chat_hears_one_slack_message_per_matrix_with_how_many_are_left(
    org, pm, build_matrix, receiver, django_capture_on_commit_callbacks
):
    ana, _ben, _chloe = person(org, pm), person(org, pm), person(org, pm)
    revision = published(org, build_matrix)
    Acknowledgement.objects.create(revision=revision, person=ana)
    connect(org, receiver)

    send(revision, 3, django_capture_on_commit_callbacks)

    (body,) = bodies(receiver)
    assert_slack_shape(body)
    assert body["text"] == "Ownership: 2 people still to acknowledge revision 1"
    section = body["blocks"][1]["text"]["text"]
    assert "2 of the 3 people who hold letters in it have not acknowledged it yet." in section
    assert body["blocks"][-1]["elements"][0]["url"] == (
        f"https://raci.example/o/{org.slug}/m/{revision.matrix_id}/revisions/1/"
    )


def test_chat_hears_the_reminder_as_an_adaptive_card_in_teams(
    org, pm, build_matrix, receiver, django_capture_on_commit_callbacks
):
    person(org, pm)
    revision = published(org, build_matrix)
    connect(org, receiver, platform="teams")

    send(revision, 3, django_capture_on_commit_callbacks)

    (body,) = bodies(receiver)
    assert_teams_shape(body)
    card = body["attachments"][0]["content"]
    assert card["body"][0]["text"] == "Ownership: 1 person still to acknowledge revision 1"
    assert card["actions"][0]["title"] == "Open the revision"


def test_running_twice_posts_one_chat_message(
    org, pm, build_matrix, receiver, django_capture_on_commit_callbacks
):
    person(org, pm)
    revision = published(org, build_matrix)
    channel = connect(org, receiver)

    send(revision, 3, django_capture_on_commit_callbacks)
    send(revision, 3, django_capture_on_commit_callbacks)

    assert ChatMessage.objects.filter(channel=channel).count() == 1


def test_the_reminder_reaches_the_matrix_teams_channel_and_its_parents_not_a_siblings(
    org, pm, build_matrix, receiver, django_capture_on_commit_callbacks
):
    product = TeamFactory(organization=org, name="Product")
    mobile = TeamFactory(organization=org, name="Mobile", parent=product)
    web = TeamFactory(organization=org, name="Web", parent=product)
    person(org, pm, team=mobile)
    revision = published(org, build_matrix, team=mobile)
    to_product, to_web = connect(org, receiver, team=product), connect(org, receiver, "teams", team=web)

    send(revision, 3, django_capture_on_commit_callbacks)

    assert ChatMessage.objects.filter(channel=to_product).count() == 1
    assert not ChatMessage.objects.filter(channel=to_web).exists()


# Cost ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("people", [2, 40])
def test_the_job_reads_and_writes_in_a_fixed_number_of_queries_whatever_the_number_of_people(
    org, pm, build_matrix, django_assert_num_queries, people
):
    for _ in range(people):
        person(org, pm)
    revision = published(org, build_matrix)
    published(org, build_matrix, name="Second")

    # The latest revisions old enough; their columns with letters; the columns' holders (no team:
    # no paths); who of them is active and linked; the acknowledgements; the earlier reminders;
    # then a savepoint, the reminders created, and per matrix its outbox event (2 matrices).
    with django_assert_num_queries(10):
        reminded = acknowledgement_reminders_send(now=later(revision, 3))

    assert reminded == people


# Periodic work ------------------------------------------------------------------------------------


def test_the_beat_schedule_runs_both_reminder_tasks_daily():
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"raci.tasks.review_reminders", "raci.tasks.acknowledgement_reminders"} <= scheduled


def test_the_periodic_task_reminds(org, pm, build_matrix, mailoutbox, django_capture_on_commit_callbacks):
    person(org, pm)
    revision = published(org, build_matrix)
    Revision.objects.filter(pk=revision.pk).update(published_at=timezone.now() - 4 * DAY)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.acknowledgement_reminders.delay().get() == 1

    assert len(mailoutbox) == 1


def test_send_reminders_command_does_both_and_is_idempotent(
    org, owner, pm, build_matrix, receiver, mailoutbox, django_capture_on_commit_callbacks
):
    person(org, pm, email="ana@example.com")
    revision = published(org, build_matrix)
    Revision.objects.filter(pk=revision.pk).update(published_at=timezone.now() - 400 * DAY)
    channel = chat.chat_channel_create(
        organization=org, platform="slack", name="#all", url=receiver.url, events=[]
    )

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)

    kinds = sorted(ChatMessage.objects.filter(channel=channel).values_list("kind", flat=True))
    assert kinds == ["acknowledgement.reminder", "review.due"]
    assert sorted(mail.subject for mail in mailoutbox) == [
        "[RACI] Please acknowledge Ownership, revision 1",
        "[RACI] Time to review Ownership",
    ]
    assert out.getvalue().splitlines() == [
        "Review reminders: 1 matrix. Acknowledgement reminders: 1 person.",
        "Review reminders: 0 matrices. Acknowledgement reminders: 0 people.",
    ]


# The organization's interval ------------------------------------------------------------------------


def test_the_organizations_interval_overrides_the_default(
    org, pm, build_matrix, mailoutbox, django_capture_on_commit_callbacks
):
    org.acknowledgement_reminder_days = 7
    org.save(update_fields=["acknowledgement_reminder_days"])
    person(org, pm)
    revision = published(org, build_matrix)

    assert send(revision, 3, django_capture_on_commit_callbacks) == 0
    assert send(revision, 7, django_capture_on_commit_callbacks) == 1


def test_an_organization_may_turn_reminders_off(
    org, pm, build_matrix, mailoutbox, django_capture_on_commit_callbacks
):
    org.acknowledgement_reminder_days = 0
    org.save(update_fields=["acknowledgement_reminder_days"])
    person(org, pm)
    revision = published(org, build_matrix)

    assert send(revision, 300, django_capture_on_commit_callbacks) == 0


def test_an_owner_sets_the_interval_on_the_chat_page(client, owner, org):
    client.force_login(owner)

    response = client.post(
        reverse("settings-chat-reminders", args=[org.slug]),
        {"acknowledgement_reminder_days": "5"},
        follow=True,
    )

    org.refresh_from_db()
    assert org.acknowledgement_reminder_days == 5
    assert "People are reminded to acknowledge every 5 days." in response.content.decode()


def test_a_negative_interval_is_refused_and_nothing_changes(client, owner, org):
    client.force_login(owner)

    response = client.post(
        reverse("settings-chat-reminders", args=[org.slug]), {"acknowledgement_reminder_days": "-1"}
    )

    assert response.status_code == 400
    org.refresh_from_db()
    assert org.acknowledgement_reminder_days is None


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_set_the_interval(client, org, who, status, request):
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        reverse("settings-chat-reminders", args=[org.slug]), {"acknowledgement_reminder_days": "1"}
    )

    assert response.status_code == status
    org.refresh_from_db()
    assert org.acknowledgement_reminder_days is None


def test_the_api_sets_the_interval_and_refuses_more_than_a_year(client_for, owner, org):
    api = client_for(owner)
    url = reverse("api-org", args=[org.slug])

    set_ = api.patch(url, {"acknowledgement_reminder_days": 14}, format="json")
    refused = api.patch(url, {"acknowledgement_reminder_days": 366}, format="json")

    assert set_.json()["acknowledgement_reminder_days"] == 14
    assert_error(refused, 400)
    org.refresh_from_db()
    assert org.acknowledgement_reminder_days == 14
