"""History of a matrix: every change to tasks, columns and cells, recorded by the
services in the same transaction as the change, and read back with filters.

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


def history_record(
    *,
    matrix: Matrix,
    actor: Actor,
    kind: str,
    field: str = "",
    before: str = "",
    after: str = "",
    task=None,
    role=None,
) -> ChangeRecord:
    return ChangeRecord.objects.create(**_fields(matrix, actor, kind, field, before, after, task, role))


def cell_change(
    *, task_id: int, task_name: str, role_id: int | None, role_code: str, before: str, after: str
) -> dict:
    """A cell's change, for history_record_many."""
    return {
        "kind": ChangeRecord.Kind.CELL,
        "field": "letters",
        "before": before,
        "after": after,
        "task_id": task_id,
        "task_name": task_name,
        "role_id": role_id,
        "role_code": role_code,
    }


def task_change(*, task_id: int, task_name: str, field: str, before: str = "", after: str = "") -> dict:
    """A task's change (created, name, stage, description, archived), for history_record_many."""
    return {
        "kind": ChangeRecord.Kind.TASK,
        "field": field,
        "before": before,
        "after": after,
        "task_id": task_id,
        "task_name": task_name,
    }


def history_record_many(*, matrix: Matrix, actor: Actor, records: list[dict]) -> None:
    """Record several changes in one query; each dict has kind, field, before, after and
    optionally task_id/task_name and role_id/role_code."""
    ChangeRecord.objects.bulk_create(
        [
            ChangeRecord(
                matrix=matrix,
                actor=_user(actor),
                channel=actor.channel,
                version=matrix.version,
                **record,
            )
            for record in records
        ]
    )


def _user(actor: Actor):
    user = actor.user
    return user if getattr(user, "is_authenticated", False) else None


def _fields(matrix, actor, kind, field, before, after, task, role) -> dict:
    return {
        "matrix": matrix,
        "actor": _user(actor),
        "channel": actor.channel,
        "kind": kind,
        "field": field,
        "before": before,
        "after": after,
        "task": task,
        "task_name": task.name if task is not None else "",
        "role": role,
        "role_code": role.code if role is not None else "",
        "version": matrix.version,
    }


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
