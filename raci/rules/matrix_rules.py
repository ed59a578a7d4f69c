"""Matrix rules: what the engine says about the matrix as a whole.

Pure module; importing it registers its rules (see ``registry``). Each rule is called once per
evaluation with the ``RuleContext`` and the ``MatrixGrid``.
"""

from __future__ import annotations

from collections.abc import Iterable

from raci.rules.context import RuleContext
from raci.rules.findings import Finding, Scope, Severity
from raci.rules.grid import MatrixGrid
from raci.rules.registry import rule


@rule(
    "matrix.empty",
    Severity.WARNING,
    Scope.MATRIX,
    "The matrix has no tasks, no roles or no letters yet, so it is not scored.",
)
def matrix_empty(ctx: RuleContext, grid: MatrixGrid) -> Iterable[Finding]:
    # An empty matrix used to score 100: the best score for having decided nothing. It gets no
    # score ("not scored yet", see analyses.health_score) and this finding saying what to do.
    if ctx.tally.non_empty_tasks:
        return ()
    if not grid.tasks:
        message = "This matrix has no tasks yet, so it is not scored."
        hint = "Add the activities your teams share, or adopt a framework and trim it."
    elif not grid.roles:
        message = "This matrix has no role columns yet, so it is not scored."
        hint = "Add the roles that do, own, advise on or hear about the work."
    else:
        message = "No task has a letter yet, so the matrix is not scored."
        hint = f"Give each task one role {ctx.acc_label} and at least one role {ctx.resp_label}."
    return (Finding(code="matrix.empty", severity=Severity.WARNING, message=message, hint=hint),)
