"""Cell rules: letters a cell holds that the scheme does not accept.

Pure module; importing it registers its rules (see ``registry``). A cell rule is called once
per task with its ``TaskFacts`` and reports on the task's cells: calling a function per cell
would cost more than the checks themselves on a matrix of tens of thousands of cells. The
facts already list the cells the scheme rejects (``TaskFacts.rejected``); valid cells are in
``TaskFacts.cells``. Cell rules also run on tasks without a known letter: an unknown letter is
worth saying even where ``task.empty`` is.
"""

from __future__ import annotations

from collections.abc import Iterable

from raci.rules.context import RuleContext, TaskFacts
from raci.rules.findings import Finding, Scope, Severity
from raci.rules.registry import rule
from raci.rules.text import join_and, letter_names


@rule("cell.unknown_letter", Severity.ERROR, Scope.CELL, "A cell holds a letter the scheme does not have.")
def cell_unknown_letter(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
    if not task.rejected:
        return ()
    scheme = ctx.scheme
    allowed = ", ".join(f"{letter.code} ({letter.name})" for letter in scheme.letters)
    return [
        Finding(
            code="cell.unknown_letter",
            severity=Severity.ERROR,
            task_id=task.id,
            role_code=code,
            message=f"{task.label} has {'/'.join(info.unknown)} in the {code} column, "
            f"which {scheme.name} does not have.",
            hint=f"Use {allowed}.",
        )
        for code, info in task.rejected
        if info.unknown
    ]


@rule(
    "cell.invalid_combination",
    Severity.ERROR,
    Scope.CELL,
    "A cell holds letters that may not share a cell.",
)
def cell_invalid_combination(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
    if not task.rejected:
        return ()
    scheme = ctx.scheme
    if scheme.combinations:
        pairs = ", ".join(sorted("+".join(scheme.order(combo)) for combo in scheme.combinations))
        hint = f"Only {pairs} may share a cell; keep the letter that matters most."
    else:
        hint = "Keep one letter per cell: the one that matters most."
    return [
        Finding(
            code="cell.invalid_combination",
            severity=Severity.ERROR,
            task_id=task.id,
            role_code=code,
            message=f"{task.label} has {join_and(letter_names(scheme, c) for c in info.known)} together "
            f"in the {code} column; {scheme.name} does not allow that.",
            hint=hint,
        )
        for code, info in task.rejected
        if not info.combinable
    ]
