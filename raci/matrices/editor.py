"""What the matrix editor shows, as plain data: rows grouped by stage, with their
findings badges, after the filters. Pure: reads a MatrixGrid and the rules engine's
findings, no database."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from raci.rules.findings import Finding, Severity
from raci.rules.grid import MatrixGrid, RoleColumn, TaskRow


@dataclass(frozen=True)
class Filters:
    stage: str = ""
    role: str = ""
    letter: str = ""
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(self.stage or self.role or self.letter or self.text)


@dataclass(frozen=True)
class Cell:
    role: RoleColumn
    letters: str


@dataclass(frozen=True)
class Badge:
    """The worst severity of a task's findings, with their messages for the tooltip and screen readers."""

    severity: str = ""
    messages: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.messages)


@dataclass(frozen=True)
class Row:
    task: TaskRow
    cells: tuple[Cell, ...]
    badge: Badge


@dataclass(frozen=True)
class StageGroup:
    stage: str
    rows: list[Row] = field(default_factory=list)


def badges_by_task(findings: Iterable[Finding]) -> dict[int, Badge]:
    grouped: dict[int, list[Finding]] = {}
    for finding in findings:
        if finding.task_id is not None:
            grouped.setdefault(finding.task_id, []).append(finding)
    badges = {}
    for task_id, items in grouped.items():
        worst = min(items, key=lambda f: Severity(f.severity).rank)
        badges[task_id] = Badge(severity=str(worst.severity), messages=tuple(f.message for f in items))
    return badges


def badge_for(task_id: int, findings: Iterable[Finding]) -> Badge:
    return badges_by_task(f for f in findings if f.task_id == task_id).get(task_id, Badge())


def _keep(grid: MatrixGrid, task: TaskRow, filters: Filters) -> bool:
    if filters.stage and task.stage != filters.stage:
        return False
    if filters.text and filters.text.casefold() not in task.name.casefold():
        return False
    if filters.role or filters.letter:
        codes = [filters.role] if filters.role else [r.code for r in grid.roles]
        held = [grid.letters(task.id, code) for code in codes]
        if filters.letter:
            return any(filters.letter in letters for letters in held)
        return any(held)
    return True


def editor_groups(
    grid: MatrixGrid, findings: Iterable[Finding], filters: Filters = Filters()
) -> list[StageGroup]:
    badges = badges_by_task(findings)
    groups: dict[str, StageGroup] = {}
    for task in grid.tasks:
        if not _keep(grid, task, filters):
            continue
        cells = tuple(Cell(role, grid.letters(task.id, role.code)) for role in grid.roles)
        group = groups.setdefault(task.stage, StageGroup(task.stage))
        group.rows.append(Row(task, cells, badges.get(task.id, Badge())))
    return list(groups.values())


def stages(grid: MatrixGrid) -> list[str]:
    return list(dict.fromkeys(task.stage for task in grid.tasks))


def combinations_attr(grid: MatrixGrid) -> str:
    """The letter sets that may share a cell, for the editor's script: "AR,RP"."""
    return ",".join(sorted(grid.scheme.order(c) for c in grid.scheme.combinations))


def fix_changes(raw: str, *, limit: int) -> list[dict[str, object]] | None:
    """The cell edits a fix button posts (``Fix.changes_json``), checked for shape; None when the
    text is not a list of at most ``limit`` edits each with an integer task and string role,
    expected and letters. Whether they still fit the grid is the batch's to say."""
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, list) or not 0 < len(data) <= limit:
        return None
    changes = []
    for item in data:
        if not isinstance(item, dict) or set(item) != {"task", "role", "expected", "letters"}:
            return None
        task = item["task"]
        if not isinstance(task, int) or isinstance(task, bool) or not 0 < task < 2**63:
            return None
        texts = (item["role"], item["expected"], item["letters"])
        if not all(isinstance(text, str) and len(text) <= 20 for text in texts):
            return None
        changes.append(
            {
                "task": task,
                "role": item["role"].upper(),
                "expected": item["expected"],
                "letters": item["letters"],
            }
        )
    return changes
