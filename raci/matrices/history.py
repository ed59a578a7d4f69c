"""History of a matrix: who changed what, through which channel. The writer
(``raci.matrices.changes``) records every change in the transaction that made it; pages
and the API read it back with filters here.

Nothing in the product updates or deletes a ChangeRecord.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from orgs.models import Person
from raci.matrices.bulk import rows_insert
from raci.matrices.models import ChangeRecord, Channel, Matrix


@dataclass(frozen=True)
class Actor:
    """Who made a change and through which channel."""

    user: object | None = None
    channel: str = Channel.SYSTEM


SYSTEM = Actor()


HISTORY_COLUMNS = [
    "matrix_id", "at", "actor_id", "channel", "version",
    "kind", "field", "before", "after", "task_id", "task_name", "role_id", "role_code",
]  # fmt: skip


def history_insert(*, matrix: Matrix, actor: Actor, records: list[dict]) -> None:
    """Insert the writer's history rows, stamped with the matrix's (new) version, as plain tuples
    (an import writes 16,000 of them); each record has kind, field, before, after, task_id,
    task_name, role_id and role_code."""
    user = actor.user if getattr(actor.user, "is_authenticated", False) else None
    head = (
        matrix.pk,
        connection.ops.adapt_datetimefield_value(timezone.now()),
        user.pk if user is not None else None,
        str(actor.channel),
        matrix.version,
    )
    rows_insert(
        ChangeRecord,
        HISTORY_COLUMNS,
        [
            (
                *head,
                str(r["kind"]),
                r["field"],
                r["before"],
                r["after"],
                r.get("task_id"),
                r.get("task_name", ""),
                r.get("role_id"),
                r.get("role_code", ""),
            )
            for r in records
        ],
    )


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
