"""Person rules: what the people holding the roles carry, and which roles they combine.

Pure module; importing it registers its rules (see ``registry``). Each rule is called once per
person of the grid, in the grid's order, with their ``PersonEntry`` and the evaluation's
``RuleContext``. People who left (inactive) hold no roles and carry nothing, so both rules
here skip them; a rule about them can still see them.
"""

from __future__ import annotations

from collections.abc import Iterable

from raci.rules.context import EPSILON, RuleContext
from raci.rules.findings import Finding, Scope, Severity
from raci.rules.grid import PersonEntry
from raci.rules.registry import rule
from raci.rules.text import join_and


def _typical_role_load(ctx: RuleContext) -> float | None:
    """The mean load of the roles that own work (A or R), each role counted once.

    The yardstick of "a full job" in this matrix. It does not depend on how many people hold
    each role, so hiring forty engineers changes nobody else's overload, and it ignores roles
    that are only consulted or informed, which would drag it down. None when no role owns work.
    """
    loads = [ctx.tally.roles[role.code].load for role in ctx.grid.roles if ctx.tally.roles[role.code].owns]
    return sum(loads) / len(loads) if loads else None


def _small_org(ctx: RuleContext) -> bool:
    return ctx.grid.effective_headcount <= ctx.settings.small_org_headcount


@rule(
    "person.overload",
    Severity.WARNING,
    Scope.PERSON,
    "A person holding several roles carries far more than a typical working role.",
    thresholds={"person_overload_factor": 2.0, "small_org_headcount": 10},
)
def person_overload(ctx: RuleContext, person: PersonEntry) -> Iterable[Finding]:
    # Only people combining roles: one role held alone is the role's design, which the role
    # rules judge. In a small organization combining roles is what the seeds recommend (a
    # founder does the work of several), so it is not an overload there.
    if not person.active or _small_org(ctx):
        return ()
    held = ctx.tally.held_roles(person)
    if len(held) < 2:
        return ()
    typical = ctx.once(_typical_role_load)
    if not typical:
        return ()
    share = ctx.tally.share(person)
    if share > ctx.settings.person_overload_factor * typical + EPSILON:
        return (
            Finding(
                code="person.overload",
                severity=Severity.WARNING,
                person_id=person.id,
                message=f"{person.name} carries {share / typical:.1f} times a typical role's load "
                f"(through {join_and(held)}).",
                hint="Share one of their roles with someone else, "
                "or move some of their letters to other roles.",
            ),
        )
    return ()


def _pair_people(ctx: RuleContext, first: str, second: str) -> int:
    return sum(1 for p in ctx.grid.people if p.active and (first in p.role_codes or second in p.role_codes))


@rule(
    "person.split_pair",
    Severity.WARNING,
    Scope.PERSON,
    "One person holds both roles of a split pair once the organization has outgrown it (info before).",
    thresholds={"small_org_headcount": 10, "split_pairs": (("PM", "PMM"),), "split_pair_people": 2},
)
def person_split_pair(ctx: RuleContext, person: PersonEntry) -> Iterable[Finding]:
    if not person.active:
        return ()
    settings = ctx.settings
    role_pos = ctx.tally.role_pos
    found: list[Finding] = []
    for first, second in settings.split_pairs:
        # Only pairs this matrix has both columns of: otherwise it cannot show the overlap.
        if first not in role_pos or second not in role_pos:
            continue
        if first not in person.role_codes or second not in person.role_codes:
            continue
        headcount = ctx.grid.effective_headcount
        pair_people = _pair_people(ctx, first, second)
        # The seeds' trigger: split the roles when hiring the second or third product person,
        # and never in a company of about ten.
        if headcount <= settings.small_org_headcount or pair_people < settings.split_pair_people:
            if headcount <= settings.small_org_headcount:
                reason = f"in an organization of {headcount}"
            elif pair_people <= 1:
                reason = f"while nobody else holds {first} or {second}"
            else:
                reason = f"while only {pair_people} people hold {first} or {second}"
            finding = Finding(
                code="person.split_pair",
                severity=Severity.INFO,
                role_code=first,
                person_id=person.id,
                message=f"{person.name} holds both {first} and {second}: normal {reason}.",
                hint=f"Fine for now; give {second} to someone else when the organization grows past "
                f"{settings.small_org_headcount} people and {settings.split_pair_people} people hold "
                f"{first} or {second}.",
            )
        else:
            finding = Finding(
                code="person.split_pair",
                severity=Severity.WARNING,
                role_code=first,
                person_id=person.id,
                message=f"{person.name} holds both {first} and {second}, so nobody keeps the other honest.",
                hint=f"Give {second} to someone else: with {pair_people} people holding {first} or "
                f"{second}, the two roles should check each other.",
            )
        found.append(finding)
    return found


@rule(
    "person.many_roles",
    Severity.WARNING,
    Scope.PERSON,
    "In an organization past the small size, a person holds more working roles than max_roles_per_person.",
    thresholds={"small_org_headcount": 10, "max_roles_per_person": 2},
)
def person_many_roles(ctx: RuleContext, person: PersonEntry) -> Iterable[Finding]:
    # Any combination, not only the declared pairs: a founder still holding PM, SALES, CS and
    # EXEC in a company of 300 is a hat too many, whichever hats they are.
    if not person.active or _small_org(ctx):
        return ()
    roles = ctx.tally.roles
    working = [code for code in ctx.tally.held_roles(person) if roles[code].owns]
    limit = ctx.settings.max_roles_per_person
    if len(working) <= limit:
        return ()
    return (
        Finding(
            code="person.many_roles",
            severity=Severity.WARNING,
            person_id=person.id,
            message=f"{person.name} holds {len(working)} roles that own work ({join_and(working)}) in an "
            f"organization of {ctx.grid.effective_headcount}.",
            hint=f"Past {ctx.settings.small_org_headcount} people, give all but {limit} of these roles "
            "to others.",
        ),
    )
