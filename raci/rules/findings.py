"""What the rules engine reports: findings, their severities and the catalogue of rule codes.

Pure module. A ``Finding`` is plain data a manager can read (``message``), act on (``hint``)
and a script can filter (``code``, ``severity``); ``to_dict`` gives its JSON shape for the API
and the lint command.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
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

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": str(self.severity),
            "task_id": self.task_id,
            "role_code": self.role_code,
            "person_id": self.person_id,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True)
class Rule:
    """An entry of the catalogue: a finding code, its usual severity and what it checks."""

    code: str
    severity: Severity
    summary: str


# The catalogue, in the order the engine evaluates rules. Codes are a public contract (the API,
# the lint command and scripts filter on them): add codes, never rename one.
RULES: tuple[Rule, ...] = (
    Rule("cell.unknown_letter", Severity.ERROR, "A cell holds a letter the scheme does not have."),
    Rule("cell.invalid_combination", Severity.ERROR, "A cell holds letters that may not share a cell."),
    Rule("task.empty", Severity.ERROR, "A task has no letters at all: nobody owns it or does it."),
    Rule("task.no_accountable", Severity.ERROR, "A task has no accountable letter."),
    Rule(
        "task.multiple_accountable",
        Severity.ERROR,
        "A task has more than one accountable role (a warning when shared accountability is allowed"
        " and the scheme does not demand exactly one).",
    ),
    Rule("task.no_responsible", Severity.ERROR, "A task has no responsible letter: nobody does the work."),
    Rule("task.exactly_one", Severity.ERROR, "A letter wanted exactly once per task is missing or repeated."),
    Rule("task.too_many_responsible", Severity.WARNING, "More responsible roles than max_responsible."),
    Rule("task.too_many_consulted", Severity.WARNING, "More consulted roles than max_consulted."),
    Rule("task.too_many_informed", Severity.INFO, "More informed roles than max_informed."),
    Rule("task.silo", Severity.INFO, "Nobody is consulted or informed about a task."),
    Rule("task.everyone", Severity.INFO, "Every role is involved in a task."),
    Rule("role.no_work", Severity.WARNING, "A role is never responsible or accountable."),
    Rule("role.bottleneck", Severity.WARNING, "A role is accountable for over accountable_share of tasks."),
    Rule(
        "role.burnout",
        Severity.WARNING,
        "A role is among the heaviest both in responsible and accountable load.",
    ),
    Rule("role.on_everything", Severity.INFO, "A role is involved in every task."),
    Rule("role.unstaffed", Severity.ERROR, "A role that does or owns work is held by no active person."),
    Rule("person.overload", Severity.WARNING, "A person's load is far above the average person's."),
    Rule(
        "person.split_pair",
        Severity.WARNING,
        "One person holds both roles of a split pair (info in a small organization).",
    ),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
