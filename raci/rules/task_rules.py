"""Task rules: who owns, does, is asked about and is told about each task.

Pure module; importing it registers its rules (see ``registry``). Each rule is called once per
task with the task's ``TaskFacts`` (its letters gathered in one walk over its cells) and the
evaluation's ``RuleContext``. A task without a single known letter gets only ``task.empty``:
the engine runs no other task rule on it unless registered with ``empty_tasks=True``.

Precedence between rules is written in the rules themselves, each where it is decided: the
accountable letter is left to ``task.no_accountable``/``task.multiple_accountable`` rather than
``task.exactly_one``, and so on (see each rule).
"""

from __future__ import annotations

from collections.abc import Iterable

from raci.rules.context import RuleContext, TaskFacts
from raci.rules.findings import Finding, Scope, Severity
from raci.rules.fixes import give_letter, keep_one
from raci.rules.registry import rule
from raci.rules.text import count_word, join_and, letter_labels, letter_names

# "Everyone on everything" needs at least this many roles: an owner, a doer and one role asked
# is the smallest well-formed task, so three roles all on a task is normal, not a crowd.
MIN_ROLES_FOR_EVERYONE = 4


@rule(
    "task.empty",
    Severity.ERROR,
    Scope.TASK,
    "A task has no letters at all: nobody owns it or does it.",
    empty_tasks=True,
)
def task_empty(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
    # One finding rather than no-accountable, no-responsible and silo: a freshly adopted
    # framework would otherwise drown its owner in three findings per row.
    if task.known:
        return ()
    return (
        Finding(
            code="task.empty",
            severity=Severity.ERROR,
            task_id=task.id,
            message=f"{task.label} has no letters yet: no role is {ctx.acc_name} or {ctx.resp_name}.",
            hint=f"Give one role {ctx.acc_label} and at least one role {ctx.resp_label}.",
        ),
    )


@rule("task.no_accountable", Severity.ERROR, Scope.TASK, "A task has no accountable letter.")
def task_no_accountable(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
    if task.accountable:
        return ()
    scheme = ctx.scheme
    # A role doing the work can also answer for it where the scheme lets A share its cell.
    doers = [
        code
        for code, info in task.cells
        if info.responsible and info.valid and scheme.may_combine(set(info.known) | {scheme.accountable})
    ]
    return (
        Finding(
            code="task.no_accountable",
            severity=Severity.ERROR,
            task_id=task.id,
            message=f"{task.label} has no {ctx.acc_name} role: nobody owns the outcome.",
            hint=f"Give exactly one role {ctx.acc_label}: the one that has the final word.",
            suggested_fixes=give_letter(ctx, task, scheme.accountable, doers),
        ),
    )


@rule(
    "task.multiple_accountable",
    Severity.ERROR,
    Scope.TASK,
    "A task has more than one accountable role (a warning when shared accountability is allowed"
    " and the scheme does not demand exactly one).",
    thresholds={"shared_accountability": False, "shared_accountability_tasks": ()},
)
def task_multiple_accountable(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
    if len(task.accountable) <= 1:
        return ()
    scheme = ctx.scheme
    roles = join_and(ctx.tally.in_role_order(task.accountable))
    # A scheme wanting its accountable letter exactly once (DACI's Approver, RAPID's Decide)
    # keeps two of them an error whatever the setting: the scheme defines what the letter means.
    acc_exact = scheme.accountable in scheme.exactly_one
    if not acc_exact and task.id in ctx.settings.shared_accountability_tasks:
        # Declared for this task (a framework's "both roles are accountable for revenue growth"):
        # worth a reminder, not a fix.
        return (
            Finding(
                code="task.multiple_accountable",
                severity=Severity.INFO,
                task_id=task.id,
                message=f"{task.label} shares {ctx.acc_name} between {roles}, as declared for this task.",
                hint=f"Make sure {roles} agree how they decide together.",
            ),
        )
    if ctx.settings.shared_accountability and not acc_exact:
        return (
            Finding(
                code="task.multiple_accountable",
                severity=Severity.WARNING,
                task_id=task.id,
                message=f"{task.label} shares {ctx.acc_name} between {roles}.",
                hint="Shared accountability is allowed in this matrix; make sure "
                f"{roles} agree on who has the final word.",
            ),
        )
    needs = f"; {scheme.name} needs exactly one" if acc_exact else ""
    return (
        Finding(
            code="task.multiple_accountable",
            severity=Severity.ERROR,
            task_id=task.id,
            suggested_fixes=keep_one(ctx, task, scheme.accountable, list(task.accountable)),
            message=f"{task.label} has {count_word(len(task.accountable))} {ctx.acc_name} roles: "
            f"{roles} — pick one{needs}.",
            hint=f"Keep {ctx.acc_label} on the one role that has the final word; "
            "give the others a different letter.",
        ),
    )


@rule(
    "task.no_responsible",
    Severity.ERROR,
    Scope.TASK,
    "A task has no responsible letter: nobody does the work.",
)
def task_no_responsible(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
    if task.responsible:
        return ()
    scheme = ctx.scheme
    acc_may_do = any(
        scheme.accountable in combo and not scheme.responsible.isdisjoint(combo)
        for combo in scheme.combinations
    )
    also = f"; the {ctx.acc_name} role may hold it too" if acc_may_do else ""
    doer = next((c for c in scheme.codes if c in scheme.responsible), None)
    fixes: tuple = ()
    if doer is not None:
        # The owner may do the work where the scheme allows it; so may any role now only asked.
        candidates = [
            code
            for code, info in task.cells
            if info.valid
            and ((info.accountable and scheme.may_combine(set(info.known) | {doer})) or info.consulted)
        ]
        fixes = give_letter(ctx, task, doer, candidates)
    return (
        Finding(
            code="task.no_responsible",
            severity=Severity.ERROR,
            task_id=task.id,
            message=f"{task.label} has no {ctx.resp_name} role: nobody {scheme.work_phrase}.",
            hint=f"Give at least one role {ctx.resp_label}{also}.",
            suggested_fixes=fixes,
        ),
    )


def _exactly_one_letters(ctx: RuleContext) -> tuple[list[str], str | None]:
    """The letters ``task.exactly_one`` checks, and the scheme's only responsible letter if one.

    The accountable letter is left to the accountable rules; a missing letter that is the
    scheme's only responsible letter is already "no responsible" (DACI's Driver).
    """
    scheme = ctx.scheme
    letters = [c for c in scheme.codes if c in scheme.exactly_one and c != scheme.accountable]
    only_resp = next(iter(scheme.responsible)) if len(scheme.responsible) == 1 else None
    return letters, only_resp


@rule(
    "task.exactly_one",
    Severity.ERROR,
    Scope.TASK,
    "A letter wanted exactly once per task is missing or repeated.",
)
def task_exactly_one(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
    if not task.holders:  # the scheme has no exactly-one letter (RACI, RASCI, CAIRO)
        return ()
    letters, only_resp = ctx.once(_exactly_one_letters)
    scheme = ctx.scheme
    found: list[Finding] = []
    for letter in letters:
        holders = task.holders[letter]
        if len(holders) == 1 or (not holders and letter == only_resp):
            continue
        letter_name = letter_names(scheme, letter)
        if holders:
            message = (
                f"{task.label} has {count_word(len(holders))} {letter_name} roles: "
                f"{join_and(ctx.tally.in_role_order(holders))}; {scheme.name} needs exactly one."
            )
            hint = f"Keep {letter_labels(scheme, letter)} on one role only."
        else:
            message = f"{task.label} has no {letter_name} role; {scheme.name} needs exactly one."
            hint = f"Give exactly one role {letter_labels(scheme, letter)}."
        fixes = keep_one(ctx, task, letter, list(holders)) if holders else ()
        found.append(
            Finding(
                code="task.exactly_one",
                severity=Severity.ERROR,
                task_id=task.id,
                message=message,
                hint=hint,
                suggested_fixes=fixes,
            )
        )
    return found


@rule(
    "task.too_many_responsible",
    Severity.WARNING,
    Scope.TASK,
    "More responsible roles than max_responsible.",
    thresholds={"max_responsible": 3},
)
def task_too_many_responsible(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
    resp = task.responsible
    limit = ctx.settings.max_responsible
    if not resp or len(resp) <= limit:
        return ()
    # Where every responsible letter is exactly-one, several of them are already an error.
    scheme = ctx.scheme
    if not scheme.responsible or scheme.responsible <= scheme.exactly_one:
        return ()
    return (
        Finding(
            code="task.too_many_responsible",
            severity=Severity.WARNING,
            task_id=task.id,
            message=f"{task.label} has {count_word(len(resp))} {ctx.resp_name} roles "
            f"({join_and(ctx.tally.in_role_order(resp))}); more than {limit} "
            "doing the work blurs who does what.",
            hint="Split the task into smaller ones, each with its own few roles doing the work.",
        ),
    )


@rule(
    "task.too_many_consulted",
    Severity.WARNING,
    Scope.TASK,
    "More consulted roles than max_consulted.",
    thresholds={"max_consulted": 3},
)
def task_too_many_consulted(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
    cons = task.consulted
    limit = ctx.settings.max_consulted
    if len(cons) <= limit:
        return ()
    inf_name = ctx.inf_name
    return (
        Finding(
            code="task.too_many_consulted",
            severity=Severity.WARNING,
            task_id=task.id,
            message=f"{task.label} has {count_word(len(cons))} {ctx.cons_name} roles "
            f"({join_and(ctx.tally.in_role_order(cons))}); asking more than {limit} "
            "slows decisions down.",
            hint=f"Keep {ctx.cons_name} for the roles whose input changes the outcome"
            + (f"; make the others {inf_name}." if inf_name else "."),
        ),
    )


@rule(
    "task.too_many_informed",
    Severity.INFO,
    Scope.TASK,
    "More informed roles than max_informed.",
    thresholds={"max_informed": 5},
)
def task_too_many_informed(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
    inf = task.informed
    limit = ctx.settings.max_informed
    if len(inf) <= limit:
        return ()
    return (
        Finding(
            code="task.too_many_informed",
            severity=Severity.INFO,
            task_id=task.id,
            message=f"{task.label} has {count_word(len(inf))} {ctx.inf_name} roles "
            f"({join_and(ctx.tally.in_role_order(inf))}); more than {limit} is a broadcast.",
            hint="Inform the roles that act on the outcome; the others can read the published matrix.",
        ),
    )


def _around_name(ctx: RuleContext) -> str:
    return letter_names(ctx.scheme, ctx.scheme.consulted | ctx.scheme.informed)


@rule("task.silo", Severity.INFO, Scope.TASK, "Nobody is consulted or informed about a task.")
def task_silo(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
    if task.consulted or task.informed:
        return ()
    around_name = ctx.once(_around_name)
    # A scheme without consulted or informed letters cannot tell a silo from its normal case.
    if not around_name:
        return ()
    return (
        Finding(
            code="task.silo",
            severity=Severity.INFO,
            task_id=task.id,
            message=f"{task.label} has no {around_name} role: nobody is asked before or told after.",
            hint="Check whether anyone should give input or hear about the outcome.",
        ),
    )


@rule("task.everyone", Severity.INFO, Scope.TASK, "Every role is involved in a task.")
def task_everyone(ctx: RuleContext, task: TaskFacts) -> Iterable[Finding]:
    # "Involved" means a letter of weight above zero: CAIRO's "Out of the loop" does not count.
    n_roles = len(ctx.grid.roles)
    if n_roles < MIN_ROLES_FOR_EVERYONE or task.involved != n_roles:
        return ()
    return (
        Finding(
            code="task.everyone",
            severity=Severity.INFO,
            task_id=task.id,
            message=f"Every role is on {task.label}.",
            hint="Everyone on everything means nobody in particular: remove the letters that add nothing.",
        ),
    )
