"""A matrix as plain data: what the loader returns and every consumer reads.

Pure module. ``raci.matrices.selectors.matrix_grid_get`` builds a ``MatrixGrid`` from the
database in a fixed number of queries; the rules engine, the analyses, exports,
the editor and the API read it without touching the ORM again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from frameworks.schemes import Scheme


@dataclass(frozen=True)
class RoleColumn:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class TaskRow:
    id: int
    name: str
    stage: str
    order: int


@dataclass(frozen=True)
class PersonEntry:
    id: int
    name: str
    role_codes: frozenset[str]
    active: bool = True


@dataclass(frozen=True)
class RuleSettings:
    """Thresholds of the rules engine; a matrix may override any of them."""

    shared_accountability: bool = False
    # Tasks (ids) whose accountability is shared by design, declared per activity by a framework
    # ("both roles should be held accountable for revenue growth"): two A's there are reported
    # as information, not as an error.
    shared_accountability_tasks: tuple[int, ...] = ()
    max_responsible: int = 3
    max_consulted: int = 3
    max_informed: int = 5
    # A role accountable for more than this share of tasks may be a bottleneck ...
    accountable_share: float = 0.40
    # ... when it is also accountable for at least this many times as many tasks as the next
    # accountable role: two roles splitting the decisions between them both hold 40%+ of them,
    # and that is a split, not a bottleneck.
    bottleneck_lead: float = 2.0
    # R and A load both in this top fraction of roles: burnout risk ...
    burnout_top_fraction: float = 0.10
    # ... when the role also carries at least this many times the R and the A of the next role:
    # the seeds' PM and PMM both carry heavy loads by design (PMM leading a launch checklist
    # carries about 1.5 times PM's), and a partner carrying half as much is no burnout.
    burnout_lead: float = 2.0
    # A person holding several roles whose share exceeds this multiple of a typical working
    # role's load (the mean load of the roles that own work) is overloaded.
    person_overload_factor: float = 2.0
    # Organizations of this many people or fewer combine roles as a matter of course: the seeds
    # "wouldn't recommend hiring a separate Product Manager and Product Marketer for a 10-person company".
    small_org_headcount: int = 10
    # Pairs of roles that keep each other honest when held by different people.
    split_pairs: tuple[tuple[str, str], ...] = (("PM", "PMM"),)
    # A split pair held by one person is worth fixing once this many people hold either role:
    # the seeds' trigger is "hiring their 2nd or 3rd Product Manager/Marketer", not headcount.
    split_pair_people: int = 2
    # In an organization past the small size, holding more working roles than this is a warning.
    max_roles_per_person: int = 2

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, object] | None) -> RuleSettings:
        """Defaults with a matrix's stored overrides applied; unknown keys are ignored."""
        if not overrides:
            return cls()
        known = {f for f in cls.__dataclass_fields__ if f in overrides}
        values = {key: overrides[key] for key in known}
        if "split_pairs" in values:
            values["split_pairs"] = tuple(tuple(pair) for pair in values["split_pairs"])  # type: ignore[union-attr]
        if "shared_accountability_tasks" in values and isinstance(
            values["shared_accountability_tasks"], list
        ):
            values["shared_accountability_tasks"] = tuple(values["shared_accountability_tasks"])
        return replace(cls(), **values)

    def validate(self) -> None:
        """Raise ValueError naming the first setting of the wrong type or out of range."""
        if not isinstance(self.shared_accountability, bool):
            raise ValueError("shared_accountability must be true or false.")
        for name in (
            "max_responsible",
            "max_consulted",
            "max_informed",
            "small_org_headcount",
            "split_pair_people",
            "max_roles_per_person",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
                raise ValueError(f"{name} must be a whole number between 0 and 10000.")
        for name in ("accountable_share", "burnout_top_fraction"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
                raise ValueError(f"{name} must be a number above 0 and at most 1.")
        for name in ("person_overload_factor", "bottleneck_lead", "burnout_lead"):
            factor = getattr(self, name)
            if isinstance(factor, bool) or not isinstance(factor, int | float) or not 1 <= factor <= 100:
                raise ValueError(f"{name} must be a number between 1 and 100.")
        tasks = self.shared_accountability_tasks
        if not isinstance(tasks, tuple) or not all(
            isinstance(task, int) and not isinstance(task, bool) for task in tasks
        ):
            raise ValueError("shared_accountability_tasks must be a list of task ids.")
        for pair in self.split_pairs:
            if len(pair) != 2 or not all(isinstance(code, str) for code in pair):
                raise ValueError('split_pairs must be a list of two role codes each, like [["PM", "PMM"]].')


@dataclass(frozen=True)
class MatrixGrid:
    id: int
    name: str
    version: int
    scheme: Scheme
    roles: tuple[RoleColumn, ...]
    tasks: tuple[TaskRow, ...]
    # (task id, role code) -> canonical letters; empty cells are absent.
    cells: Mapping[tuple[int, str], str]
    people: tuple[PersonEntry, ...] = ()
    settings: RuleSettings = field(default_factory=RuleSettings)
    # The organization's headcount when known; otherwise the number of active people.
    headcount: int | None = None
    # The team whose work this is ("Product / Mobile"), empty for the whole organization. A team's
    # matrix knows who does each role even when nobody does (its people are resolved in the team),
    # so "nobody holds PM in Mobile" is a finding, where a matrix read without people says nothing.
    team: str = ""

    @property
    def staffing_known(self) -> bool:
        return bool(self.people or self.team)

    def letters(self, task_id: int, role_code: str) -> str:
        return self.cells.get((task_id, role_code), "")

    @property
    def effective_headcount(self) -> int:
        if self.headcount is not None:
            return self.headcount
        return sum(1 for p in self.people if p.active)

    def stage_groups(self) -> list[tuple[str, list[tuple[TaskRow, tuple[str, ...]]]]]:
        """Tasks grouped by stage in task order, each with its letters per role column."""
        groups: dict[str, list[tuple[TaskRow, tuple[str, ...]]]] = {}
        for task in self.tasks:
            row = tuple(self.cells.get((task.id, role.code), "") for role in self.roles)
            groups.setdefault(task.stage, []).append((task, row))
        return list(groups.items())


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a large grid is built or analysed.

    Loading and analysing a 1,000 x 50 matrix allocates hundreds of thousands of small objects
    (cells, findings, suggested fixes) that live until the request ends and form no cycles; the
    collector would scan them again and again as they pile up, a third of the time at that size.
    It runs as usual afterwards. Process-wide, so with threads it only ever re-enables what it
    disabled itself, never leaving the collector off.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
