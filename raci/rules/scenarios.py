"""Reorganizations on paper: what-if scenarios, and the gap between two matrices.

Pure module. ``what_if`` applies operations (remove a person, remove a role, merge a role into
another, move a role's letters to another) to a copy of a grid, never the grid itself, and
reports what breaks. ``gap`` compares the current ownership of an organization with a proposed
one, task by task and letter by letter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from frameworks.schemes import Scheme
from raci.rules.analyses import AnalysisError, health_score
from raci.rules.engine import evaluate
from raci.rules.findings import Finding
from raci.rules.grid import MatrixGrid, PersonEntry, TaskRow
from raci.rules.tally import Tally
from raci.rules.text import join_and, quoted

# --- Operations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemovePerson:
    """The person leaves: their roles keep their letters but lose a holder.

    The person stays in ``grid.people`` as inactive rather than disappearing, so a matrix that
    had people data keeps it (an empty people list would mean "staffing unknown" to the rules).
    """

    person_id: int

    def describe(self) -> str:
        return f"remove person {self.person_id}"


@dataclass(frozen=True)
class RemoveRole:
    """The role is abolished: its column and its letters disappear, its holders lose it."""

    role: str

    def describe(self) -> str:
        return f"remove role {self.role}"


@dataclass(frozen=True)
class MergeRole:
    """``source`` is folded into ``target``: letters combined, column gone, holders now hold ``target``."""

    source: str
    target: str

    def describe(self) -> str:
        return f"merge {self.source} into {self.target}"


@dataclass(frozen=True)
class MoveLetters:
    """``source``'s letters go to ``target`` as in a merge, but ``source`` stays, empty, with its holders."""

    source: str
    target: str

    def describe(self) -> str:
        return f"move {self.source}'s letters to {self.target}"


Operation = RemovePerson | RemoveRole | MergeRole | MoveLetters

_OPERATION_NAMES: Mapping[str, type[Operation]] = {
    "remove_person": RemovePerson,
    "remove_role": RemoveRole,
    "merge_role": MergeRole,
    "move_letters": MoveLetters,
}


def parse_scenario(data: Iterable[Mapping[str, object]]) -> tuple[Operation, ...]:
    """Operations from JSON-like data, for the API and the browser.

    ``[{"op": "merge_role", "source": "PMM", "target": "PM"}, {"op": "remove_person", "person_id": 7}]``;
    ops are ``remove_person`` (person_id), ``remove_role`` (role), ``merge_role`` and
    ``move_letters`` (source, target). Raises ``AnalysisError`` saying what is wrong.
    """
    operations: list[Operation] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, Mapping):
            raise AnalysisError(f"Step {number} must be an object with an 'op'.")
        name = item.get("op")
        kind = _OPERATION_NAMES.get(name) if isinstance(name, str) else None
        if kind is None:
            raise AnalysisError(f"Step {number}: 'op' must be one of {', '.join(_OPERATION_NAMES)}.")
        try:
            if kind is RemovePerson:
                person_id = item["person_id"]
                if not isinstance(person_id, int) or isinstance(person_id, bool):
                    raise AnalysisError(f"Step {number}: person_id must be a whole number.")
                operations.append(RemovePerson(person_id))
            elif kind is RemoveRole:
                operations.append(RemoveRole(_role_field(item, "role", number)))
            else:
                source = _role_field(item, "source", number)
                operations.append(kind(source, _role_field(item, "target", number)))
        except KeyError as missing:
            raise AnalysisError(f"Step {number}: {name} needs {missing.args[0]}.") from None
    return tuple(operations)


def _role_field(item: Mapping[str, object], key: str, number: int) -> str:
    value = item[key]
    if not isinstance(value, str) or not value:
        raise AnalysisError(f"Step {number}: {key} must be a role code.")
    return value


def combine_letters(scheme: Scheme, letters: Iterable[str]) -> str:
    """The union of ``letters`` as one valid cell, keeping the stronger letters when it is not.

    Strength: the accountable letter first, then responsible letters, then the rest, each group
    in the scheme's canonical order. Letters are taken in that order and each is kept only if
    the cell stays a valid combination. So in RACI A + R + C gives AR, and in DACI (one letter
    per cell) Driver + Contributor gives the Driver. Unknown letters are dropped.
    """
    present = set(letters)
    codes = [c for c in scheme.codes if c in present]
    if scheme.may_combine(set(codes)):
        return "".join(codes)
    by_strength = sorted(
        codes,
        key=lambda c: (c != scheme.accountable, c not in scheme.responsible, scheme.codes.index(c)),
    )
    kept: set[str] = set()
    for code in by_strength:
        if scheme.may_combine(kept | {code}):
            kept.add(code)
    return scheme.order(kept)


def apply_scenario(grid: MatrixGrid, scenario: Operation | Sequence[Operation]) -> MatrixGrid:
    """A new grid with the operations applied in order; ``grid`` is left untouched.

    Each operation is checked against the grid as the previous ones left it, so removing a role
    and then merging it is an error. Raises ``AnalysisError`` for unknown roles or people.
    """
    operations = (scenario,) if not isinstance(scenario, Sequence) else scenario
    for operation in operations:
        grid = _apply(grid, operation)
    return grid


def _apply(grid: MatrixGrid, operation: Operation) -> MatrixGrid:
    if isinstance(operation, RemovePerson):
        return _remove_person(grid, operation.person_id)
    if isinstance(operation, RemoveRole):
        _require_roles(grid, operation.role)
        return _drop_role(grid, grid.cells, operation.role, holders_become=None)
    if isinstance(operation, MergeRole | MoveLetters):
        _require_roles(grid, operation.source, operation.target)
        if operation.source == operation.target:
            return grid
        cells = _moved_cells(grid, operation.source, operation.target)
        if isinstance(operation, MoveLetters):
            return replace(grid, cells=cells)
        return _drop_role(grid, cells, operation.source, holders_become=operation.target)
    raise AnalysisError(f"Unknown scenario operation {operation!r}.")


