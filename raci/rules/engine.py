"""The rules: what is wrong, risky or worth knowing about a matrix.

Pure module: ``evaluate(grid)`` reads a ``MatrixGrid`` and returns ``Finding``s, sorted by
severity (errors first), then task order, then role order, then person order. Every rule reads
the tallies ``Tally.of`` computes in one pass over the cells, so the whole evaluation is
O(cells). Thresholds come from ``grid.settings`` (``RuleSettings``); letters' meanings from
``grid.scheme``, so the same rules serve RACI, RASCI, DACI, RAPID and CAIRO.

Where to add a rule: write it in the task, role or person pass below, add its code to
``findings.RULES``, and give it a test that fires and one that stays silent just below the
threshold.

Choices worth knowing (each keeps the engine from crying wolf):

- A task without a single letter gets one ``task.empty`` error rather than separate
  no-accountable, no-responsible and silo findings: a freshly adopted framework would otherwise
  drown its owner in three findings per row.
- When a scheme wants its accountable letter exactly once (DACI's Approver, RAPID's Decide),
  two of them stay an error even with ``shared_accountability``: the scheme, not the setting,
  defines what the letter means. Problems the accountable and responsible rules already report
  are not reported again as ``task.exactly_one``.
- "Involved" means holding a letter whose weight is above zero, so CAIRO's "Out of the loop"
  does not count towards "everyone on everything".
- Rules comparing a role with others, or a share of tasks, need enough data to mean anything:
  see the ``MIN_*`` constants.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from raci.rules.findings import Finding, Severity
from raci.rules.grid import MatrixGrid
from raci.rules.tally import CellInfo, Tally
from raci.rules.text import count_word, join_and, letter_labels, letter_names, plural, quoted

# "Everyone on everything" needs at least this many roles: two roles sharing every task is normal.
MIN_ROLES_FOR_EVERYONE = 3
# "A role on every task" needs at least this many tasks, for the same reason.
MIN_TASKS_FOR_ON_EVERYTHING = 3
# With fewer non-empty tasks, any accountable role trivially owns more than 40% of them.
MIN_TASKS_FOR_BOTTLENECK = 5
# Burnout compares a role with the others: with fewer roles, someone is always "the top".
MIN_ROLES_FOR_BURNOUT = 3
# Float comparisons of shares: 0.57 * 100 is 56.99999999999999, and 57 is not "more than 57%".
_EPSILON = 1e-9


def evaluate(grid: MatrixGrid, tally: Tally | None = None) -> tuple[Finding, ...]:
    """Every finding for ``grid``, in a deterministic order.

    Pass a ``tally`` already computed for the same grid to share the pass over the cells
    with other analyses (``analyse`` does).
    """
    tally = tally if tally is not None else Tally.of(grid)
    found: list[Finding] = []
    _task_rules(tally, found.append)
    _role_rules(tally, found.append)
    _person_rules(tally, found.append)
    return tuple(sorted(found, key=_order_key(tally)))


def _order_key(tally: Tally) -> Callable[[Finding], tuple[object, ...]]:
    person_pos = {person.id: i for i, person in enumerate(tally.grid.people)}

    def key(f: Finding) -> tuple[object, ...]:
        role = tally.role_pos.get(f.role_code, -1) if f.role_code is not None else -1
        if f.person_id is not None:
            place: tuple[int, int, int] = (2, person_pos.get(f.person_id, -1), role)
        elif f.task_id is not None:
            # Task-level findings (no role) come before that task's cell findings.
            place = (0, tally.task_pos.get(f.task_id, -1), role)
        else:
            place = (1, role, -1)
        return (f.severity.rank, *place, f.code, f.message)

    return key


def _task_rules(tally: Tally, emit: Callable[[Finding], None]) -> None:
    grid = tally.grid
    scheme = grid.scheme
    settings = grid.settings
    acc_code = scheme.accountable
    acc_name = letter_names(scheme, acc_code)
    acc_label = letter_labels(scheme, acc_code)
    resp_name = letter_names(scheme, scheme.responsible)
    resp_label = letter_labels(scheme, scheme.responsible)
    cons_name = letter_names(scheme, scheme.consulted)
    inf_name = letter_names(scheme, scheme.informed)
    around_name = letter_names(scheme, scheme.consulted | scheme.informed)
    acc_exact = acc_code in scheme.exactly_one
    # The exactly-one rule covers letters the accountable rule does not; a missing letter that
    # is the scheme's only responsible letter is already "no responsible" (DACI's Driver).
    exact_letters = [c for c in scheme.codes if c in scheme.exactly_one and c != acc_code]
    only_resp = next(iter(scheme.responsible)) if len(scheme.responsible) == 1 else None
    # Several responsible roles are already an error when every responsible letter is exactly-one.
    check_many_resp = bool(scheme.responsible) and not scheme.responsible <= scheme.exactly_one
    acc_may_do = any(
        acc_code in combo and not scheme.responsible.isdisjoint(combo) for combo in scheme.combinations
    )
    n_roles = len(grid.roles)

    for task in grid.tasks:
        cells = tally.task_cells[task.id]
        name = quoted(task.name)
        acc: list[str] = []
        resp: list[str] = []
        cons: list[str] = []
        inf: list[str] = []
        involved = 0
        known = False
        for code, info in cells:
            if not info.valid:
                _cell_findings(tally, task.id, name, code, info, emit)
            if info.known:
                known = True
            if info.accountable:
                acc.append(code)
            if info.responsible:
                resp.append(code)
            if info.consulted:
                cons.append(code)
            if info.informed:
                inf.append(code)
            if info.involved:
                involved += 1

        if not known:
            emit(
                Finding(
                    code="task.empty",
                    severity=Severity.ERROR,
                    task_id=task.id,
                    message=f"{name} has no letters yet: no role is {acc_name} or {resp_name}.",
                    hint=f"Give one role {acc_label} and at least one role {resp_label}.",
                )
            )
            continue

        if not acc:
            emit(
                Finding(
                    code="task.no_accountable",
                    severity=Severity.ERROR,
                    task_id=task.id,
                    message=f"{name} has no {acc_name} role: nobody owns the outcome.",
                    hint=f"Give exactly one role {acc_label}: the one that has the final word.",
                )
            )
        elif len(acc) > 1:
            roles = join_and(tally.in_role_order(acc))
            if settings.shared_accountability and not acc_exact:
                emit(
                    Finding(
                        code="task.multiple_accountable",
                        severity=Severity.WARNING,
                        task_id=task.id,
                        message=f"{name} shares {acc_name} between {roles}.",
                        hint="Shared accountability is allowed in this matrix; make sure "
                        f"{roles} agree on who has the final word.",
                    )
                )
            else:
                needs = f"; {scheme.name} needs exactly one" if acc_exact else ""
                emit(
                    Finding(
                        code="task.multiple_accountable",
                        severity=Severity.ERROR,
                        task_id=task.id,
                        message=f"{name} has {count_word(len(acc))} {acc_name} roles: {roles} "
                        f"— pick one{needs}.",
                        hint=f"Keep {acc_label} on the one role that has the final word; "
                        "give the others a different letter.",
                    )
                )

        if not resp:
            also = f"; the {acc_name} role may hold it too" if acc_may_do else ""
            emit(
                Finding(
                    code="task.no_responsible",
                    severity=Severity.ERROR,
                    task_id=task.id,
                    message=f"{name} has no {resp_name} role: nobody does the work.",
                    hint=f"Give at least one role {resp_label}{also}.",
                )
            )
        elif check_many_resp and len(resp) > settings.max_responsible:
            emit(
                Finding(
                    code="task.too_many_responsible",
                    severity=Severity.WARNING,
                    task_id=task.id,
                    message=f"{name} has {count_word(len(resp))} {resp_name} roles "
                    f"({join_and(tally.in_role_order(resp))}); more than {settings.max_responsible} "
                    "doing the work blurs who does what.",
                    hint="Split the task into smaller ones, each with its own few roles doing the work.",
                )
            )

        for letter in exact_letters:
            holders = [code for code, info in cells if letter in info.known]
            if len(holders) == 1 or (not holders and letter == only_resp):
                continue
            letter_name = letter_names(scheme, letter)
            if holders:
                message = (
                    f"{name} has {count_word(len(holders))} {letter_name} roles: "
                    f"{join_and(tally.in_role_order(holders))}; {scheme.name} needs exactly one."
                )
                hint = f"Keep {letter_labels(scheme, letter)} on one role only."
            else:
                message = f"{name} has no {letter_name} role; {scheme.name} needs exactly one."
                hint = f"Give exactly one role {letter_labels(scheme, letter)}."
            emit(
                Finding(
                    code="task.exactly_one",
                    severity=Severity.ERROR,
                    task_id=task.id,
                    message=message,
                    hint=hint,
                )
            )

        if len(cons) > settings.max_consulted:
            emit(
                Finding(
                    code="task.too_many_consulted",
                    severity=Severity.WARNING,
                    task_id=task.id,
                    message=f"{name} has {count_word(len(cons))} {cons_name} roles "
                    f"({join_and(tally.in_role_order(cons))}); asking more than {settings.max_consulted} "
                    "slows decisions down.",
                    hint=f"Keep {cons_name} for the roles whose input changes the outcome"
                    + (f"; make the others {inf_name}." if inf_name else "."),
                )
            )
        if len(inf) > settings.max_informed:
            emit(
                Finding(
                    code="task.too_many_informed",
                    severity=Severity.INFO,
                    task_id=task.id,
                    message=f"{name} has {count_word(len(inf))} {inf_name} roles "
                    f"({join_and(tally.in_role_order(inf))}); more than {settings.max_informed} "
                    "is a broadcast.",
                    hint="Inform the roles that act on the outcome; "
                    "the others can read the published matrix.",
                )
            )
        # A scheme without consulted or informed letters cannot tell a silo from its normal case.
        if around_name and not cons and not inf:
            emit(
                Finding(
                    code="task.silo",
                    severity=Severity.INFO,
                    task_id=task.id,
                    message=f"{name} has no {around_name} role: nobody is asked before or told after.",
                    hint="Check whether anyone should give input or hear about the outcome.",
                )
            )
        if n_roles >= MIN_ROLES_FOR_EVERYONE and involved == n_roles:
            emit(
                Finding(
                    code="task.everyone",
                    severity=Severity.INFO,
                    task_id=task.id,
                    message=f"Every role is on {name}.",
                    hint="Everyone on everything means nobody in particular: "
                    "remove the letters that add nothing.",
                )
            )


def _cell_findings(
    tally: Tally, task_id: int, name: str, code: str, info: CellInfo, emit: Callable[[Finding], None]
) -> None:
    scheme = tally.grid.scheme
    if info.unknown:
        allowed = ", ".join(f"{letter.code} ({letter.name})" for letter in scheme.letters)
        emit(
            Finding(
                code="cell.unknown_letter",
                severity=Severity.ERROR,
                task_id=task_id,
                role_code=code,
                message=f"{name} has {'/'.join(info.unknown)} in the {code} column, "
                f"which {scheme.name} does not have.",
                hint=f"Use {allowed}.",
            )
        )
    if not info.combinable:
        if scheme.combinations:
            pairs = ", ".join(sorted("+".join(scheme.order(combo)) for combo in scheme.combinations))
            hint = f"Only {pairs} may share a cell; keep the letter that matters most."
        else:
            hint = "Keep one letter per cell: the one that matters most."
        emit(
            Finding(
                code="cell.invalid_combination",
                severity=Severity.ERROR,
                task_id=task_id,
                role_code=code,
                message=f"{name} has {join_and(letter_names(scheme, c) for c in info.known)} together "
                f"in the {code} column; {scheme.name} does not allow that.",
                hint=hint,
            )
        )


def _role_rules(tally: Tally, emit: Callable[[Finding], None]) -> None:
    grid = tally.grid
    scheme = grid.scheme
    settings = grid.settings
    acc_name = letter_names(scheme, scheme.accountable)
    resp_name = letter_names(scheme, scheme.responsible)
    owner_names = f"{resp_name} or {acc_name}" if resp_name else acc_name
    roles = [tally.roles[role.code] for role in grid.roles]
    # A matrix without a single letter yet: "is the role needed?" would be asked of every role.
    any_filled = any(role.filled for role in roles)
    n_tasks = len(grid.tasks)
    n_nonempty = tally.non_empty_tasks

    # Burnout: a role is in the top fraction for a load when it carries some of it and fewer
    # than k other roles carry as much or more, with k = floor(roles x fraction) but at least 1
    # (so with 3 to 19 roles it is the heaviest role, if it is alone at the top). Ties at the
    # cut-off are all out: where every role carries the same load, nobody stands out.
    burnout_ready = len(roles) >= MIN_ROLES_FOR_BURNOUT
    k = max(1, math.floor(len(roles) * settings.burnout_top_fraction + _EPSILON))
    r_top = _top(k, [r.responsible for r in roles])
    a_top = _top(k, [r.accountable for r in roles])

    for role in roles:
        code = role.code
        if any_filled and not role.accountable and not role.responsible:
            emit(
                Finding(
                    code="role.no_work",
                    severity=Severity.WARNING,
                    role_code=code,
                    message=f"{code} is never {owner_names} for any task — is the role needed?",
                    hint=f"Give {code} the work it owns, or remove the column.",
                )
            )
        if n_nonempty >= MIN_TASKS_FOR_BOTTLENECK and role.accountable > (
            settings.accountable_share * n_nonempty + _EPSILON
        ):
            emit(
                Finding(
                    code="role.bottleneck",
                    severity=Severity.WARNING,
                    role_code=code,
                    message=f"{code} is {acc_name} for {role.accountable} of {n_nonempty} tasks "
                    f"({role.accountable / n_nonempty:.0%}); more than {settings.accountable_share:.0%} "
                    "makes it a bottleneck.",
                    hint=f"Hand {acc_name} for some tasks to the roles doing the work.",
                )
            )
        if burnout_ready and role.responsible in r_top and role.accountable in a_top:
            emit(
                Finding(
                    code="role.burnout",
                    severity=Severity.WARNING,
                    role_code=code,
                    message=f"{code} is among the heaviest roles both as {resp_name} "
                    f"({plural(role.responsible, 'task')}) and as {acc_name} "
                    f"({plural(role.accountable, 'task')}): a burnout risk.",
                    hint=f"Move some of its {resp_name} or {acc_name} letters to other roles, "
                    "or have more people hold it.",
                )
            )
        if n_tasks >= MIN_TASKS_FOR_ON_EVERYTHING and role.involved == n_tasks:
            emit(
                Finding(
                    code="role.on_everything",
                    severity=Severity.INFO,
                    role_code=code,
                    message=f"{code} is on every task.",
                    hint="A role on everything is involved in nothing in particular: "
                    "remove the letters where it adds nothing.",
                )
            )
        # Without people data we cannot tell an unstaffed role from an unknown staffing.
        if grid.people and role.owns and code not in tally.staffed:
            emit(
                Finding(
                    code="role.unstaffed",
                    severity=Severity.ERROR,
                    role_code=code,
                    message=f"Nobody holds {code}, yet it is {owner_names} for {plural(role.owns, 'task')}.",
                    hint=f"Assign {code} to a person, or move its work to a role someone holds.",
                )
            )


def _top(k: int, loads: list[int]) -> set[int]:
    """The nonzero loads fewer than ``k`` other loads reach (see the burnout rule)."""
    top = set()
    for load in set(loads):
        at_least = sum(1 for other in loads if other >= load)
        if load > 0 and at_least - 1 < k:
            top.add(load)
    return top


def _person_rules(tally: Tally, emit: Callable[[Finding], None]) -> None:
    grid = tally.grid
    settings = grid.settings
    active = [person for person in grid.people if person.active]

    shares = {person.id: tally.share(person) for person in active}
    loaded = [share for share in shares.values() if share > 0]
    if len(loaded) >= 2:
        mean = sum(loaded) / len(loaded)
        for person in active:
            share = shares[person.id]
            if share > settings.person_overload_factor * mean + _EPSILON:
                emit(
                    Finding(
                        code="person.overload",
                        severity=Severity.WARNING,
                        person_id=person.id,
                        message=f"{person.name} carries {share / mean:.1f} times the average person's load "
                        f"(through {join_and(tally.held_roles(person))}).",
                        hint="Share one of their roles with someone else, "
                        "or move some of their letters to other roles.",
                    )
                )

    headcount = grid.effective_headcount
    small = headcount <= settings.small_org_headcount
    for person in active:
        for first, second in settings.split_pairs:
            # Only pairs this matrix has both columns of: otherwise it cannot show the overlap.
            if first not in tally.role_pos or second not in tally.role_pos:
                continue
            if first not in person.role_codes or second not in person.role_codes:
                continue
            if small:
                emit(
                    Finding(
                        code="person.split_pair",
                        severity=Severity.INFO,
                        role_code=first,
                        person_id=person.id,
                        message=f"{person.name} holds both {first} and {second}: "
                        f"normal in an organization of {headcount}.",
                        hint=f"Fine at this size; give {second} to someone else once the organization "
                        f"grows past {settings.small_org_headcount} people.",
                    )
                )
            else:
                emit(
                    Finding(
                        code="person.split_pair",
                        severity=Severity.WARNING,
                        role_code=first,
                        person_id=person.id,
                        message=f"{person.name} holds both {first} and {second}, "
                        "so nobody keeps the other honest.",
                        hint=f"Give {second} to someone else: with {headcount} people the two roles "
                        "should check each other.",
                    )
                )
