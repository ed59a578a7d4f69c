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
# Burnout compares a role with the others: with fewer roles, someone is always "the top".
MIN_ROLES_FOR_BURNOUT = 3


def _any_filled(ctx: RuleContext) -> bool:
    return any(ctx.tally.roles[role.code].filled for role in ctx.grid.roles)


@rule("role.no_work", Severity.WARNING, Scope.ROLE, "A role is never responsible or accountable.")
def role_no_work(ctx: RuleContext, role: RoleTally) -> Iterable[Finding]:
    # In a matrix without a single letter yet, "is the role needed?" would be asked of every role.
    if not role.accountable and not role.responsible and ctx.once(_any_filled):
        return (
            Finding(
                code="role.no_work",
                severity=Severity.WARNING,
                role_code=role.code,
                message=f"{role.code} is never {ctx.owner_names} for any task — is the role needed?",
                hint=f"Give {role.code} the work it owns, or remove the column.",
            ),
        )
    return ()


@rule(
    "role.bottleneck",
    Severity.WARNING,
    Scope.ROLE,
    "A role is accountable for over accountable_share of tasks.",
    thresholds={"accountable_share": 0.40},
)
def role_bottleneck(ctx: RuleContext, role: RoleTally) -> Iterable[Finding]:
    n_nonempty = ctx.tally.non_empty_tasks
    share = ctx.settings.accountable_share
    if n_nonempty >= MIN_TASKS_FOR_BOTTLENECK and role.accountable > share * n_nonempty + EPSILON:
        return (
            Finding(
                code="role.bottleneck",
                severity=Severity.WARNING,
                role_code=role.code,
                message=f"{role.code} is {ctx.acc_name} for {role.accountable} of {n_nonempty} tasks "
                f"({role.accountable / n_nonempty:.0%}); more than {share:.0%} makes it a bottleneck.",
                hint=f"Hand {ctx.acc_name} for some tasks to the roles doing the work.",
            ),
        )
    return ()


def _top(k: int, loads: list[int]) -> set[int]:
    """The nonzero loads fewer than ``k`` other loads reach (see ``role_burnout``)."""
    top = set()
    for load in set(loads):
        at_least = sum(1 for other in loads if other >= load)
        if load > 0 and at_least - 1 < k:
            top.add(load)
    return top


def _burnout_tops(ctx: RuleContext) -> tuple[set[int], set[int]] | None:
    """The top responsible and accountable loads, or None with too few roles to compare."""
    roles = [ctx.tally.roles[role.code] for role in ctx.grid.roles]
    if len(roles) < MIN_ROLES_FOR_BURNOUT:
        return None
    k = max(1, math.floor(len(roles) * ctx.settings.burnout_top_fraction + EPSILON))
    return _top(k, [r.responsible for r in roles]), _top(k, [r.accountable for r in roles])


@rule(
    "role.burnout",
    Severity.WARNING,
    Scope.ROLE,
    "A role is among the heaviest both in responsible and accountable load.",
    thresholds={"burnout_top_fraction": 0.10},
)
def role_burnout(ctx: RuleContext, role: RoleTally) -> Iterable[Finding]:
    # A role is in the top fraction for a load when it carries some of it and fewer than k
    # other roles carry as much or more, with k = floor(roles x fraction) but at least 1 (so
    # with 3 to 19 roles it is the heaviest role, if it is alone at the top). Ties at the
    # cut-off are all out: where every role carries the same load, nobody stands out.
    tops = ctx.once(_burnout_tops)
    if tops is None:
        return ()
    r_top, a_top = tops
    if role.responsible in r_top and role.accountable in a_top:
        return (
            Finding(
                code="role.burnout",
                severity=Severity.WARNING,
                role_code=role.code,
                message=f"{role.code} is among the heaviest roles both as {ctx.resp_name} "
                f"({plural(role.responsible, 'task')}) and as {ctx.acc_name} "
                f"({plural(role.accountable, 'task')}): a burnout risk.",
                hint=f"Move some of its {ctx.resp_name} or {ctx.acc_name} letters to other roles, "
                "or have more people hold it.",
            ),
        )
    return ()


@rule("role.on_everything", Severity.INFO, Scope.ROLE, "A role is involved in every task.")
def role_on_everything(ctx: RuleContext, role: RoleTally) -> Iterable[Finding]:
    n_tasks = len(ctx.grid.tasks)
    if n_tasks >= MIN_TASKS_FOR_ON_EVERYTHING and role.involved == n_tasks:
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
