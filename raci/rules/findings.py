"""What the rules engine reports: findings, their severities, and the shape of a catalogue entry.

Pure module, imported by every other rules module and importing none of them. A ``Finding`` is
plain data a manager can read (``message``), act on (``hint``) and a script can filter
(``code``, ``severity``); ``to_dict`` gives its JSON shape for the API and the lint command.
A ``Rule`` is one entry of the catalogue; the catalogue itself (``RULES``, ``RULES_BY_CODE``)
is the registry in ``catalogue.py``, also reachable from here under its old names.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """How urgent a finding is. Compare with ``rank``: errors first."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for infos: the order findings are listed in."""
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class CellEdit:
    """One cell of a suggested fix, as the grid's conflict-checked batch takes it: the letters
    the fix expects to find (``expected``) and the letters to set (``""`` clears)."""

    task: int
    role: str
    expected: str
    letters: str

    def to_dict(self) -> dict[str, object]:
        return {"task": self.task, "role": self.role, "expected": self.expected, "letters": self.letters}


@dataclass(frozen=True, slots=True)
class Fix:
    """A mechanical fix for a finding: a label a manager reads and the cell edits that make it."""

    label: str
    changes: tuple[CellEdit, ...]

    def to_dict(self) -> dict[str, object]:
        return {"label": self.label, "changes": [change.to_dict() for change in self.changes]}

    @property
    def changes_json(self) -> str:
        """The edits as the JSON list the editor's fix button posts (and the API's PATCH takes)."""
        return json.dumps([change.to_dict() for change in self.changes], separators=(",", ":"))


# Slots: the engine creates thousands of findings for a large matrix, and slots make that faster.
@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the rules engine has to say about a matrix.

    ``task_id``, ``role_code`` and ``person_id`` say what it is about (any of them may be
    ``None``): a task finding has a task, a cell finding a task and a role, a role finding a
    role, a person finding a person (and, for a split pair, the first role of the pair).
    """

    code: str
    severity: Severity
    message: str
    hint: str
    task_id: int | None = None
    role_code: str | None = None
    person_id: int | None = None
    # Grid changes that would settle the finding, each one batch for the grid's PATCH; empty
    # where no fix is mechanical (a role to hire, a column to drop, a task to split).
    suggested_fixes: tuple[Fix, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "task_id": self.task_id,
            "role_code": self.role_code,
            "person_id": self.person_id,
            "message": self.message,
            "hint": self.hint,
            "suggested_fixes": [fix.to_dict() for fix in self.suggested_fixes],
        }


class Scope(StrEnum):
    """What a rule looks at, and so what its function is called with (see ``registry``)."""

    # Called once per evaluation with the grid; reports on the matrix as a whole.
    MATRIX = "matrix"
    # Called once per task with its ``TaskFacts``, tasks without letters included; reports on
    # the task's cells (``TaskFacts.rejected`` lists those the scheme does not accept).
    CELL = "cell"
    # Called once per task with its ``TaskFacts``; tasks without letters only for rules
    # registered with ``empty_tasks=True``.
    TASK = "task"
    # Called once per role column with its ``RoleTally``.
    ROLE = "role"
    # Called once per person with their ``PersonEntry``.
    PERSON = "person"


@dataclass(frozen=True)
class Rule:
    """An entry of the catalogue: a finding code, its usual severity and what it checks.

    ``check`` is the one function that produces findings with ``code``; ``thresholds`` maps the
    ``RuleSettings`` fields it reads to their defaults (a matrix may override them);
    ``empty_tasks`` says a task rule also runs on tasks without a single letter, which every
    other task rule skips (``task.empty`` speaks for them).
    """

    code: str
    severity: Severity
    summary: str
    scope: Scope = Scope.TASK
    thresholds: tuple[tuple[str, object], ...] = ()
    empty_tasks: bool = False
    check: Callable[..., Iterable[Finding]] | None = field(default=None, repr=False)

    @property
    def defaults(self) -> dict[str, object]:
        """Threshold name -> default value, e.g. ``{"max_consulted": 3}``."""
        return dict(self.thresholds)
