"""Writes to cells: the conflict-checked batch every edit goes through (the editor's single cell
and the API's batch PATCH), and setting one cell outright (seeding, tests).

Each change of a batch names the letters it expects to find; under the writer's lock on the
matrix, any mismatch refuses the whole batch, so nobody silently overwrites anybody and edits
to different cells by different people both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection

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
        found = cells_found(matrix=locked, keys=[(cell.task, cell.role) for cell in changes])
        seen: set[tuple[int, str]] = set()
        for index, cell in enumerate(changes):
            key = (cell.task, cell.role)
            task_name, role_id, _, _ = found[key]
            if task_name is None:
                errors.setdefault(str(index), {})["task"] = f"No task {cell.task} in this matrix."
            if role_id is None:
                errors.setdefault(str(index), {})["role"] = f"{cell.role} is not a column of this matrix."
            if key in seen:
                errors.setdefault(str(index), {})["task"] = "This cell appears twice in the batch."
            seen.add(key)
        if errors:
            raise BatchInvalid(errors)

        conflicts = []
        for cell, expected, _ in normalized:
            now = found[(cell.task, cell.role)][3]
            if now != expected:
                conflicts.append({"task": cell.task, "role": cell.role, "expected": expected, "letters": now})
        if conflicts:
            raise CellConflict(conflicts)

        to_create, to_delete, stored = [], [], []
        to_update: dict[str, list[int]] = {}
        for cell, _, letters in normalized:
            task_name, role_id, pk, now = found[(cell.task, cell.role)]
            stored.append({"task": cell.task, "role": cell.role, "before": now, "letters": letters})
            if letters == now:
                continue
            change.record_cell(
                task_id=cell.task,
                task_name=task_name,
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
                to_update.setdefault(letters, []).append(pk)
        if to_delete:
            Assignment.objects.filter(pk__in=to_delete).delete()
        if to_create:
            Assignment.objects.bulk_create(to_create)
        # One UPDATE per distinct set of letters (a scheme has a handful): cheaper than bulk_update's
        # CASE for the common single cell, and still constant in the size of the batch.
        for letters, pks in to_update.items():
            Assignment.objects.filter(pk__in=pks).update(letters=letters)
    return ChangeResult(matrix=matrix, version=matrix.version, changed=change.changed, cells=tuple(stored))


# Changes looked up per query: two parameters each, well under SQLite's limit of 32,766.
CELLS_PER_QUERY = 1000


def cells_found(*, matrix: Matrix, keys: list[tuple[int, str]]) -> dict[tuple[int, str], tuple]:
    """What each (task id, role code) of ``keys`` names in ``matrix``, in one query per
    ``CELLS_PER_QUERY`` cells: ``(task name, role id, assignment id, letters)``, with the task name
    ``None`` for a task not live in the matrix, the role id ``None`` for a code that is no column, the
    assignment id ``None`` and letters ``""`` for an empty cell.

    Columns, tasks and letters used to be three queries; a single-cell edit is the most frequent write
    of the product, so the lookup is one join over the wanted cells (a ``VALUES`` list), never over the
    matrix."""
    quote = connection.ops.quote_name
    tables = {
        "task": quote(Task._meta.db_table),
        "column": quote(MatrixRole._meta.db_table),
        "role": quote(Role._meta.db_table),
        "cell": quote(Assignment._meta.db_table),
    }
    found: dict[tuple[int, str], tuple] = {}
    unique = list(dict.fromkeys(keys))
    with connection.cursor() as cursor:
        for start in range(0, len(unique), CELLS_PER_QUERY):
            chunk = unique[start : start + CELLS_PER_QUERY]
            wanted = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"""WITH wanted (task_id, code) AS (VALUES {wanted})
                SELECT w.task_id, w.code, t.name, c.role_id, a.id, a.letters
                FROM wanted w
                LEFT JOIN {tables["task"]} t ON t.id = w.task_id AND t.matrix_id = %s AND NOT t.archived
                LEFT JOIN (
                    SELECT mr.role_id, r.code FROM {tables["column"]} mr
                    JOIN {tables["role"]} r ON r.id = mr.role_id WHERE mr.matrix_id = %s
                ) c ON c.code = w.code
                LEFT JOIN {tables["cell"]} a ON a.task_id = t.id AND a.role_id = c.role_id""",
                [value for key in chunk for value in key] + [matrix.pk, matrix.pk],
            )
            for task_id, code, task_name, role_id, pk, letters in cursor.fetchall():
                found[(int(task_id), code)] = (task_name, role_id, pk, letters or "")
    return found


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
