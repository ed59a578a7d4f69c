"""What an import would change in a matrix: the ImportDiff a service applies."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from raci.exchange.plan import ImportPlan, ImportRow, name_key
from raci.rules.grid import MatrixGrid, RoleColumn, TaskRow


@dataclass(frozen=True)
class NewTask:
    line: int
    name: str
    stage: str


@dataclass(frozen=True)
class TaskRename:
    """The file spells an existing task's name differently (case or spacing only)."""

    task_id: int
    old: str
    new: str


@dataclass(frozen=True)
class StageChange:
    task_id: int
    task: str
    old: str
    new: str


@dataclass(frozen=True)
class CellChange:
    # None for a cell of a task the import creates.
    task_id: int | None
    task: str
    role: str
    old: str
    new: str


@dataclass(frozen=True)
class MissingTask:
    task_id: int
    name: str
    stage: str


@dataclass(frozen=True)
class ImportDiff:
    """What applying a plan would change. ``missing_tasks`` are reported, never deleted or archived."""

    new_tasks: tuple[NewTask, ...] = ()
    renamed_tasks: tuple[TaskRename, ...] = ()
    stage_changes: tuple[StageChange, ...] = ()
    cell_changes: tuple[CellChange, ...] = ()
    # Role codes of the file that are not yet columns of the matrix.
    new_roles: tuple[str, ...] = ()
    missing_tasks: tuple[MissingTask, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when applying the plan would change nothing (missing tasks are not a change)."""
        return not (
            self.new_tasks or self.renamed_tasks or self.stage_changes or self.cell_changes or self.new_roles
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "is_empty": self.is_empty,
            "new_tasks": [{"line": t.line, "name": t.name, "stage": t.stage} for t in self.new_tasks],
            "renamed_tasks": [{"task": r.task_id, "old": r.old, "new": r.new} for r in self.renamed_tasks],
            "stage_changes": [
                {"task": s.task_id, "name": s.task, "old": s.old, "new": s.new} for s in self.stage_changes
            ],
            "cell_changes": [
                {"task": c.task_id, "name": c.task, "role": c.role, "old": c.old, "new": c.new}
                for c in self.cell_changes
            ],
            "new_roles": list(self.new_roles),
            "missing_tasks": [
                {"task": m.task_id, "name": m.name, "stage": m.stage} for m in self.missing_tasks
            ],
        }


def diff_import(grid: MatrixGrid, plan: ImportPlan) -> ImportDiff:
    """Compare ``plan`` with ``grid`` without changing either.

    A file row matches the grid task with exactly its name, else the first unmatched task with the
    same ``name_key``. Only the plan's role columns are compared; an empty cell in the file clears
    the cell.
    """
    by_name = {task.name: task for task in grid.tasks}
    by_key: dict[str, list[TaskRow]] = {}
    for task in grid.tasks:
        by_key.setdefault(name_key(task.name), []).append(task)
    grid_roles = {role.code for role in grid.roles}

    matched: set[int] = set()
    new_tasks: list[NewTask] = []
    renamed: list[TaskRename] = []
    stages: list[StageChange] = []
    cells: list[CellChange] = []
    for row in plan.rows:
        task = by_name.get(row.task)
        if task is None or task.id in matched:
            task = next((t for t in by_key.get(name_key(row.task), ()) if t.id not in matched), None)
        if task is None:
            new_tasks.append(NewTask(line=row.line, name=row.task, stage=row.stage))
            cells.extend(
                CellChange(None, row.task, role, "", letters)
                for role, letters in _in_order(row, plan)
                if letters
            )
            continue
        matched.add(task.id)
        if row.task != task.name:
            renamed.append(TaskRename(task.id, task.name, row.task))
        if row.stage != task.stage:
            stages.append(StageChange(task.id, row.task, task.stage, row.stage))
        for role, letters in _in_order(row, plan):
            old = grid.letters(task.id, role)
            if old != letters:
                cells.append(CellChange(task.id, row.task, role, old, letters))

    return ImportDiff(
        new_tasks=tuple(new_tasks),
        renamed_tasks=tuple(renamed),
        stage_changes=tuple(stages),
        cell_changes=tuple(cells),
        new_roles=tuple(code for code in plan.roles if code not in grid_roles),
        missing_tasks=tuple(
            MissingTask(task.id, task.name, task.stage) for task in grid.tasks if task.id not in matched
        ),
    )


def _in_order(row: ImportRow, plan: ImportPlan) -> Iterator[tuple[str, str]]:
    return ((role, row.cells[role]) for role in plan.roles if role in row.cells)


def grid_after_import(grid: MatrixGrid, diff: ImportDiff) -> MatrixGrid:
    """``grid`` as it would be once ``diff`` is applied, for the preview's health before and after.
    Tasks and columns the import adds get negative ids: they exist only in this picture."""
    renamed = {r.task_id: r.new for r in diff.renamed_tasks}
    restaged = {s.task_id: s.new for s in diff.stage_changes}
    tasks = [
        replace(task, name=renamed.get(task.id, task.name), stage=restaged.get(task.id, task.stage))
        for task in grid.tasks
    ]
    new_ids = {}
    for i, new in enumerate(diff.new_tasks, start=1):
        new_ids[new.name] = -i
        tasks.append(TaskRow(id=-i, name=new.name, stage=new.stage, order=len(grid.tasks) + i))
    roles = grid.roles + tuple(
        RoleColumn(id=-i, code=code, name=code) for i, code in enumerate(diff.new_roles, start=1)
    )
    cells = dict(grid.cells)
    for change in diff.cell_changes:
        key = (change.task_id if change.task_id is not None else new_ids[change.task], change.role)
        if change.new:
            cells[key] = change.new
        else:
            cells.pop(key, None)
    return replace(grid, tasks=tuple(tasks), roles=roles, cells=cells)
