"""The one writer of a matrix: every change to a matrix, its columns, tasks or cells runs inside
``matrix_change``.

What it does, so that no caller repeats it:

1. Locks the matrix row (``SELECT ... FOR UPDATE``): writers of one matrix take turns, so a
   check made inside the block (expected letters, the version, an import's diff) still holds
   when the write happens.
2. Refuses an archived matrix (``MatrixArchived``, answered 409 ``matrix_archived``) before
   anything is written; only the change that takes a matrix out of the archive passes
   ``allow_archived``.
3. Collects what the caller records (``record``, ``record_cell``) and, when the block ends
   without an exception, bumps the version once, writes the history rows with the actor and
   channel and that version, and emits the outbox events (``assignment.changed`` with the cells,
   ``matrix.changed`` for anything else) in the same transaction.
4. Leaves the caller's ``Matrix`` instance up to date (version, status, name …), so views and
   API views render ``change.result()`` without reloading.

An exception inside the block rolls everything back: rows, history and events.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from orgs.exceptions import Conflict
from raci.matrices.history import Actor, history_insert
from raci.matrices.models import ChangeRecord, Matrix
from raci.outbox.emit import outbox_emit

# A webhook payload lists at most this many changes; a 50,000-cell import says how many it left out.
EVENT_ITEM_LIMIT = 1000


class MatrixArchived(Conflict):
    """The matrix is archived: it is kept as it is until someone restores it to draft."""

    code = "matrix_archived"

    def __init__(self, matrix: Matrix) -> None:
        super().__init__(f"{matrix.name} is archived; restore it to draft to change it.")
        self.matrix_id = matrix.pk


@dataclass(frozen=True)
class ChangeResult:
    """What one change did, for the caller to render."""

    matrix: Matrix
    version: int
    changed: bool
    # The cells written: task id, role code, letters before and after.
    cells: tuple[dict, ...] = ()


@dataclass
class MatrixChange:
    """One unit of change to one (locked) matrix; see the module docstring."""

    matrix: Matrix
    actor: Actor
    _records: list[dict] = field(default_factory=list)
    _notes: list[dict] = field(default_factory=list)
    _cells: list[dict] = field(default_factory=list)
    # Set by a change that writes without a history row of its own (never the case today, but a
    # version bump must not depend on somebody remembering to record).
    touched: bool = False

    def record(
        self,
        *,
        kind: str,
        field: str,
        before: str = "",
        after: str = "",
        task_id: int | None = None,
        task_name: str = "",
        role_id: int | None = None,
        role_code: str = "",
    ) -> None:
        """Note one change for the history (written once, at the end, with the new version)."""
        self._records.append(
            {
                "kind": kind,
                "field": field,
                "before": before,
                "after": after,
                "task_id": task_id,
                "task_name": task_name,
                "role_id": role_id,
                "role_code": role_code,
            }
        )

    def note(self, *, kind: str, field: str, before: str = "", after: str = "") -> None:
        """Note something that happened to the matrix without changing it (a publication): it goes
        to the history but bumps no version and emits no change event."""
        self._notes.append({"kind": kind, "field": field, "before": before, "after": after})

    def refuse_if_archived(self) -> None:
        """For changes entered with ``allow_archived`` that turn out not to leave the archive."""
        if self.matrix.status == Matrix.Status.ARCHIVED:
            raise MatrixArchived(self.matrix)

    def record_cell(
        self, *, task_id: int, task_name: str, role_id: int | None, role_code: str, before: str, after: str
    ) -> None:
        """A cell's letters changed: history, and the ``assignment.changed`` event."""
        self.record(
            kind=ChangeRecord.Kind.CELL,
            field="letters",
            before=before,
            after=after,
            task_id=task_id,
            task_name=task_name,
            role_id=role_id,
            role_code=role_code,
        )
        self._cells.append({"task": task_id, "role": role_code, "before": before, "letters": after})

    @property
    def changed(self) -> bool:
        return bool(self._records) or self.touched

    def result(self) -> ChangeResult:
        return ChangeResult(
            matrix=self.matrix, version=self.matrix.version, changed=self.changed, cells=tuple(self._cells)
        )

    def _finish(self) -> None:
        matrix = self.matrix
        if self.changed:
            now = timezone.now()
            # One statement bumps the version and reads it back (UPDATE … RETURNING): the database
            # stays the authority on the number, at no extra round trip.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {connection.ops.quote_name(Matrix._meta.db_table)} "
                    "SET version = version + 1, updated_at = %s WHERE id = %s RETURNING version",
                    [connection.ops.adapt_datetimefield_value(now), matrix.pk],
                )
                (matrix.version,) = cursor.fetchone()
            matrix.updated_at = now
        if self._records or self._notes:
            history_insert(matrix=matrix, actor=self.actor, records=[*self._records, *self._notes])
        if self.changed:
            self._emit_events()

    def _emit_events(self) -> None:
        matrix = self.matrix
        head = {"id": matrix.pk, "name": matrix.name, "version": matrix.version}
        by = {"user": getattr(self.actor.user, "username", None), "channel": str(self.actor.channel)}
        if self._cells:
            outbox_emit(
                kind="assignment.changed",
                organization_id=matrix.organization_id,
                payload={"matrix": head, "by": by, **_limited("cells", self._cells)},
            )
        others = [r for r in self._records if r["kind"] != ChangeRecord.Kind.CELL]
        if others:
            changes = [
                {
                    "kind": str(r["kind"]),
                    "field": r["field"],
                    "task": r["task_id"],
                    "role": r["role_code"] or None,
                    "before": r["before"],
                    "after": r["after"],
                }
                for r in others
            ]
            outbox_emit(
                kind="matrix.changed",
                organization_id=matrix.organization_id,
                payload={
                    "matrix": {**head, "status": matrix.status},
                    "by": by,
                    **_limited("changes", changes),
                },
            )


def _limited(name: str, items: list[dict]) -> dict:
    return {name: items[:EVENT_ITEM_LIMIT], f"{name}_omitted": max(0, len(items) - EVENT_ITEM_LIMIT)}


@contextmanager
def matrix_change(*, matrix: Matrix, actor: Actor, allow_archived: bool = False) -> Iterator[MatrixChange]:
    """Change ``matrix`` as one unit: ``with matrix_change(matrix=m, actor=a) as change: ...``.

    Inside the block, ``change.matrix`` is the locked row (fresh from the database); write through
    it and tell the change what happened with ``change.record(...)``/``change.record_cell(...)``.
    """
    with transaction.atomic():
        locked = Matrix.objects.select_for_update().get(pk=matrix.pk)
        if locked.status == Matrix.Status.ARCHIVED and not allow_archived:
            raise MatrixArchived(locked)
        # Keep what the caller already loaded (the organization, the framework) on the locked row.
        for relation in ("organization", "framework"):
            if Matrix._meta.get_field(relation).is_cached(matrix):
                Matrix._meta.get_field(relation).set_cached_value(locked, getattr(matrix, relation))
        change = MatrixChange(matrix=locked, actor=actor)
        yield change
        change._finish()
    if matrix is not locked:
        _copy_fields(locked, matrix)


def _copy_fields(source: Matrix, target: Matrix) -> None:
    for model_field in Matrix._meta.concrete_fields:
        setattr(target, model_field.attname, getattr(source, model_field.attname))
