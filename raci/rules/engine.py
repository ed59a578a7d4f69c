"""The rules engine: runs every registered rule over a matrix and orders what they find.

Pure module: ``evaluate(grid)`` reads a ``MatrixGrid`` and returns ``Finding``s, sorted by
severity (errors first), then task order, then role order, then person order. The rules
themselves are functions in ``cell_rules``, ``task_rules``, ``role_rules`` and
``person_rules``, one per finding code, registered in the catalogue (``catalogue.RULES``).
Every rule reads the tallies ``Tally.of`` computes in one pass over the cells (per task, the
``TaskFacts`` built here once and shared by all task rules), so the whole evaluation is
O(cells). Thresholds come from ``grid.settings`` (``RuleSettings``); letters' meanings from
``grid.scheme``, so the same rules serve RACI, RASCI, DACI, RAPID and CAIRO.

Where to add a rule: write one function in the module of its scope, decorated with
``@rule(code, severity, scope, summary, thresholds=...)``; a threshold is a ``RuleSettings``
field. Give it a test that fires and one that stays silent just below the threshold.

Choices worth knowing (each keeps the engine from crying wolf):

- A task without a single letter gets one ``task.empty`` error rather than separate
  no-accountable, no-responsible and silo findings: a freshly adopted framework would otherwise
  drown its owner in three findings per row. The engine enforces it: it runs on such a task
  only the cell rules and the task rules registered with ``empty_tasks=True``.
- When a scheme wants its accountable letter exactly once (DACI's Approver, RAPID's Decide),
  two of them stay an error even with ``shared_accountability``: the scheme, not the setting,
  defines what the letter means. Problems the accountable and responsible rules already report
  are not reported again as ``task.exactly_one``.
- "Involved" means holding a letter whose weight is above zero, so CAIRO's "Out of the loop"
  does not count towards "everyone on everything".
- Rules comparing a role with others, or a share of tasks, need enough data to mean anything:
  see the ``MIN_*`` constants next to them.
"""

from __future__ import annotations

from collections.abc import Callable

from raci.rules.catalogue import REGISTRY
from raci.rules.context import RuleContext, task_facts
from raci.rules.findings import Finding, Scope, Severity
from raci.rules.grid import MatrixGrid
from raci.rules.registry import Registry
from raci.rules.tally import Tally


def evaluate(
    grid: MatrixGrid, tally: Tally | None = None, *, registry: Registry | None = None, fixes: bool = True
) -> tuple[Finding, ...]:
    """Every finding for ``grid``, in a deterministic order.

    Pass a ``tally`` already computed for the same grid to share the pass over the cells
    with other analyses (``analyse`` does). ``registry`` replaces the catalogue's rules
    (tests use it to run one rule, or a rule of their own). ``fixes=False`` leaves the findings'
    suggested fixes empty, for callers that only count findings (publishing).
    """
    rules = registry if registry is not None else REGISTRY
    tally = tally if tally is not None else Tally.of(grid)
    ctx = RuleContext(tally, fixes=fixes)
    found: list[Finding] = []
    add = found.extend

    # Every rule is one function, called once per subject of its scope; the order they run in
    # does not matter, since the findings are sorted at the end.
    for check in rules.checks(Scope.MATRIX):
        add(check(ctx, grid))
    cell_checks = rules.checks(Scope.CELL)
    on_task = cell_checks + rules.checks(Scope.TASK)
    # A task without a single letter gets the cell rules and task.empty only (module docstring).
    on_empty_task = cell_checks + rules.checks(Scope.TASK, empty_tasks_only=True)
    for task in task_facts(tally):
        for check in on_task if task.known else on_empty_task:
            add(check(ctx, task))

    role_checks = rules.checks(Scope.ROLE)
    for column in grid.roles:
        role = tally.roles[column.code]
        for check in role_checks:
            add(check(ctx, role))

    person_checks = rules.checks(Scope.PERSON)
    for person in grid.people:
        for check in person_checks:
            add(check(ctx, person))

    return tuple(sorted(found, key=_order_key(tally)))


def _order_key(tally: Tally) -> Callable[[Finding], tuple[object, ...]]:
    """Severity, then task findings (each task's own before its cells'), role findings in column
    order, person findings in the grid's order; code and message break ties."""
    person_pos = {person.id: i for i, person in enumerate(tally.grid.people)}
    role_pos = tally.role_pos
    task_pos = tally.task_pos
    rank = {severity: severity.rank for severity in Severity}

    def key(f: Finding) -> tuple[object, ...]:
        role = role_pos.get(f.role_code, -1) if f.role_code is not None else -1
        if f.person_id is not None:
            return (rank[f.severity], 2, person_pos.get(f.person_id, -1), role, f.code, f.message)
        if f.task_id is not None:
            # Task-level findings (no role, so -1) come before that task's cell findings.
            return (rank[f.severity], 0, task_pos.get(f.task_id, -1), role, f.code, f.message)
        return (rank[f.severity], 1, role, -1, f.code, f.message)

    return key
