"""Emails that keep people told: what each person owns after a publication, and
review reminders for owners. One email per person per publication, never one per cell.

`publication_notices` is pure (grids in, notices out); the handler and the reminder
job load data, render and send each email once (keys recorded by `outbox.send_emails_once` and
`outbox.send_once`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from orgs.access import owner_emails, owners_of
from orgs.models import Person
from raci.delivery.models import WebhookAttempt, WebhookEndpoint
from raci.delivery.sending import DISABLED_EVENT, deliveries_phrase
from raci.matrices.models import Matrix
from raci.matrices.selectors import column_people
from raci.outbox import handlers as outbox
from raci.outbox.emit import outbox_emit
from raci.outbox.handlers import outbox_handler, send_email_once
from raci.outbox.models import OutboxEvent
from raci.revisions.models import Revision
from raci.revisions.selectors import snapshot_grid
from raci.rules.grid import MatrixGrid


def one_line(text: str) -> str:
    """An email subject on one line: names refuse line breaks now, but rows saved before may hold
    them, and a subject with one makes the mail library refuse every message."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Ownership:
    task: str
    stage: str
    role: str
    letter: str


@dataclass
class Notice:
    person_id: int
    gained: list[Ownership] = field(default_factory=list)
    lost: list[Ownership] = field(default_factory=list)
    consulted: list[Ownership] = field(default_factory=list)
    informed: list[Ownership] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.gained or self.lost or self.consulted or self.informed)


def _holdings_by_role(grid: MatrixGrid | None, letters: frozenset[str]) -> dict[str, frozenset[Ownership]]:
    """Role code -> the ``letters`` it holds in ``grid``, one pass over the cells whatever the
    number of people: a person's holdings are the union of their roles'."""
    if grid is None:
        return {}
    tasks = {t.id: t for t in grid.tasks}
    held: dict[str, set[Ownership]] = {}
    for (task_id, code), cell in grid.cells.items():
        task = tasks.get(task_id)
        if task is None:
            continue
        for letter in cell:
            if letter in letters:
                held.setdefault(code, set()).add(Ownership(task.name, task.stage, code, letter))
    return {code: frozenset(ownerships) for code, ownerships in held.items()}


def _holdings(by_role: dict[str, frozenset[Ownership]], codes: frozenset[str]) -> set[Ownership]:
    return set().union(*(by_role.get(code, frozenset()) for code in codes))


def _changed_tasks(previous: MatrixGrid | None, current: MatrixGrid) -> set[str]:
    def by_task(grid):
        if grid is None:
            return {}
        names = {t.id: t.name for t in grid.tasks}
        out: dict[str, set] = {}
        for (task_id, code), letters in grid.cells.items():
            if task_id in names:
                out.setdefault(names[task_id], set()).add((code, letters))
        return out

    before, after = by_task(previous), by_task(current)
    return {name for name in set(before) | set(after) if before.get(name) != after.get(name)}


def publication_notices(
    previous: MatrixGrid | None, current: MatrixGrid, people: list[tuple[int, frozenset[str]]]
) -> list[Notice]:
    """For each (person id, role codes held): the R and A they gained and lost, and the tasks
    that changed on which they are now consulted or informed. People with nothing to hear are left out."""
    scheme = current.scheme
    owning = frozenset({scheme.accountable, *scheme.responsible})
    changed = _changed_tasks(previous, current)
    owned_before, owned_after = _holdings_by_role(previous, owning), _holdings_by_role(current, owning)
    consulted = _holdings_by_role(current, frozenset(scheme.consulted))
    informed = _holdings_by_role(current, frozenset(scheme.informed))
    # People holding the same roles hear the same thing: work it out once per set of roles.
    heard: dict[frozenset[str], Notice] = {}
    notices = []
    for person_id, codes in people:
        if codes not in heard:
            before, after = _holdings(owned_before, codes), _holdings(owned_after, codes)
            heard[codes] = Notice(
                person_id=0,
                gained=sorted(after - before, key=_order),
                lost=sorted(before - after, key=_order),
                consulted=sorted((o for o in _holdings(consulted, codes) if o.task in changed), key=_order),
                informed=sorted((o for o in _holdings(informed, codes) if o.task in changed), key=_order),
            )
        same = heard[codes]
        if not same.empty:
            notices.append(replace(same, person_id=person_id))
    return notices


def _order(o: Ownership) -> tuple:
    return (o.stage, o.task, o.role, o.letter)


def _line(o: Ownership, scheme) -> str:
    return f"  - {o.task} ({o.stage or 'no stage'}): {scheme.letter(o.letter).name} as {o.role}"


def render_notice(
    notice: Notice, *, person: Person, matrix: Matrix, revision: Revision, scheme
) -> tuple[str, str]:
    subject = one_line(f"[RACI] {matrix.name}, revision {revision.number}: what changed for you")
    parts = [f"Hello {person.name},", "", f"{matrix.name} was published as revision {revision.number}."]
    if revision.note:
        parts += [f"Note: {revision.note}"]
    if notice.gained:
        parts += ["", "You now own:", *(_line(o, scheme) for o in notice.gained)]
    if notice.lost:
        parts += ["", "You no longer own:", *(_line(o, scheme) for o in notice.lost)]
    if notice.consulted:
        parts += ["", "You will be consulted on:", *(_line(o, scheme) for o in notice.consulted)]
    if notice.informed:
        parts += ["", "You will be kept informed of:", *(_line(o, scheme) for o in notice.informed)]
    parts += ["", "Please acknowledge your responsibilities in RACI."]
    return subject, "\n".join(parts)


