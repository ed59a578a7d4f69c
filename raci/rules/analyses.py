"""Analyses of a matrix: health score, workload, the overlap of two roles, and ``analyse``.

Pure module, reading a ``MatrixGrid`` and the findings of ``engine.evaluate``. Results are
frozen dataclasses with ``to_dict`` for JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from raci.rules.engine import evaluate
from raci.rules.findings import Finding, Severity
from raci.rules.grid import MatrixGrid, collector_paused
from raci.rules.tally import Tally


class AnalysisError(ValueError):
    """An analysis was asked something that makes no sense for the grid (unknown role, ...)."""


# Health penalty points per finding; 20 points per task-or-role of the matrix make 100%.
HEALTH_POINTS: Mapping[Severity, int] = {Severity.ERROR: 20, Severity.WARNING: 6, Severity.INFO: 1}
# The best score a matrix with any error can get: it never looks healthy (90 and above).
HEALTH_ERROR_CAP = 89


def health_score(grid: MatrixGrid, findings: Iterable[Finding]) -> int | None:
    """A 0-100 summary of ``findings``: 100 means the engine has nothing to say; None means "not
    scored yet" — no task holds a letter (``matrix.empty``), so there is nothing to judge and a
    100 would praise a matrix for deciding nothing.

    Formula, with ``size = len(grid.tasks) + len(grid.roles)`` (at least 1), the units findings
    are about, and points of 20 per error, 6 per warning and 1 per info::

        score = 100 - ceil(5 * points / size), clamped to 0..100
        score = min(score, 89) if there is any error

    So one error per task-or-role on average costs the whole 100 (a big matrix with one error
    loses 1 point, not everything); the rounding up makes any finding cost at least one point;
    and any error keeps the score below 90. It is monotonic (adding a finding never raises it)
    and uses integers only, so it is the same on every machine.
    """
    points = 0
    has_error = False
    for finding in findings:
        if finding.code == "matrix.empty":
            return None
        points += HEALTH_POINTS[finding.severity]
        has_error = has_error or finding.severity is Severity.ERROR
    size = max(1, len(grid.tasks) + len(grid.roles))
    # Integer ceiling of 5 * points / size.
    score = max(0, 100 - (-(-5 * points // size)))
    return min(score, HEALTH_ERROR_CAP) if has_error else score


@dataclass(frozen=True)
class RoleWorkload:
    """What one role column carries. ``counts`` maps every scheme letter to the tasks holding it."""

    role_code: str
    role_name: str
    counts: Mapping[str, int]
    # Tasks where the role holds a letter that involves it (CAIRO's "Out of the loop" does not).
    tasks: int
    # Sum of letter weights over the column (``Letter.weight``).
    load: float
    # Active people holding the role.
    holders: int

    def to_dict(self) -> dict[str, object]:
        return {
            "role_code": self.role_code,
            "role_name": self.role_name,
            "counts": dict(self.counts),
            "tasks": self.tasks,
            "load": self.load,
            "holders": self.holders,
        }


@dataclass(frozen=True)
class PersonWorkload:
    """What one active person carries through the roles they hold in this matrix.

    ``counts`` and ``load`` add up their roles whole: everything the person is on.
    ``share`` divides each role's load among its active holders: their part of the work,
    which the overload rule compares between people.
    """

    person_id: int
    name: str
    role_codes: tuple[str, ...]
    counts: Mapping[str, int]
    load: float
    share: float

    def to_dict(self) -> dict[str, object]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "role_codes": list(self.role_codes),
            "counts": dict(self.counts),
            "load": self.load,
            "share": self.share,
        }


@dataclass(frozen=True)
class Workload:
    """Per role (column order) and per active person (grid order; inactive people are left out)."""

    roles: tuple[RoleWorkload, ...]
    people: tuple[PersonWorkload, ...]

    def role(self, code: str) -> RoleWorkload:
        for role in self.roles:
            if role.role_code == code:
                return role
        raise AnalysisError(f"This matrix has no role {code}.")

    def person(self, person_id: int) -> PersonWorkload:
        for person in self.people:
            if person.person_id == person_id:
                return person
        raise AnalysisError(f"No active person with id {person_id} in this matrix.")

    def to_dict(self) -> dict[str, object]:
        return {"roles": [r.to_dict() for r in self.roles], "people": [p.to_dict() for p in self.people]}


def workload(grid: MatrixGrid, tally: Tally | None = None) -> Workload:
    """Letter counts and weighted loads per role and per active person."""
    tally = tally if tally is not None else Tally.of(grid)
    codes = grid.scheme.codes
    roles = tuple(
        RoleWorkload(
            role_code=role.code,
            role_name=role.name,
            counts=dict(tally.roles[role.code].letter_counts),
            tasks=tally.roles[role.code].involved,
            load=tally.roles[role.code].load,
            holders=tally.roles[role.code].holders,
        )
        for role in grid.roles
    )
    people = []
    for person in grid.people:
        if not person.active:
            continue
        held = tally.held_roles(person)
        counts = dict.fromkeys(codes, 0)
        for code in held:
            for letter, n in tally.roles[code].letter_counts.items():
                counts[letter] += n
        people.append(
            PersonWorkload(
                person_id=person.id,
                name=person.name,
                role_codes=tuple(held),
                counts=counts,
                load=sum(tally.roles[code].load for code in held),
                share=tally.share(person),
            )
        )
    return Workload(roles=roles, people=tuple(people))


@dataclass(frozen=True)
class SharedTask:
    """A task both roles own, with the letters each holds there."""

    task_id: int
    a_letters: str
    b_letters: str


@dataclass(frozen=True)
class Overlap:
    """The Venn of two roles over the tasks, each list in task order.

    A role *owns* a task when it holds the task's accountable letter or a responsible letter
    (A or R in RACI): doing or answering for the work. Consulted and informed letters do not
    make a role an owner, so a task where only one role is R and the other C is ``only_a``.
    """

    a: str
    b: str
    only_a: tuple[int, ...]
    only_b: tuple[int, ...]
    shared: tuple[SharedTask, ...]
    neither: tuple[int, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "only_a": list(self.only_a),
            "only_b": list(self.only_b),
            "shared": [
                {"task_id": task.task_id, "a_letters": task.a_letters, "b_letters": task.b_letters}
                for task in self.shared
            ],
            "neither": list(self.neither),
        }


def overlap(grid: MatrixGrid, a: str, b: str) -> Overlap:
    """Which tasks role ``a`` owns alone, ``b`` alone, both, or neither (see ``Overlap``)."""
    known = {role.code for role in grid.roles}
    unknown = [code for code in (a, b) if code not in known]
    if unknown:
        raise AnalysisError(f"This matrix has no role {' or '.join(unknown)}.")
    if a == b:
        raise AnalysisError(f"Pick two different roles to compare; both are {a}.")
    scheme = grid.scheme
    owner_letters = scheme.responsible | {scheme.accountable}
    only_a: list[int] = []
    only_b: list[int] = []
    shared: list[SharedTask] = []
    neither: list[int] = []
    cells = grid.cells
    for task in grid.tasks:
        a_letters = cells.get((task.id, a), "")
        b_letters = cells.get((task.id, b), "")
        a_owns = not owner_letters.isdisjoint(a_letters)
        b_owns = not owner_letters.isdisjoint(b_letters)
        if a_owns and b_owns:
            shared.append(SharedTask(task.id, a_letters, b_letters))
        elif a_owns:
            only_a.append(task.id)
        elif b_owns:
            only_b.append(task.id)
        else:
            neither.append(task.id)
    return Overlap(a, b, tuple(only_a), tuple(only_b), tuple(shared), tuple(neither))


@dataclass(frozen=True)
class Analysis:
    findings: tuple[Finding, ...]
    # None: not scored yet (no task holds a letter).
    health: int | None
    workload: Workload

    @property
    def scored(self) -> bool:
        return self.health is not None

    def counts(self) -> dict[str, int]:
        """Findings per severity, every severity present: {"error": 2, "warning": 0, "info": 5}."""
        counts = {str(severity): 0 for severity in Severity}
        for finding in self.findings:
            counts[str(finding.severity)] += 1
        return counts

    def to_dict(self) -> dict[str, object]:
        return {
            "health": self.health,
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "workload": self.workload.to_dict(),
        }


def analyse(grid: MatrixGrid, *, fixes: bool = True) -> Analysis:
    """Findings, health and workload together, from one pass over the cells. ``fixes=False``:
    the findings carry no suggested fixes (health and counts are the same)."""
    with collector_paused():
        tally = Tally.of(grid)
        findings = evaluate(grid, tally, fixes=fixes)
        return Analysis(
            findings=findings, health=health_score(grid, findings), workload=workload(grid, tally)
        )