def _require_roles(grid: MatrixGrid, *codes: str) -> None:
    known = {role.code for role in grid.roles}
    unknown = [code for code in dict.fromkeys(codes) if code not in known]
    if unknown:
        raise AnalysisError(f"This matrix has no role {' or '.join(unknown)}.")


def _remove_person(grid: MatrixGrid, person_id: int) -> MatrixGrid:
    person = next((p for p in grid.people if p.id == person_id), None)
    if person is None:
        raise AnalysisError(f"No person with id {person_id} in this matrix.")
    if not person.active:
        return grid
    people = tuple(replace(p, active=False) if p.id == person_id else p for p in grid.people)
    # A known headcount counts the person who leaves; an unknown one is derived from people.
    headcount = max(0, grid.headcount - 1) if grid.headcount is not None else None
    return replace(grid, people=people, headcount=headcount)


def _moved_cells(grid: MatrixGrid, source: str, target: str) -> dict[tuple[int, str], str]:
    """Cells with ``source``'s letters combined into ``target`` and ``source`` emptied."""
    cells = dict(grid.cells)
    for task in grid.tasks:
        moving = cells.pop((task.id, source), "")
        if not moving:
            continue
        combined = combine_letters(grid.scheme, cells.get((task.id, target), "") + moving)
        if combined:
            cells[(task.id, target)] = combined
        else:
            cells.pop((task.id, target), None)
    return cells


def _drop_role(
    grid: MatrixGrid, cells: Mapping[tuple[int, str], str], code: str, *, holders_become: str | None
) -> MatrixGrid:
    def rehold(person: PersonEntry) -> PersonEntry:
        if code not in person.role_codes:
            return person
        role_codes = person.role_codes - {code}
        if holders_become is not None:
            role_codes |= {holders_become}
        return replace(person, role_codes=frozenset(role_codes))

    return replace(
        grid,
        roles=tuple(role for role in grid.roles if role.code != code),
        cells={key: letters for key, letters in cells.items() if key[1] != code},
        people=tuple(rehold(person) for person in grid.people),
    )


# --- What if ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskLoss:
    """A task that had an accountable (or responsible) role and no longer has one."""

    task_id: int
    task_name: str
    lost_accountable: bool
    lost_responsible: bool


@dataclass(frozen=True)
class WhatIf:
    grid: MatrixGrid
    losses: tuple[TaskLoss, ...]
    findings_before: tuple[Finding, ...]
    findings_after: tuple[Finding, ...]
    health_before: int
    health_after: int

    @property
    def introduced(self) -> tuple[Finding, ...]:
        """Findings the scenario creates."""
        before = set(self.findings_before)
        return tuple(f for f in self.findings_after if f not in before)

    @property
    def resolved(self) -> tuple[Finding, ...]:
        """Findings the scenario makes go away."""
        after = set(self.findings_after)
        return tuple(f for f in self.findings_before if f not in after)

    def to_dict(self) -> dict[str, object]:
        return {
            "losses": [
                {
                    "task_id": loss.task_id,
                    "task_name": loss.task_name,
                    "lost_accountable": loss.lost_accountable,
                    "lost_responsible": loss.lost_responsible,
                }
                for loss in self.losses
            ],
            "health_before": self.health_before,
            "health_after": self.health_after,
            "findings_before": [f.to_dict() for f in self.findings_before],
            "findings_after": [f.to_dict() for f in self.findings_after],
            "introduced": [f.to_dict() for f in self.introduced],
            "resolved": [f.to_dict() for f in self.resolved],
        }


def what_if(grid: MatrixGrid, scenario: Operation | Sequence[Operation] = ()) -> WhatIf:
    """Apply ``scenario`` to a copy of ``grid`` and report what it changes; nothing is saved.

    A task *loses* its accountable (responsible) letter when before the scenario some role held
    it and, if the grid has people data, an active person held that role, and afterwards no such
    role is left. So removing the only person holding PM makes PM's tasks lose their owner
    even though the letters are still in the cells.
    """
    after = apply_scenario(grid, scenario)
    before_tally = Tally.of(grid)
    after_tally = before_tally if after is grid else Tally.of(after)
    findings_before = evaluate(grid, before_tally)
    findings_after = findings_before if after is grid else evaluate(after, after_tally)
    covered_before = _coverage(before_tally)
    covered_after = _coverage(after_tally)
    losses = []
    for task in grid.tasks:
        had_a, had_r = covered_before[task.id]
        has_a, has_r = covered_after[task.id]
        if (had_a and not has_a) or (had_r and not has_r):
            losses.append(TaskLoss(task.id, task.name, had_a and not has_a, had_r and not has_r))
    return WhatIf(
        grid=after,
        losses=tuple(losses),
        findings_before=findings_before,
        findings_after=findings_after,
        health_before=health_score(grid, findings_before),
        health_after=health_score(after, findings_after),
    )


def _coverage(tally: Tally) -> dict[int, tuple[bool, bool]]:
    """Task id -> (has an accountable role someone can act as, has a responsible one)."""
    staffing_known = bool(tally.grid.people)
    coverage = {}
    for task_id, cells in tally.task_cells.items():
        accountable = responsible = False
        for code, info in cells:
            if staffing_known and code not in tally.staffed:
                continue
            accountable = accountable or info.accountable
            responsible = responsible or info.responsible
        coverage[task_id] = (accountable, responsible)
    return coverage


# --- Gap -------------------------------------------------------------------------------------


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
