"""Publication emails in bulk: every key claimed in one statement, the emails sent over one
connection, a failure part-way retried without sending anything twice, and a number of queries
that does not grow with the number of people told."""

from __future__ import annotations

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

from orgs.models import Person
from raci.delivery.notifications import send_publication_emails
from raci.outbox.handlers import outbox_dispatch
from raci.outbox.models import OutboxEvent, SentNotification
from raci.revisions.services import matrix_publish

# How many more messages the failing backend accepts before the mail server "goes away"; None: all.
accept: list[int | None] = [None]
connections: list[int] = []


class FailingPartWayBackend(EmailBackend):
    """Django's in-memory backend, failing like an SMTP server that drops the connection after
    ``accept[0]`` messages."""

    def open(self):
        connections.append(1)
        return super().open()

    def send_messages(self, messages):
        if accept[0] is not None:
            if accept[0] < len(messages):
                raise ConnectionResetError("mail server went away")
            accept[0] -= len(messages)
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def _backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingPartWayBackend"
    accept[0] = None
    connections.clear()
    yield
    accept[0] = None


def people_holding_roles(org, matrix, count: int) -> list[Person]:
    roles = list(org.roles.order_by("code"))
    people = Person.objects.bulk_create(
        [Person(organization=org, name=f"P{i:03d}", email=f"p{i}@example.com") for i in range(count)]
    )
    Person.roles.through.objects.bulk_create(
        [Person.roles.through(person_id=p.pk, role_id=roles[i % len(roles)].pk) for i, p in enumerate(people)]
    )
    return people


def published_event(org, build_matrix, people: int) -> OutboxEvent:
    matrix = build_matrix(organization=org, tasks=4, roles=3, fill="sparse")
    people_holding_roles(org, matrix, people)
    matrix_publish(matrix=matrix, override_reason="test")
    return OutboxEvent.objects.get(kind="matrix.published")


def test_a_retry_after_a_failure_part_way_sends_each_email_once(org, build_matrix, mailoutbox):
    event = published_event(org, build_matrix, people=5)
    accept[0] = 2

    assert outbox_dispatch(event.pk) is False

    event.refresh_from_db()
    assert event.dispatched_at is None
    assert "ConnectionResetError" in event.last_error
    assert len(mailoutbox) == 2
    assert SentNotification.objects.filter(key__startswith="published:").count() == 2

    accept[0] = None
    assert outbox_dispatch(event.pk) is True
    addresses = sorted(address for message in mailoutbox for address in message.to)
    assert addresses == sorted(f"p{i}@example.com" for i in range(5))
    assert SentNotification.objects.filter(key__startswith="published:").count() == 5


def test_a_mail_server_refusing_the_first_message_records_nothing(org, build_matrix, mailoutbox):
    event = published_event(org, build_matrix, people=3)
    accept[0] = 0

    assert outbox_dispatch(event.pk) is False

    assert mailoutbox == []
    assert not SentNotification.objects.filter(key__startswith="published:").exists()


def test_the_emails_of_a_publication_share_one_connection(org, build_matrix, mailoutbox):
    event = published_event(org, build_matrix, people=4)

    send_publication_emails(event)

    assert len(mailoutbox) == 4
    assert len(connections) == 1


def test_running_the_handler_again_sends_nothing(org, build_matrix, mailoutbox):
    event = published_event(org, build_matrix, people=4)
    send_publication_emails(event)

    send_publication_emails(event)

    assert len(mailoutbox) == 4


@pytest.mark.parametrize("people", [3, 60])
def test_the_handler_runs_the_same_queries_for_3_and_60_people(
    org, build_matrix, mailoutbox, django_assert_num_queries, people
):
    event = published_event(org, build_matrix, people=people)

    # The revision, the previous one, the column people (orgs.teams: two), the people; then the
    # keys claimed: on PostgreSQL one INSERT … ON CONFLICT DO NOTHING RETURNING, elsewhere the
    # recorded keys and one bulk insert.
    with django_assert_num_queries(5 + (1 if connection.vendor == "postgresql" else 2)):
        send_publication_emails(event)

    assert len(mailoutbox) == people
