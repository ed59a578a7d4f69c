"""Role rules: what each role column carries compared with the tasks and with other roles.

Pure module; importing it registers its rules (see ``registry``). Each rule is called once per
role column, in column order, with the column's ``RoleTally`` (counts over the column,
computed in the tally's one pass over the cells) and the evaluation's ``RuleContext``.

Rules comparing a role with others, or with a share of the tasks, need enough data to mean
anything: see the ``MIN_*`` constants.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from raci.rules.context import EPSILON, RuleContext
from raci.rules.findings import Finding, Scope, Severity
from raci.rules.registry import rule
from raci.rules.tally import RoleTally
from raci.rules.text import plural

# "A role on every task" needs at least this many tasks: two roles sharing every task is normal.
MIN_TASKS_FOR_ON_EVERYTHING = 3
# With fewer non-empty tasks, any accountable role trivially owns more than 40% of them.
MIN_TASKS_FOR_BOTTLENECK = 5
# A role that is the only accountable one is a bottleneck only when at least this many other
# roles do the work it answers for; a founder's matrix with one owner and one doer is a choice.
MIN_DOERS_FOR_LONE_OWNER = 2
# Burnout compares a role with the others: with fewer roles, someone is always "the top".
MIN_ROLES_FOR_BURNOUT = 3
# ... and needs enough tasks: one R and one A in a two-task matrix is no burnout.
MIN_TASKS_FOR_BURNOUT = 6


def _any_involved(ctx: RuleContext) -> bool:
    return any(ctx.tally.roles[role.code].involved for role in ctx.grid.roles)


@rule("role.no_work", Severity.WARNING, Scope.ROLE, "A role holds no letter that involves it in any task.")
def role_no_work(ctx: RuleContext, role: RoleTally) -> Iterable[Finding]:
    # A role only consulted (Legal) or only informed is doing its job; a column without a single
    # letter that involves it (CAIRO's "Out of the loop" does not) is the one to question. In a
    # matrix without a single letter yet, the question would be asked of every role.
    if not role.involved and ctx.once(_any_involved):
        return (
            Finding(
                code="role.no_work",
                severity=Severity.WARNING,
                role_code=role.code,
                message=f"{role.code} has no letter on any task — is the role needed?",
                hint=f"Give {role.code} the work it owns or the tasks it should hear about, "
                "or remove the column.",
            ),
        )
    return ()


def _accountable_counts(ctx: RuleContext) -> list[tuple[str, int]]:
    return [(role.code, ctx.tally.roles[role.code].accountable) for role in ctx.grid.roles]


@rule(
    "role.bottleneck",
    Severity.WARNING,
    Scope.ROLE,
    "A role is accountable for over accountable_share of tasks and for bottleneck_lead times as many "
    "as the next accountable role.",
    thresholds={"accountable_share": 0.40, "bottleneck_lead": 2.0},
)
def role_bottleneck(ctx: RuleContext, role: RoleTally) -> Iterable[Finding]:
    n_nonempty = ctx.tally.non_empty_tasks
    settings = ctx.settings
    share = settings.accountable_share
    if n_nonempty < MIN_TASKS_FOR_BOTTLENECK or role.accountable <= share * n_nonempty + EPSILON:
        return ()
    # Relative to how many roles carry A: two roles splitting the decisions both hold 40%+ of
    # them, and that is a split; one role answering for twice what the next does is a queue.
    next_most = max((n for code, n in ctx.once(_accountable_counts) if code != role.code), default=0)
    if next_most:
        if role.accountable < settings.bottleneck_lead * next_most - EPSILON:
            return ()
        why = f"{role.accountable / next_most:.1f} times the next role"
    else:
        doers = sum(
            1
            for column in ctx.grid.roles
            if column.code != role.code and ctx.tally.roles[column.code].responsible
        )
        if doers < MIN_DOERS_FOR_LONE_OWNER:
            return ()
        why = f"the only {ctx.acc_name} role while {doers} others do the work"
    return (
        Finding(
            code="role.bottleneck",
            severity=Severity.WARNING,
            role_code=role.code,
            message=f"{role.code} is {ctx.acc_name} for {role.accountable} of {n_nonempty} tasks "
            f"({role.accountable / n_nonempty:.0%}, {why}): decisions queue behind it.",
            hint=f"Hand {ctx.acc_name} for some tasks to the roles doing the work.",
        ),
    )


def _top(k: int, loads: list[int]) -> set[int]:
    """The nonzero loads fewer than ``k`` other loads reach (see ``role_burnout``)."""
    top = set()
    for load in set(loads):
        at_least = sum(1 for other in loads if other >= load)
        if load > 0 and at_least - 1 < k:
            top.add(load)
    return top


def _burnout_tops(ctx: RuleContext) -> tuple[set[int], set[int], list[RoleTally]] | None:
    """The top responsible and accountable loads and the tallies, or None with too little to compare."""
    roles = [ctx.tally.roles[role.code] for role in ctx.grid.roles]
    if len(roles) < MIN_ROLES_FOR_BURNOUT or ctx.tally.non_empty_tasks < MIN_TASKS_FOR_BURNOUT:
        return None
    k = max(1, math.floor(len(roles) * ctx.settings.burnout_top_fraction + EPSILON))
    return _top(k, [r.responsible for r in roles]), _top(k, [r.accountable for r in roles]), roles


@rule(
    "role.burnout",
    Severity.WARNING,
    Scope.ROLE,
    "A role is among the heaviest both in responsible and accountable load, well ahead of the next role.",
    thresholds={"burnout_top_fraction": 0.10, "burnout_lead": 2.0},
)
def role_burnout(ctx: RuleContext, role: RoleTally) -> Iterable[Finding]:
    # A role is in the top fraction for a load when it carries some of it and fewer than k
    # other roles carry as much or more, with k = floor(roles x fraction) but at least 1 (so
    # with 3 to 19 roles it is the heaviest role, if it is alone at the top). Ties at the
    # cut-off are all out: where every role carries the same load, nobody stands out. It must
    # also carry burnout_lead times the R and A of the heaviest role outside the top: two roles
    # sharing the heavy work (the seeds' PM and PMM) are a partnership, not a burnout.
    tops = ctx.once(_burnout_tops)
    if tops is None:
        return ()
    r_top, a_top, roles = tops
    if role.responsible not in r_top or role.accountable not in a_top:
        return ()
    lead = ctx.settings.burnout_lead
    # "The next role" is the heaviest one outside the top (with k = 1, the runner-up).
    next_r = max((r.responsible for r in roles if r.responsible not in r_top), default=0)
    next_a = max((r.accountable for r in roles if r.accountable not in a_top), default=0)
    if role.responsible < lead * next_r - EPSILON or role.accountable < lead * next_a - EPSILON:
        return ()
    return (
        Finding(
            code="role.burnout",
            severity=Severity.WARNING,
            role_code=role.code,
            message=f"{role.code} is well ahead of every other role both as {ctx.resp_name} "
            f"({plural(role.responsible, 'task')}) and as {ctx.acc_name} "
            f"({plural(role.accountable, 'task')}): a burnout risk.",
            hint=f"Move some of its {ctx.resp_name} or {ctx.acc_name} letters to other roles, "
            "or have more people hold it.",
        ),
    )


def _paired_roles(ctx: RuleContext) -> frozenset[str]:
    """Roles of a declared split pair whose partner is a column of this matrix too."""
    pos = ctx.tally.role_pos
    return frozenset(
        code for pair in ctx.settings.split_pairs if all(c in pos for c in pair) for code in pair
    )


@rule(
    "role.on_everything",
    Severity.INFO,
    Scope.ROLE,
    "A role is involved in every task (roles of a declared split pair excepted).",
    thresholds={"split_pairs": (("PM", "PMM"),)},
)
def role_on_everything(ctx: RuleContext, role: RoleTally) -> Iterable[Finding]:
    # The two roles of a declared pair consult each other on everything by design: the seeds ask
    # for "heavy collaboration for the shared responsibilities, plus significant consultation
    # even for their individual responsibilities".
    n_tasks = len(ctx.grid.tasks)
    if (
        n_tasks >= MIN_TASKS_FOR_ON_EVERYTHING
        and role.involved == n_tasks
        and role.code not in ctx.once(_paired_roles)
    ):
        return (
            Finding(
                code="role.on_everything",
                severity=Severity.INFO,
                role_code=role.code,
                message=f"{role.code} is on every task.",
                hint="A role on everything is involved in nothing in particular: "
                "remove the letters where it adds nothing.",
            ),
        )
    return ()


@rule(
    "role.unstaffed",
    Severity.ERROR,
    Scope.ROLE,
    "A role that does or owns work is held by no active person.",
)
def role_unstaffed(ctx: RuleContext, role: RoleTally) -> Iterable[Finding]:
    # Without people data we cannot tell an unstaffed role from an unknown staffing.
    if ctx.grid.staffing_known and role.owns and role.code not in ctx.tally.staffed:
        where = f" in {ctx.grid.team}" if ctx.grid.team else ""
        return (
            Finding(
                code="role.unstaffed",
                severity=Severity.ERROR,
                role_code=role.code,
                message=f"Nobody holds {role.code}{where}, yet it is {ctx.owner_names} for "
                f"{plural(role.owns, 'task')}.",
                hint=f"Assign {role.code} to a person{' for this team' if where else ''}, or move its "
                "work to a role someone holds.",
            ),
        )
    return ()


@rule(
    "role.accountable_people",
    Severity.WARNING,
    Scope.ROLE,
    "An accountable role is held by more than one active person: nobody in particular decides.",
)
def role_accountable_people(ctx: RuleContext, role: RoleTally) -> Iterable[Finding]:
    # Based on the people the grid carries per role: when teams narrow who holds a role for
    # which tasks, the loader passes fewer holders and the rule follows.
    if role.accountable and role.holders > 1:
        return (
            Finding(
                code="role.accountable_people",
                severity=Severity.WARNING,
                role_code=role.code,
                message=f"{role.code} is {ctx.acc_name} for {plural(role.accountable, 'task')} and "
                f"{role.holders} people hold it: nobody in particular has the final word.",
                hint=f"Name one person as {role.code} for these tasks (a team or a role of their own), "
                f"or move {ctx.acc_name} to a role one person holds.",
            ),
        )
    return ()
