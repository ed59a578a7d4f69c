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
from raci.rules.findings import Finding, Severity
from raci.rules.grid import MatrixGrid, PersonEntry
from raci.rules.tally import Tally

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
class LoadChange:
    """One role's load (or one person's share) before and after the scenario; None where absent."""

    key: str | int
    name: str
    before: float | None
    after: float | None

    def to_dict(self, key_name: str) -> dict[str, object]:
        return {key_name: self.key, "name": self.name, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class ChangedFinding:
    """A finding about the same thing before and after whose words (numbers) or severity moved."""

    before: Finding
    after: Finding


def _identity(finding: Finding) -> tuple[object, ...]:
    """What a finding is about: the same code about the same task, role and person."""
    return (finding.code, finding.task_id, finding.role_code, finding.person_id)


@dataclass(frozen=True)
class WhatIf:
    grid: MatrixGrid
    losses: tuple[TaskLoss, ...]
    findings_before: tuple[Finding, ...]
    findings_after: tuple[Finding, ...]
    health_before: int | None
    health_after: int | None
    roles: tuple[LoadChange, ...] = ()
    people: tuple[LoadChange, ...] = ()
    # "Someone leaves": where the letters of the roles left without a holder could go, and the
    # grid and health with those moves applied (None when nothing needs a new home).
    proposal: tuple[MoveLetters, ...] = ()
    proposed_grid: MatrixGrid | None = None
    health_proposed: int | None = None

    @property
    def introduced(self) -> tuple[Finding, ...]:
        """Findings about something the engine said nothing of before."""
        before = {_identity(f) for f in self.findings_before}
        return tuple(f for f in self.findings_after if _identity(f) not in before)

    @property
    def resolved(self) -> tuple[Finding, ...]:
        """Findings about something the engine says nothing of after."""
        after = {_identity(f) for f in self.findings_after}
        return tuple(f for f in self.findings_before if _identity(f) not in after)

    @property
    def changed(self) -> tuple[ChangedFinding, ...]:
        """Findings about the same thing whose numbers or severity changed: not introduced and
        resolved, which would count one finding twice."""
        before = {_identity(f): f for f in self.findings_before}
        return tuple(
            ChangedFinding(before[_identity(f)], f)
            for f in self.findings_after
            if _identity(f) in before and before[_identity(f)] != f
        )

    @property
    def verdict(self) -> str:
        """worse, better or unchanged. Worse when health falls, a task loses its owner or doer, or
        a new error appears (a matrix already below 90 stays capped at 89, so the score alone
        would call losing a person "unchanged"); better only when health rises without any of those.
        """
        new_error = any(f.severity is Severity.ERROR for f in self.introduced)
        before, after = self.health_before, self.health_after
        falls = before is not None and (after is None or after < before)
        if falls or self.losses or new_error:
            return "worse"
        rises = after is not None and (before is None or after > before)
        return "better" if rises else "unchanged"

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
            "verdict": self.verdict,
            "roles": [change.to_dict("role_code") for change in self.roles],
            "people": [change.to_dict("person_id") for change in self.people],
            "findings_before": [f.to_dict() for f in self.findings_before],
            "findings_after": [f.to_dict() for f in self.findings_after],
            "introduced": [f.to_dict() for f in self.introduced],
            "resolved": [f.to_dict() for f in self.resolved],
            "changed": [{"before": c.before.to_dict(), "after": c.after.to_dict()} for c in self.changed],
            "proposal": [
                {"op": "move_letters", "source": m.source, "target": m.target} for m in self.proposal
            ],
            "health_proposed": self.health_proposed,
        }


def what_if(grid: MatrixGrid, scenario: Operation | Sequence[Operation] = ()) -> WhatIf:
    """Apply ``scenario`` to a copy of ``grid`` and report what it changes; nothing is saved.

    A task *loses* its accountable (responsible) letter when before the scenario some role held
    it and, if the grid has people data, an active person held that role, and afterwards no such
    role is left. So removing the only person holding PM makes PM's tasks lose their owner
    even though the letters are still in the cells. When people leave, ``proposal`` moves the
    letters of each role left without a holder to the staffed role whose holders carry least.
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
    proposal = _proposal(before_tally, after_tally)
    proposed = apply_scenario(after, proposal) if proposal else None
    return WhatIf(
        grid=after,
        losses=tuple(losses),
        findings_before=findings_before,
        findings_after=findings_after,
        health_before=health_score(grid, findings_before),
        health_after=health_score(after, findings_after),
        roles=_role_loads(before_tally, after_tally),
        people=_person_loads(before_tally, after_tally),
        proposal=proposal,
        proposed_grid=proposed,
        health_proposed=health_score(proposed, evaluate(proposed)) if proposed is not None else None,
    )


def _role_loads(before: Tally, after: Tally) -> tuple[LoadChange, ...]:
    """Every role of either grid, in the order before (then roles new after)."""
    names = {role.code: role.name for role in (*before.grid.roles, *after.grid.roles)}
    codes = list(dict.fromkeys([r.code for r in before.grid.roles] + [r.code for r in after.grid.roles]))
    return tuple(
        LoadChange(
            code,
            names[code],
            before.roles[code].load if code in before.roles else None,
            after.roles[code].load if code in after.roles else None,
        )
        for code in codes
    )


def _person_loads(before: Tally, after: Tally) -> tuple[LoadChange, ...]:
    """Every person active before or after, with their share of the work (0 once they leave)."""
    after_people = {p.id: p for p in after.grid.people}
    changes = []
    for person in before.grid.people:
        later = after_people.get(person.id)
        if not person.active and (later is None or not later.active):
            continue
        changes.append(
            LoadChange(
                person.id,
                person.name,
                before.share(person) if person.active else None,
                after.share(later) if later is not None and later.active else None,
            )
        )
    return tuple(changes)


def _proposal(before: Tally, after: Tally) -> tuple[MoveLetters, ...]:
    """For every role that owned work and had a holder before but has none after, a move of its
    letters to the staffed role whose holders carry the least load (column order breaks ties).

    Only when people data says who holds what: otherwise nobody can be said to have left.
    """
    if not after.grid.people:
        return ()
    orphaned = [
        role.code
        for role in after.grid.roles
        if role.code in before.staffed and role.code not in after.staffed and after.roles[role.code].owns
    ]
    if not orphaned:
        return ()
    # Each holder's part of the role's load, updated as letters move so two orphaned roles do not
    # both land on the same lightest role when another is lighter by then.
    per_holder = {
        role.code: after.roles[role.code].load / after.roles[role.code].holders
        for role in after.grid.roles
        if role.code in after.staffed
    }
    if not per_holder:
        return ()
    order = {role.code: i for i, role in enumerate(after.grid.roles)}
    moves = []
    for code in orphaned:
        target = min(per_holder, key=lambda c: (per_holder[c], order[c]))
        moves.append(MoveLetters(code, target))
        per_holder[target] += after.roles[code].load / after.roles[target].holders
    return tuple(moves)


def _coverage(tally: Tally) -> dict[int, tuple[bool, bool]]:
    """Task id -> (has an accountable role someone can act as, has a responsible one)."""
    staffing_known = tally.grid.staffing_known
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
