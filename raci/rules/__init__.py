"""The rules engine and analyses of a matrix: pure Python over ``raci.rules.grid.MatrixGrid``.

No Django, no database: callers load a grid with ``raci.matrices.selectors.matrix_grid_get`` and pass
it in. The public API is re-exported here; import from ``raci.rules``.

- ``evaluate(grid)`` -> findings; ``analyse(grid)`` -> findings, health and workload at once.
- ``health_score``, ``workload``, ``overlap`` (analyses.py).
- ``what_if`` with ``RemovePerson``, ``RemoveRole``, ``MergeRole``, ``MoveLetters``, and
  ``gap(current, proposed)`` (gap.py).
- ``RULES``: the catalogue of finding codes, one ``Rule`` per rule function (catalogue.py;
  the functions are in cell_rules.py, task_rules.py, role_rules.py and person_rules.py).
"""

from __future__ import annotations

from raci.rules.analyses import (
    Analysis,
    AnalysisError,
    Overlap,
    PersonWorkload,
    RoleWorkload,
    SharedTask,
    Workload,
    analyse,
    health_score,
    overlap,
    workload,
)
from raci.rules.catalogue import RULES, RULES_BY_CODE
from raci.rules.engine import evaluate
from raci.rules.findings import Finding, Rule, Scope, Severity
from raci.rules.gap import Gap, GapSummary, LetterChange, TaskGap, gap
from raci.rules.scenarios import (
    ChangedFinding,
    LoadChange,
    MergeRole,
    MoveLetters,
    Operation,
    RemovePerson,
    RemoveRole,
    TaskLoss,
    WhatIf,
    apply_scenario,
    combine_letters,
    parse_scenario,
    what_if,
)

__all__ = (
    "RULES",
    "RULES_BY_CODE",
    "Analysis",
    "AnalysisError",
    "ChangedFinding",
    "Finding",
    "Gap",
    "GapSummary",
    "LetterChange",
    "LoadChange",
    "MergeRole",
    "MoveLetters",
    "Operation",
    "Overlap",
    "PersonWorkload",
    "RemovePerson",
    "RemoveRole",
    "RoleWorkload",
    "Rule",
    "Scope",
    "Severity",
    "SharedTask",
    "TaskGap",
    "TaskLoss",
    "WhatIf",
    "Workload",
    "analyse",
    "apply_scenario",
    "combine_letters",
    "evaluate",
    "gap",
    "health_score",
    "overlap",
    "parse_scenario",
    "what_if",
    "workload",
)
