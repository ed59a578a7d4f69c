"""History of a matrix: who changed what, through which channel. The writer
(``raci.matrices.changes``) records every change in the transaction that made it; pages
and the API read it back with filters here.

Nothing in the product updates or deletes a ChangeRecord.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Q, QuerySet
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


@dataclass(frozen=True)
class HistoryPage:
    """One page of a history, newest first, with the cursors of the pages around it."""

    records: list[ChangeRecord]
    older: str | None  # the cursor of the next (older) page, if there is one
    newer: str | None  # the cursor of the previous (newer) page, if this is not the first


class CursorInvalid(ValueError):
    pass


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _cursor(record: ChangeRecord) -> str:
    """``<microseconds since 1970>-<id>``: the record's place in the order, exactly (no float)."""
    return f"{(record.at - _EPOCH) // _MICROSECOND}-{record.pk}"


def _position(cursor: str) -> tuple[datetime, int]:
    at, _, pk = cursor.partition("-")
    if not (at.isdecimal() and pk.isdecimal()) or len(at) > 20 or len(pk) > 19:
        raise CursorInvalid(
            "This page's position is not one the history gave; start from the newest changes."
        )
    try:
        return _EPOCH + int(at) * _MICROSECOND, int(pk)
    except OverflowError:
        raise CursorInvalid(
            "This page's position is not one the history gave; start from the newest changes."
        ) from None


def history_page(
    records: QuerySet[ChangeRecord], *, before: str = "", after: str = "", size: int = 100
) -> HistoryPage:
    """A page of ``records`` (newest first) by position, not by offset: the changes older than
    ``before``, or newer than ``after``, or the newest. Deep pages cost what the first does."""
    if before and after:
        raise CursorInvalid("Ask for the changes before one position or after one, not both.")
    if after:
        at, pk = _position(after)
        rows = list(records.filter(Q(at__gt=at) | Q(at=at, id__gt=pk)).order_by("at", "id")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        return HistoryPage(
            rows, older=_cursor(rows[-1]) if rows else None, newer=_cursor(rows[0]) if more_newer else None
        )
    if before:
        at, pk = _position(before)
        records = records.filter(Q(at__lt=at) | Q(at=at, id__lt=pk))
    rows = list(records.order_by("-at", "-id")[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    return HistoryPage(
        rows,
        older=_cursor(rows[-1]) if more_older else None,
        newer=_cursor(rows[0]) if before and rows else None,
    )
