"""Acknowledgement reminders: people who have not acknowledged the latest published revision of a
matrix that concerns them hear about it by email, and the matrix's chat channels hear how many
still have to (one message per matrix, never one per person).

Who is concerned: the active people, linked to an account (only they can acknowledge, from /me/ or
the revision page), behind the columns that hold a letter in the matrix's latest published
revision — the columns resolved in the matrix's team as every read resolves them
(``orgs.teams.holders_resolved``), like the "pending acknowledgements" of /me/. Archived matrices
are left alone.

When: N days after the revision was published, then at most once every N days per person and
revision; N is the organization's ``acknowledgement_reminder_days``, else the installation's
``ACKNOWLEDGEMENT_REMINDER_DAYS`` (default 3); 0 turns reminders off.
``AcknowledgementReminder`` keeps when each person was last reminded of each revision, so running
the job twice (the beat task and ``manage.py send_reminders``) reminds once.

The job (``acknowledgement_reminders_send``) reads and writes in a fixed number of queries whatever
the number of people (one outbox event per matrix with someone to remind); the outbox handler
``acknowledgement_reminder_emails`` then emails each person reminded, once per event
(``send_email_once``), and ``raci.delivery.chat`` posts the chat message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from orgs.models import Person
from orgs.teams import holders_resolved
from raci.delivery.models import AcknowledgementReminder
from raci.delivery.notifications import one_line
from raci.matrices.models import Matrix
from raci.outbox.emit import outbox_emit
from raci.outbox.handlers import outbox_handler, send_email_once
from raci.outbox.models import OutboxEvent
from raci.revisions.models import Acknowledgement, PublishedCell, Revision

EVENT = "acknowledgement.reminder"


def reminder_interval(organization, *, days: int | None = None) -> timedelta | None:
    """How long after a publication, then between reminders: ``days`` if given, else the
    organization's choice, else the installation's; None when reminders are off (0)."""
    if days is None:
        days = organization.acknowledgement_reminder_days
    if days is None:
        days = settings.ACKNOWLEDGEMENT_REMINDER_DAYS
    return timedelta(days=days) if days > 0 else None


@dataclass
class _Round:
    revision: Revision
    interval: timedelta
    concerned: set[int] = field(default_factory=set)
    pending: set[int] = field(default_factory=set)
    due: list[int] = field(default_factory=list)


def acknowledgement_reminders_send(*, now=None, days: int | None = None) -> int:
    """Remind everyone due (see the module); returns the number of people reminded.

    Queries: the latest revisions old enough; their letters' columns; the scopes' paths (only when
    a matrix belongs to a team) and the columns' holders; which of them are linked and active;
    the acknowledgements and the earlier reminders of those revisions; then, when someone is due,
    the reminders created and updated and one outbox event per matrix.
    """
    now = now or timezone.now()
    newer = Revision.objects.filter(matrix=OuterRef("matrix"), number__gt=OuterRef("number"))
    # At least a day old (the shortest interval an organization may choose), then each
    # organization's own interval.
    candidates = (
        Revision.objects.filter(published_at__lte=now - timedelta(days=days or 1))
        .exclude(matrix__status=Matrix.Status.ARCHIVED)
        .exclude(Exists(newer))
        .select_related("matrix__organization")
        .defer("snapshot", "note", "override_reason")
        .order_by("matrix_id")
    )
    rounds: dict[int, _Round] = {}
    for revision in candidates:
        interval = reminder_interval(revision.matrix.organization, days=days)
        if interval is not None and revision.published_at <= now - interval:
            rounds[revision.matrix_id] = _Round(revision, interval)
    if not rounds:
        return 0
    columns: dict[int, set[int]] = {}
    for matrix_id, role_id in (
        PublishedCell.objects.filter(matrix_id__in=rounds, role__isnull=False)
        .exclude(letters="")
        .values_list("matrix_id", "role_id")
        .distinct()
    ):
        columns.setdefault(matrix_id, set()).add(role_id)
    if not columns:
        return 0
    holders, _active = holders_resolved(
        role_ids={role_id for roles in columns.values() for role_id in roles},
        scopes={rounds[matrix_id].revision.matrix.team_id for matrix_id in columns},
    )
    behind: dict[int, set[int]] = {}
    for matrix_id, roles in columns.items():
        scope = rounds[matrix_id].revision.matrix.team_id
        behind[matrix_id] = {person for role_id in roles for person in holders[(scope, role_id)].person_ids}
    everyone = set().union(*behind.values())
    reachable = set(
        Person.objects.filter(pk__in=everyone, active=True, user__isnull=False).values_list("pk", flat=True)
    )
    by_revision = {round_.revision.pk: round_ for round_ in rounds.values()}
    acknowledged = set(
        Acknowledgement.objects.filter(revision_id__in=by_revision).values_list("revision_id", "person_id")
    )
    earlier = {
        (revision_id, person_id): (pk, sent_at)
        for pk, revision_id, person_id, sent_at in AcknowledgementReminder.objects.filter(
            revision_id__in=by_revision
        ).values_list("pk", "revision_id", "person_id", "sent_at")
    }
    to_create: list[AcknowledgementReminder] = []
    to_update: list[int] = []
    for matrix_id, people in behind.items():
        round_ = rounds[matrix_id]
        revision_id = round_.revision.pk
        round_.concerned = people & reachable
        round_.pending = {person for person in round_.concerned if (revision_id, person) not in acknowledged}
        for person in sorted(round_.pending):
            last = earlier.get((revision_id, person))
            if last is None:
                to_create.append(
                    AcknowledgementReminder(revision_id=revision_id, person_id=person, sent_at=now)
                )
            elif last[1] <= now - round_.interval:
                to_update.append(last[0])
            else:
                continue
            round_.due.append(person)
    if not to_create and not to_update:
        return 0
    with transaction.atomic():
        if to_create:
            AcknowledgementReminder.objects.bulk_create(to_create, ignore_conflicts=True)
        if to_update:
            AcknowledgementReminder.objects.filter(pk__in=to_update).update(sent_at=now, count=F("count") + 1)
        for round_ in rounds.values():
            if round_.due:
                _emit(round_)
    return len(to_create) + len(to_update)


def _emit(round_: _Round) -> None:
    revision = round_.revision
    matrix = revision.matrix
    outbox_emit(
        kind=EVENT,
        organization=matrix.organization,
        payload={
            "organization": matrix.organization.slug,
            "matrix": {"id": matrix.pk, "name": matrix.name},
            "team": matrix.team_id,
            "revision": {"id": revision.pk, "number": revision.number},
            "published_on": f"{revision.published_at:%Y-%m-%d}",
            "concerned": len(round_.concerned),
            "pending": len(round_.pending),
            "reminded": len(round_.due),
            "people": round_.due,
        },
    )


@outbox_handler(EVENT)
def acknowledgement_reminder_emails(event: OutboxEvent) -> None:
    """One email per person reminded, once per event (a retried dispatch sends nothing twice)."""
    payload = event.payload
    matrix, revision = payload["matrix"], payload["revision"]
    link = settings.SITE_URL.rstrip("/") + reverse(
        "revision-detail", args=[payload["organization"], matrix["id"], revision["number"]]
    )
    mine = settings.SITE_URL.rstrip("/") + reverse("my-responsibilities")
    subject = one_line(f"[RACI] Please acknowledge {matrix['name']}, revision {revision['number']}")
    # The person's own address, else their account's (only linked people are reminded).
    people = (
        Person.objects.filter(pk__in=payload["people"], active=True)
        .select_related("user")
        .only("pk", "name", "email", "user__email")
        .order_by("pk")
    )
    for person in people:
        address = person.email or (person.user.email if person.user else "")
        if not address:
            continue
        body = (
            f"Hello {person.name},\n\n"
            f"{matrix['name']} was published as revision {revision['number']} on {payload['published_on']}, "
            "and you hold responsibilities in it that you have not acknowledged yet.\n\n"
            f"Read them and acknowledge: {link}\n"
            f"Everything you hold, across matrices: {mine}\n"
        )
        send_email_once(key=f"ack-reminder:{event.pk}:{person.pk}", subject=subject, body=body, to=[address])
