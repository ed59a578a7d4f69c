"""Writes to cells: the conflict-checked batch every edit goes through (the editor's single cell
and the API's batch PATCH), and setting one cell outright (seeding, tests).

Each change of a batch names the letters it expects to find; under the writer's lock on the
matrix, any mismatch refuses the whole batch, so nobody silently overwrites anybody and edits
to different cells by different people both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from frameworks.schemes import LettersError, get_scheme
from orgs.models import Role
from raci.matrices.changes import ChangeResult, matrix_change
from raci.matrices.history import SYSTEM, Actor
from raci.matrices.models import Assignment, Matrix, MatrixRole, Task


@dataclass(frozen=True)
class CellChange:
    task: int
    role: str
    expected: str
    letters: str


class CellConflict(Exception):
    """Some cells no longer hold what the change expected; nothing was applied."""

    def __init__(self, cells: list[dict]):
        super().__init__("Someone else changed these cells first; nothing was applied.")
        self.cells = cells


class BatchInvalid(Exception):
    """Some changes of a batch are malformed; ``errors`` maps each change's index to its field errors."""

    def __init__(self, errors: dict[str, dict[str, str]]):
        super().__init__("Some changes are invalid; nothing was applied.")
        self.errors = errors


class VersionMismatch(Exception):
    def __init__(self, version: int):
        super().__init__(f"The matrix is at version {version}.")
        self.version = version


def grid_apply_changes(
    *,
    matrix: Matrix,
    changes: list[CellChange],
    expected_version: int | None = None,
    actor: Actor = SYSTEM,
) -> ChangeResult:
    """Apply a batch of cell changes atomically: all of them, or none.

    Raises ``VersionMismatch`` (``expected_version`` given and stale), ``BatchInvalid`` (unknown
    task or role, bad letters, a cell twice) or ``CellConflict`` (the current letters of the cells
    that no longer hold what was expected). A constant number of queries whatever the batch or
    matrix size. The result's ``cells`` has every cell of the batch as stored now (``before`` equal
    to ``letters`` where nothing changed).
    """
    with matrix_change(matrix=matrix, actor=actor) as change:
        locked = change.matrix
        if expected_version is not None and locked.version != expected_version:
            raise VersionMismatch(locked.version)
        scheme = get_scheme(locked.scheme)

        errors: dict[str, dict[str, str]] = {}
        normalized: list[tuple[CellChange, str, str]] = []
        for index, cell in enumerate(changes):
            try:
                normalized.append((cell, scheme.normalize(cell.expected), scheme.normalize(cell.letters)))
            except LettersError as exc:
                errors[str(index)] = {"letters": str(exc)}
        columns = dict(MatrixRole.objects.filter(matrix=locked).values_list("role__code", "role_id"))
        task_ids = {cell.task for cell in changes}
        live_tasks = dict(
            Task.objects.filter(matrix=locked, pk__in=task_ids, archived=False).values_list("id", "name")
        )
        seen: set[tuple[int, str]] = set()
        for index, cell in enumerate(changes):
            key = (cell.task, cell.role)
            if cell.task not in live_tasks:
                errors.setdefault(str(index), {})["task"] = f"No task {cell.task} in this matrix."
            if cell.role not in columns:
                errors.setdefault(str(index), {})["role"] = f"{cell.role} is not a column of this matrix."
            if key in seen:
                errors.setdefault(str(index), {})["task"] = "This cell appears twice in the batch."
            seen.add(key)
        if errors:
            raise BatchInvalid(errors)

        current = {
            (task_id, role_id): (pk, letters)
            for pk, task_id, role_id, letters in Assignment.objects.filter(
                task_id__in=task_ids, role_id__in=[columns[c.role] for c in changes]
            ).values_list("id", "task_id", "role_id", "letters")
        }
        conflicts = []
        for cell, expected, _ in normalized:
            now = current.get((cell.task, columns[cell.role]), (None, ""))[1]
            if now != expected:
                conflicts.append({"task": cell.task, "role": cell.role, "expected": expected, "letters": now})
        if conflicts:
            raise CellConflict(conflicts)

        to_create, to_update, to_delete, stored = [], [], [], []
        for cell, _, letters in normalized:
            role_id = columns[cell.role]
            pk, now = current.get((cell.task, role_id), (None, ""))
            stored.append({"task": cell.task, "role": cell.role, "before": now, "letters": letters})
            if letters == now:
                continue
            change.record_cell(
                task_id=cell.task,
                task_name=live_tasks[cell.task],
                role_id=role_id,
                role_code=cell.role,
                before=now,
                after=letters,
            )
            if not letters:
                to_delete.append(pk)
            elif pk is None:
                to_create.append(Assignment(task_id=cell.task, role_id=role_id, letters=letters))
            else:
                to_update.append(Assignment(pk=pk, letters=letters))
        if to_delete:
            Assignment.objects.filter(pk__in=to_delete).delete()
        if to_create:
            Assignment.objects.bulk_create(to_create)
        if to_update:
            Assignment.objects.bulk_update(to_update, ["letters"])
    return ChangeResult(matrix=matrix, version=matrix.version, changed=change.changed, cells=tuple(stored))


def assignment_set(
    *, matrix: Matrix, task: Task, role: Role, letters: str | None, actor: Actor = SYSTEM
) -> str:
    """Set one cell to ``letters`` (any common spelling: "A/R", "ra") whatever it holds; empty
    clears it. Returns the canonical letters stored."""
    with matrix_change(matrix=matrix, actor=actor) as change:
        locked = change.matrix
        if task.matrix_id != locked.pk:
            raise ValidationError({"task": "This task belongs to another matrix."})
        if not MatrixRole.objects.filter(matrix=locked, role=role).exists():
            raise ValidationError({"role": f"{role.code} is not a column of {locked.name}."})
        try:
            canonical = get_scheme(locked.scheme).normalize(letters)
        except LettersError as exc:
            raise ValidationError({"letters": str(exc)}) from None
        before = (
            Assignment.objects.filter(task=task, role=role).values_list("letters", flat=True).first() or ""
        )
        if canonical == before:
            return canonical
        if canonical:
            Assignment.objects.update_or_create(task=task, role=role, defaults={"letters": canonical})
        else:
            Assignment.objects.filter(task=task, role=role).delete()
        change.record_cell(
            task_id=task.pk,
            task_name=task.name,
            role_id=role.pk,
            role_code=role.code,
            before=before,
            after=canonical,
        )
    return canonical
