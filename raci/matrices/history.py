"""History of a matrix: who changed what, through which channel. The writer
(``raci.matrices.changes``) records every change in the transaction that made it; pages
and the API read it back with filters here.

Nothing in the product updates or deletes a ChangeRecord.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from orgs.models import Person
from raci.matrices.models import ChangeRecord, Channel, Matrix


@dataclass(frozen=True)
class Actor:
    """Who made a change and through which channel."""

    user: object | None = None
    channel: str = Channel.SYSTEM


SYSTEM = Actor()


def history_rows(*, matrix: Matrix, actor: Actor, records: list[dict]) -> list[ChangeRecord]:
    """ChangeRecord rows (unsaved) for the writer to insert in one query; each record has kind,
    field, before, after and optionally task_id/task_name and role_id/role_code."""
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    return [
        ChangeRecord(matrix=matrix, actor=user, channel=actor.channel, version=matrix.version, **record)
        for record in records
    ]


def history_for_matrix(
    *, matrix: Matrix, task_id: int | None = None, role_code: str = "", person: Person | None = None
) -> QuerySet[ChangeRecord]:
    """The matrix's changes, newest first, filtered by task, role code or the roles a person holds."""
    records = ChangeRecord.objects.filter(matrix=matrix).select_related("actor")
    if task_id is not None:
        records = records.filter(task_id=task_id)
    if role_code:
        records = records.filter(role_code__iexact=role_code)
    if person is not None:
        records = records.filter(role_id__in=person.roles.values("id"))
    return records.order_by("-at", "-id")