@outbox.outbox_handler("matrix.published")
def send_publication_emails(event) -> None:
    revision = Revision.objects.select_related("matrix__organization").get(pk=event.payload["revision"]["id"])
    matrix = revision.matrix
    previous = Revision.objects.filter(matrix=matrix, number__lt=revision.number).order_by("-number").first()
    current_grid = snapshot_grid(revision)
    previous_grid = snapshot_grid(previous) if previous else None
    # The people behind the columns in the matrix's team (orgs.teams resolution), each with the
    # codes they do there: Ben, PM of the mobile app, hears about the mobile matrix's PM cells and not
    # the web matrix's. The cost follows the columns' holders, not the size of the organization.
    columns = {role.id: role.code for grid in (previous_grid, current_grid) if grid for role in grid.roles}
    resolved = column_people(columns={matrix.team_id: columns})[matrix.team_id] if columns else ()
    codes = {entry.id: entry.role_codes for entry in resolved if entry.active}
    people = {p.pk: p for p in Person.objects.filter(pk__in=codes, active=True).exclude(email="")}
    holdings = [(pk, frozenset(codes[pk])) for pk in people]
    # Every email's key claimed in one statement, the new ones sent over one connection; a failure
    # part-way keeps the record of those sent, so a retry sends only the rest (send_emails_once).
    messages = []
    for notice in publication_notices(previous_grid, current_grid, holdings):
        person = people[notice.person_id]
        subject, body = render_notice(
            notice, person=person, matrix=matrix, revision=revision, scheme=current_grid.scheme
        )
        messages.append(
            (
                f"published:{revision.pk}:person:{person.pk}",
                EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email]),
            )
        )
    outbox.send_emails_once(messages)


def review_reminders_send(*, now=None) -> int:
    """Remind owners of each published matrix whose review is due, once per revision.
    Returns the number of matrices reminded."""
    now = now or timezone.now()
    latest = (
        Revision.objects.values("matrix_id").annotate(last=Max("number")).values_list("matrix_id", "last")
    )
    due = 0
    for matrix_id, number in latest:
        revision = Revision.objects.select_related("matrix__organization").get(
            matrix_id=matrix_id, number=number
        )
        matrix = revision.matrix
        if matrix.status != Matrix.Status.PUBLISHED or revision.review_reminded_at is not None:
            continue
        if revision.published_at + timedelta(days=matrix.review_interval_days) > now:
            continue
        owners = owner_emails(matrix.organization)
        subject = one_line(f"[RACI] Time to review {matrix.name}")
        body = (
            f"{matrix.name} ({matrix.organization.name}) was last published as revision {revision.number} "
            f"on {revision.published_at:%Y-%m-%d}; its review interval is {matrix.review_interval_days} "
            "days.\n\n"
            "Check that ownership still matches how the company works, then publish a new revision."
        )
        if owners:
            outbox.send_once(
                f"review:{revision.pk}",
                lambda subject=subject, body=body, owners=owners: send_mail(
                    subject, body, settings.DEFAULT_FROM_EMAIL, owners
                ),
            )
        with transaction.atomic():
            Revision.objects.filter(pk=revision.pk).update(review_reminded_at=now)
            # Chat channels that chose "review due" hear it too (raci/delivery/chat.py).
            outbox_emit(
                kind="review.due",
                organization=matrix.organization,
                payload={
                    "organization": matrix.organization.slug,
                    "matrix": {"id": matrix.pk, "name": matrix.name},
                    "team": matrix.team_id,
                    "revision": {"id": revision.pk, "number": revision.number},
                    "published_on": f"{revision.published_at:%Y-%m-%d}",
                },
            )
        due += 1
    return due


# Webhook endpoint disabled ---------------------------------------------------------------


@outbox_handler(DISABLED_EVENT)
def webhook_disabled_tell_owners(event: OutboxEvent) -> None:
    """Email the owners (once each, send_once); an SMTP failure makes the sweep try again."""
    webhook_endpoint_disabled_notify(
        endpoint_id=event.payload["endpoint"], disabled_at=event.payload["disabled_at"]
    )


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
    owners = owners_of(organization)
    subject = f"Webhook disabled: {endpoint.url}"
    body = (
        f"The webhook endpoint {endpoint.url} of {organization.name} was disabled after "
        f"{deliveries_phrase(endpoint.consecutive_failures)} in a row.\n\n"
        + (f"Last error: {last}\n\n" if last else "")
        + "No events are sent to it until an owner enables it again on the webhooks page "
        f"({webhook_settings_path(organization)}); failed deliveries can then be redelivered.\n"
    )
    sent = 0
    for user in owners:
        if send_email_once(
            key=f"webhook-disabled:{endpoint.pk}:{disabled_at}:{user.pk}",
            subject=subject,
            body=body,
            to=[user.email],
        ):
            sent += 1
    return sent
