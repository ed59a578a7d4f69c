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


def _shares(ctx: RuleContext) -> tuple[dict[int, float], float | None]:
    """Each active person's share of the work, and the mean over those carrying some.

    The mean is None with fewer than two people carrying work: nobody to compare with.
    """
    shares = {person.id: ctx.tally.share(person) for person in ctx.grid.people if person.active}
    loaded = [share for share in shares.values() if share > 0]
    return shares, (sum(loaded) / len(loaded) if len(loaded) >= 2 else None)


@rule(
    "person.overload",
    Severity.WARNING,
    Scope.PERSON,
    "A person's load is far above the average person's.",
    thresholds={"person_overload_factor": 2.0},
)
def person_overload(ctx: RuleContext, person: PersonEntry) -> Iterable[Finding]:
    if not person.active:
        return ()
    shares, mean = ctx.once(_shares)
    if mean is None:
        return ()
    share = shares[person.id]
    if share > ctx.settings.person_overload_factor * mean + EPSILON:
        return (
            Finding(
                code="person.overload",
                severity=Severity.WARNING,
                person_id=person.id,
                message=f"{person.name} carries {share / mean:.1f} times the average person's load "
                f"(through {join_and(ctx.tally.held_roles(person))}).",
                hint="Share one of their roles with someone else, "
                "or move some of their letters to other roles.",
            ),
        )
    return ()


@rule(
    "person.split_pair",
    Severity.WARNING,
    Scope.PERSON,
    "One person holds both roles of a split pair (info in a small organization).",
    thresholds={"small_org_headcount": 10, "split_pairs": (("PM", "PMM"),)},
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
        # Organizations this small combine roles as a matter of course: worth knowing, not fixing.
        if headcount <= settings.small_org_headcount:
            finding = Finding(
                code="person.split_pair",
                severity=Severity.INFO,
                role_code=first,
                person_id=person.id,
                message=f"{person.name} holds both {first} and {second}: "
                f"normal in an organization of {headcount}.",
                hint=f"Fine at this size; give {second} to someone else once the organization "
                f"grows past {settings.small_org_headcount} people.",
            )
        else:
            finding = Finding(
                code="person.split_pair",
                severity=Severity.WARNING,
                role_code=first,
                person_id=person.id,
                message=f"{person.name} holds both {first} and {second}, so nobody keeps the other honest.",
                hint=f"Give {second} to someone else: with {headcount} people the two roles "
                "should check each other.",
            )
        found.append(finding)
    return found
