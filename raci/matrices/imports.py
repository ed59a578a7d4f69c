"""Importing a CSV or XLSX in the export layout into a matrix: all of it, or nothing.

The file is read and planned by the pure ``raci.exchange`` package; applying the plan is one
change of the writer, recorded with the import channel.
"""

from __future__ import annotations

from orgs.models import Role
from raci import rules
from raci.exchange import ImportDiff, diff_import, grid_after_import, name_key, read_import
from raci.matrices.bulk import rows_insert
from raci.matrices.changes import MatrixArchived, MatrixChange, matrix_change
from raci.matrices.history import SYSTEM, Actor
from raci.matrices.models import Assignment, ChangeRecord, Channel, Matrix, MatrixRole, Task
from raci.matrices.selectors import matrix_grid_get
from raci.rules.grid import collector_paused


class ImportRejected(Exception):
    """The file has problems; ``issues`` lists each with its line; nothing was written."""

    def __init__(self, issues: list[dict]):
        count = len(issues)
        super().__init__(f"The file has {count} problem{'s' if count != 1 else ''}; nothing was imported.")
        self.issues = issues


def matrix_import(
    *,
    matrix: Matrix,
    data: bytes,
    filename: str | None = None,
    dry_run: bool = False,
    with_health: bool = False,
    actor: Actor = SYSTEM,
) -> dict:
    """Import a CSV or XLSX in the export layout: all of it, or nothing.

    Tasks are matched by name; new ones are appended, cells of the file's role columns
    are set (an empty cell clears), role columns the matrix lacks are added. Tasks the
    file does not mention are reported, never deleted. ``dry_run`` only reports; with
    ``with_health`` it adds ``health``: the health score and findings per severity now and after.
    """
    if dry_run:
        if matrix.status == Matrix.Status.ARCHIVED:
            raise MatrixArchived(matrix)
        result, diff, _, grid = _import_plan(matrix, data, filename, dry_run=True)
        if with_health:
            now, after = rules.analyse(grid), rules.analyse(grid_after_import(grid, diff))
            result["health"] = {
                "before": {"score": now.health, **now.counts()},
                "after": {"score": after.health, **after.counts()},
            }
        return result
    # Imports are recorded with their own channel, whoever ran them. The collector is paused while
    # tens of thousands of rows are planned and written (``rules.grid.collector_paused``).
    with (
        collector_paused(),
        matrix_change(matrix=matrix, actor=Actor(user=actor.user, channel=Channel.IMPORT)) as change,
    ):
        # Under the writer's lock, so the diff applied is the diff computed.
        result, diff, roles, _ = _import_plan(change.matrix, data, filename, dry_run=False)
        if not diff.is_empty:
            _import_apply(change, diff, roles)
            result = {**result, "applied": True}
    return {**result, "version": matrix.version}


def _import_plan(matrix: Matrix, data: bytes, filename: str | None, *, dry_run: bool):
    grid = matrix_grid_get(matrix=matrix)
    roles = {r.code: r for r in Role.objects.filter(organization_id=matrix.organization_id)}
    plan = read_import(data, scheme=grid.scheme, known_roles=roles, filename=filename)
    if plan.errors:
        raise ImportRejected([issue.to_dict() for issue in plan.errors])
    diff = diff_import(grid, plan)
    archived = {
        name_key(name): name
        for name in Task.objects.filter(matrix=matrix, archived=True).values_list("name", flat=True)
    }
    clashes = [
        {
            "line": t.line,
            "column": "Task",
            "message": f"Line {t.line}: '{archived[name_key(t.name)]}' is an archived "
            "task of this matrix; restore it or rename the row.",
        }
        for t in diff.new_tasks
        if name_key(t.name) in archived
    ]
    if clashes:
        raise ImportRejected(clashes)
    return (
        {"dry_run": dry_run, "applied": False, "version": grid.version, "changes": diff.to_dict()},
        diff,
        roles,
        grid,
    )


def _import_apply(change: MatrixChange, diff: ImportDiff, roles: dict[str, Role]) -> None:
    matrix = change.matrix
    if diff.new_roles:
        start = MatrixRole.objects.filter(matrix=matrix).count()
        MatrixRole.objects.bulk_create(
            [
                MatrixRole(matrix=matrix, role=roles[code], order=start + i)
                for i, code in enumerate(diff.new_roles)
            ]
        )
    tasks = {
        t.pk: t
        for t in Task.objects.filter(pk__in={c.task_id for c in diff.renamed_tasks + diff.stage_changes})
    }
    for rename in diff.renamed_tasks:
        tasks[rename.task_id].name = rename.new
    for restage in diff.stage_changes:
        tasks[restage.task_id].stage = restage.new
    Task.objects.bulk_update(tasks.values(), ["name", "stage"])
    last = Task.objects.filter(matrix=matrix).order_by("-order").values_list("order", flat=True).first() or 0
    created = Task.objects.bulk_create(
        [
            Task(matrix=matrix, name=t.name, stage=t.stage, order=last + 1 + i)
            for i, t in enumerate(diff.new_tasks)
        ]
    )
    new_ids = {task.name: task.pk for task in created}
    existing = {
        (task_id, role_id): pk
        for pk, task_id, role_id in Assignment.objects.filter(task__matrix=matrix).values_list(
            "id", "task_id", "role_id"
        )
    }
    to_create, to_update, to_delete = [], {}, []
    for cell in diff.cell_changes:
        task_id = cell.task_id if cell.task_id is not None else new_ids[cell.task]
        role_id = roles[cell.role].pk
        pk = existing.get((task_id, role_id))
        if not cell.new:
            if pk is not None:
                to_delete.append(pk)
        elif pk is None:
            to_create.append((task_id, role_id, cell.new))
        else:
            to_update.setdefault(cell.new, []).append(pk)
    if to_delete:
        Assignment.objects.filter(pk__in=to_delete).delete()
    # New cells as plain tuples (a 1,000 x 50 import creates 15,000); changed ones with one UPDATE
    # per distinct set of letters, a handful per scheme.
    rows_insert(Assignment, ["task_id", "role_id", "letters"], to_create)
    for letters, pks in to_update.items():
        Assignment.objects.filter(pk__in=pks).update(letters=letters)
    cells = [
        (c.task_id if c.task_id is not None else new_ids[c.task], c.task, c.role, c.old, c.new)
        for c in diff.cell_changes
    ]
    for t in diff.new_tasks:
        change.record(
            kind=ChangeRecord.Kind.TASK,
            field="created",
            after=t.name,
            task_id=new_ids[t.name],
            task_name=t.name,
        )
    for r in diff.renamed_tasks:
        change.record(
            kind=ChangeRecord.Kind.TASK,
            field="name",
            before=r.old,
            after=r.new,
            task_id=r.task_id,
            task_name=r.new,
        )
    for c in diff.stage_changes:
        change.record(
            kind=ChangeRecord.Kind.TASK,
            field="stage",
            before=c.old,
            after=c.new,
            task_id=c.task_id,
            task_name=c.task,
        )
    for task_id, name, code, old, new in cells:
        change.record_cell(
            task_id=task_id, task_name=name, role_id=roles[code].pk, role_code=code, before=old, after=new
        )
    if diff.new_roles:
        change.record(kind=ChangeRecord.Kind.COLUMNS, field="columns", after=" ".join(diff.new_roles))
