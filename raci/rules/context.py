"""What a rule function reads: the evaluation's ``RuleContext`` and each task's ``TaskFacts``.

Pure module. The engine builds one ``RuleContext`` per evaluation and, task by task, the
task's ``TaskFacts``: its letters gathered in one walk over its cells from the tally, shared by
every cell and task rule, so rules never rescan cells. Wording several rules share (the
scheme's letter names) is computed once per evaluation here; what only one rule needs once
per evaluation (the mean person load, the top loads) stays next to that rule and goes through
``RuleContext.once``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from frameworks.schemes import Scheme
from raci.rules.grid import MatrixGrid, RuleSettings, TaskRow
from raci.rules.tally import CellInfo, Tally
from raci.rules.text import letter_labels, letter_names, quoted

T = TypeVar("T")

# Float comparisons of shares: 0.57 * 100 is 56.99999999999999, and 57 is not "more than 57%".
EPSILON = 1e-9


@dataclass(slots=True)
class TaskFacts:
    """One task as the cell and task rules see it; role codes are in no particular order.

    Sort codes with ``ctx.tally.in_role_order`` before showing them. Read-only by convention:
    the engine builds facts for every task of every evaluation, and a frozen dataclass (or
    tuples copied from the lists) would cost more to build than most rules cost to run.
    """

    # The task row: its name, stage and order.
    row: TaskRow
    # The task's id, as findings carry it.
    id: int
    # The task's name as messages show it: 'Pricing'.
    label: str
    # (role code, cell) for every non-empty cell.
    cells: Sequence[tuple[str, CellInfo]]
    # The cells the scheme does not accept: unknown letters or a forbidden combination.
    rejected: Sequence[tuple[str, CellInfo]]
    # At least one letter the scheme knows; a task without is reported as task.empty only.
    known: bool
    accountable: Sequence[str]
    responsible: Sequence[str]
    consulted: Sequence[str]
    informed: Sequence[str]
    # Roles holding a letter that means work (CAIRO's "Out of the loop" does not).
    involved: int
    # Letter -> roles holding it, for the scheme's exactly-one letters only (empty in RACI).
    holders: Mapping[str, Sequence[str]]


_NO_HOLDERS: Mapping[str, Sequence[str]] = MappingProxyType({})


class RuleContext:
    """The evaluation a rule runs in: the grid, its tally, scheme, settings and shared wording."""

    # Slots: rules read these attributes for every task, and slot reads are the fastest.
    __slots__ = (
        "_once",
        "acc_label",
        "acc_name",
        "cons_name",
        "fixes",
        "grid",
        "inf_name",
        "owner_names",
        "resp_label",
        "resp_name",
        "scheme",
        "settings",
        "tally",
    )

    def __init__(self, tally: Tally, *, fixes: bool = True) -> None:
        self.tally = tally
        # Whether findings carry their suggested fixes; a publication records only counts and health.
        self.fixes = fixes
        self.grid: MatrixGrid = tally.grid
        scheme: Scheme = tally.grid.scheme
        self.scheme = scheme
        self.settings: RuleSettings = tally.grid.settings
        self._once: dict[Callable[[RuleContext], object], object] = {}
        # The scheme's words for the letter groups, e.g. "Approver" and "A (Approver)" in DACI.
        self.acc_name = letter_names(scheme, scheme.accountable)
        self.acc_label = letter_labels(scheme, scheme.accountable)
        self.resp_name = letter_names(scheme, scheme.responsible)
        self.resp_label = letter_labels(scheme, scheme.responsible)
        self.cons_name = letter_names(scheme, scheme.consulted)
        self.inf_name = letter_names(scheme, scheme.informed)
        # What a role owning work holds: "Responsible or Accountable".
        self.owner_names = f"{self.resp_name} or {self.acc_name}" if self.resp_name else self.acc_name

    def once(self, compute: Callable[[RuleContext], T]) -> T:
        """``compute(self)``, worked out on the first call of this evaluation and then reused.

        For what a rule needs for every subject but can compute once (pass a module-level
        function: it is the cache key).
        """
        try:
            return self._once[compute]  # type: ignore[return-value]
        except KeyError:
            value = self._once[compute] = compute(self)
            return value


def task_facts(tally: Tally) -> Iterator[TaskFacts]:
    """The facts of every task, in task order, from one walk over each task's cells.

    One at a time: holding the facts of thousands of tasks at once wakes the garbage
    collector's full passes, which cost more on a large matrix than the rules themselves.
    """
    scheme = tally.grid.scheme
    task_cells = tally.task_cells
    exact = "".join(c for c in scheme.codes if c in scheme.exactly_one)
    for row in tally.grid.tasks:
        acc: list[str] = []
        resp: list[str] = []
        cons: list[str] = []
        inf: list[str] = []
        rejected: list[tuple[str, CellInfo]] = []
        involved = 0
        known = False
        cells = task_cells[row.id]
        for cell in cells:
            code, info = cell
            if not info.valid:
                rejected.append(cell)
            if info.known:
                known = True
            if info.accountable:
                acc.append(code)
            if info.responsible:
                resp.append(code)
            if info.consulted:
                cons.append(code)
            if info.informed:
                inf.append(code)
            if info.involved:
                involved += 1
        holders: Mapping[str, Sequence[str]] = _NO_HOLDERS
        if exact:
            # Only DACI and RAPID have exactly-one letters, so only they pay for this second walk.
            holders = {letter: [code for code, info in cells if letter in info.known] for letter in exact}
        yield TaskFacts(
            row, row.id, quoted(row.name), cells, rejected, known, acc, resp, cons, inf, involved, holders
        )
