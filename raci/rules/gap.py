"""The gap between current and proposed ownership: per task, which letters move from whom to whom.

Pure module, like the rest of the rules package."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from raci.rules.analyses import AnalysisError
from raci.rules.grid import MatrixGrid, TaskRow
from raci.rules.text import join_and, quoted


@dataclass(frozen=True)
class LetterChange:
    """Who holds one letter of a task before and after: ``A: PM -> PMM``."""

    letter: str
    letter_name: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def gained(self) -> tuple[str, ...]:
        return tuple(code for code in self.after if code not in self.before)

    @property
    def lost(self) -> tuple[str, ...]:
        return tuple(code for code in self.before if code not in self.after)

    def __str__(self) -> str:
        return f"{self.letter}: {', '.join(self.before) or '—'} -> {', '.join(self.after) or '—'}"

    def to_dict(self) -> dict[str, object]:
        return {
            "letter": self.letter,
            "letter_name": self.letter_name,
            "before": list(self.before),
            "after": list(self.after),
        }


@dataclass(frozen=True)
class TaskGap:
    """A task in both grids whose letters moved."""

    current_task_id: int
    proposed_task_id: int
    stage: str
    name: str
    changes: tuple[LetterChange, ...]

    def describe(self) -> str:
        return f"{quoted(self.name)}: {join_and(str(change) for change in self.changes)}"

    def to_dict(self) -> dict[str, object]:
        return {
            "current_task_id": self.current_task_id,
            "proposed_task_id": self.proposed_task_id,
            "stage": self.stage,
            "name": self.name,
            "changes": [change.to_dict() for change in self.changes],
        }


@dataclass(frozen=True)
class GapSummary:
    matched: int
    changed: int
    unchanged: int
    only_current: int
    only_proposed: int
    letter_changes: int

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Gap:
    """Current versus proposed ownership. Changed tasks are in the current grid's order."""

    changed: tuple[TaskGap, ...]
    only_current: tuple[TaskRow, ...]
    only_proposed: tuple[TaskRow, ...]
    roles_only_current: tuple[str, ...]
    roles_only_proposed: tuple[str, ...]
    summary: GapSummary

    def to_dict(self) -> dict[str, object]:
        def row(task: TaskRow) -> dict[str, object]:
            return {"id": task.id, "stage": task.stage, "name": task.name}

        return {
            "changed": [task.to_dict() for task in self.changed],
            "only_current": [row(task) for task in self.only_current],
            "only_proposed": [row(task) for task in self.only_proposed],
            "roles_only_current": list(self.roles_only_current),
            "roles_only_proposed": list(self.roles_only_proposed),
            "summary": self.summary.to_dict(),
        }


def gap(current: MatrixGrid, proposed: MatrixGrid) -> Gap:
    """Which letters move from whom to whom between two grids of the same organization.

    Tasks are matched by (stage, name), ignoring case and surrounding spaces; tasks left over
    are then matched by name alone when that name is left exactly once on each side (a task that
    moved stage). Duplicates pair up in task order. Roles are matched by code. Both grids must
    use the same scheme: letters of different schemes mean different things.
    """
    if current.scheme.key != proposed.scheme.key:
        raise AnalysisError(
            "Compare matrices of the same scheme; "
            f"this is {current.scheme.name} against {proposed.scheme.name}."
        )
    pairs = _match_tasks(current.tasks, proposed.tasks)
    matched_current = {a.id for a, _ in pairs}
    matched_proposed = {b.id for _, b in pairs}
    scheme = current.scheme
    current_roles = [role.code for role in current.roles]
    proposed_roles = [role.code for role in proposed.roles]
    # Letters are listed in a combined column order: the current grid's, then new roles.
    all_roles = list(dict.fromkeys(current_roles + proposed_roles))

    changed = []
    letter_changes = 0
    for task_a, task_b in pairs:
        before = _holders(current, task_a.id, all_roles)
        after = _holders(proposed, task_b.id, all_roles)
        changes = tuple(
            LetterChange(letter.code, letter.name, before[letter.code], after[letter.code])
            for letter in scheme.letters
            if before[letter.code] != after[letter.code]
        )
        if changes:
            changed.append(TaskGap(task_a.id, task_b.id, task_a.stage, task_a.name, changes))
            letter_changes += len(changes)

    only_current = tuple(task for task in current.tasks if task.id not in matched_current)
    only_proposed = tuple(task for task in proposed.tasks if task.id not in matched_proposed)
    return Gap(
        changed=tuple(changed),
        only_current=only_current,
        only_proposed=only_proposed,
        roles_only_current=tuple(code for code in current_roles if code not in set(proposed_roles)),
        roles_only_proposed=tuple(code for code in proposed_roles if code not in set(current_roles)),
        summary=GapSummary(
            matched=len(pairs),
            changed=len(changed),
            unchanged=len(pairs) - len(changed),
            only_current=len(only_current),
            only_proposed=len(only_proposed),
            letter_changes=letter_changes,
        ),
    )


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _match_tasks(current: Sequence[TaskRow], proposed: Sequence[TaskRow]) -> list[tuple[TaskRow, TaskRow]]:
    """Pairs of (current, proposed) tasks, in the current grid's order."""
    waiting: dict[tuple[str, str], list[TaskRow]] = {}
    for task in proposed:
        waiting.setdefault((_key(task.stage), _key(task.name)), []).append(task)
    pairs: dict[int, TaskRow] = {}
    for task in current:
        queue = waiting.get((_key(task.stage), _key(task.name)))
        if queue:
            pairs[task.id] = queue.pop(0)

    # Second chance by name alone, only where it is unambiguous on both sides.
    left_current: dict[str, list[TaskRow]] = {}
    for task in current:
        if task.id not in pairs:
            left_current.setdefault(_key(task.name), []).append(task)
    left_proposed: dict[str, list[TaskRow]] = {}
    for queue in waiting.values():
        for task in queue:
            left_proposed.setdefault(_key(task.name), []).append(task)
    for name, tasks in left_current.items():
        candidates = left_proposed.get(name, [])
        if len(tasks) == 1 and len(candidates) == 1:
            pairs[tasks[0].id] = candidates[0]

    return [(task, pairs[task.id]) for task in current if task.id in pairs]


def _holders(grid: MatrixGrid, task_id: int, roles: list[str]) -> dict[str, tuple[str, ...]]:
    """Letter -> role codes holding it on a task, in ``roles`` order."""
    holders: dict[str, list[str]] = {code: [] for code in grid.scheme.codes}
    for code in roles:
        for letter in grid.cells.get((task_id, code), ""):
            if letter in holders and code not in holders[letter]:
                holders[letter].append(code)
    return {letter: tuple(codes) for letter, codes in holders.items()}
