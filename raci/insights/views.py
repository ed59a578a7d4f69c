"""Pages that answer "who does what" and show the analyses; read-only for everyone.

Every view starts with ``require_org`` (non-members get 404), fetches objects within the
organization (another organization's id is a 404 too), reads through selectors and the pure
rules engine, and writes nothing: the what-if page computes on a copy of the grid. Templates
get plain data built here, so no page follows a relation the view did not load.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from frameworks.schemes import Scheme
from orgs.access import OrgAccess, require_org
from orgs.models import Person, Role
from raci import rules
from raci.insights.selectors import (
    Responsibility,
    matrix_schemes,
    organization_search,
    person_responsibilities,
    role_cells,
    role_holders,
    role_ids_by_code,
    scheme_for,
    task_get,
)
from raci.insights.svg import venn_svg
from raci.matrices.models import Matrix
from raci.matrices.selectors import matrix_get, matrix_grid_get
from raci.revisions.selectors import acknowledgement_status
from raci.rules.grid import MatrixGrid, PersonEntry, RoleColumn, TaskRow

# How a role's letters read as a heading on the role page: "Accountable for", "Consulted on".
LETTER_PHRASES = {
    "Accountable": "Accountable for",
    "Responsible": "Responsible for",
    "Consulted": "Consulted on",
    "Informed": "Informed of",
    "Support": "Supports",
    "Driver": "Drives",
    "Approver": "Approves",
    "Contributor": "Contributes to",
    "Decide": "Decides",
    "Recommend": "Recommends on",
    "Agree": "Must agree on",
    "Perform": "Performs",
    "Input": "Gives input on",
    "Out of the loop": "Out of the loop on",
}

# Findings the workload page marks on a row, with the words shown next to it.
WORKLOAD_FLAGS = {
    "role.bottleneck": "Bottleneck",
    "role.burnout": "Burnout risk",
    "person.overload": "Overloaded",
}

# A role code typed into a URL is never longer than this (the model allows 16).
MAX_CODE_LENGTH = 40


def letter_words(scheme: Scheme, letters: str) -> str:
    """``"AR"`` -> ``"Accountable, Responsible"``; a letter the scheme lacks is shown as is."""
    names = []
    for code in letters:
        try:
            names.append(scheme.letter(code).name)
        except KeyError:
            names.append(code)
    return ", ".join(names)


def _number(value: float) -> str:
    """8.0 -> "8", 8.25 -> "8.25": loads are sums of quarter weights."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _base_context(access: OrgAccess, **extra: object) -> dict[str, object]:
    return {"organization": access.organization, "access": access, **extra}


# --- Person ----------------------------------------------------------------------------------


@dataclass
class PersonTask:
    id: int
    name: str
    # (role code, role id, letters, letters in words) for each of the person's roles on the task.
    mine: list[tuple[str, int | None, str, str]] = field(default_factory=list)
    # (role code, role id, letters) of the other roles on the task.
    co_owners: list[tuple[str, int | None, str]] = field(default_factory=list)


@dataclass
class StageGroup:
    name: str
    tasks: list[PersonTask] = field(default_factory=list)


@dataclass
class MatrixGroup:
    id: int
    name: str
    stages: list[StageGroup] = field(default_factory=list)


def _group_responsibilities(
    responsibilities: list[Responsibility], schemes: dict[int, str], role_ids: dict[str, int]
) -> tuple[list[MatrixGroup], int]:
    """Rows of ``person_responsibilities`` -> matrices -> stages -> tasks, one entry per task
    however many of the person's roles are on it; and the number of tasks."""
    matrices: dict[int, MatrixGroup] = {}
    stages: dict[tuple[int, str], StageGroup] = {}
    tasks: dict[int, PersonTask] = {}
    co_owners: dict[int, dict[str, str]] = {}
    for row in responsibilities:
        group = matrices.setdefault(row.matrix_id, MatrixGroup(row.matrix_id, row.matrix_name))
        stage = stages.get((row.matrix_id, row.stage))
        if stage is None:
            stage = stages[(row.matrix_id, row.stage)] = StageGroup(row.stage)
            group.stages.append(stage)
        task = tasks.get(row.task_id)
        if task is None:
            task = tasks[row.task_id] = PersonTask(row.task_id, row.task_name)
            stage.tasks.append(task)
        scheme = scheme_for(schemes.get(row.matrix_id, ""))
        task.mine.append((row.role, role_ids.get(row.role), row.letters, letter_words(scheme, row.letters)))
        for code, letters in row.co_owners:
            co_owners.setdefault(row.task_id, {}).setdefault(code, letters)
    for task in tasks.values():
        # A person holding two roles on one task: neither is the other's co-owner.
        own = {code for code, *_rest in task.mine}
        task.co_owners = [
            (code, role_ids.get(code), letters)
            for code, letters in co_owners.get(task.id, {}).items()
            if code not in own
        ]
    return list(matrices.values()), len(tasks)


@login_required
def person_detail(request: HttpRequest, org_slug: str, person_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug)
    organization = access.organization
    person = get_object_or_404(Person, pk=person_id, organization=organization)
    roles = list(person.roles.order_by("order", "code").values_list("id", "code", "name"))
    responsibilities = person_responsibilities(person=person)
    schemes = matrix_schemes(organization=organization, matrix_ids={r.matrix_id for r in responsibilities})
    matrices, task_count = _group_responsibilities(
        responsibilities, schemes, role_ids_by_code(organization=organization)
    )
    acknowledgements = acknowledgement_status(person=person, matrix_ids={m.id for m in matrices})
    return render(
        request,
        "insights/person_detail.html",
        _base_context(
            access,
            person=person,
            roles=roles,
            matrices=matrices,
            task_count=task_count,
            acknowledgements=acknowledgements,
            is_me=person.user_id is not None and person.user_id == request.user.pk,
        ),
    )


# --- Role ------------------------------------------------------------------------------------


@dataclass
class LetterGroup:
    code: str
    name: str
    phrase: str
    # (task id, task name, stage, the role's letters on the task)
    tasks: list[tuple[int, str, str, str]] = field(default_factory=list)


@dataclass
class RoleMatrix:
    id: int
    name: str
    task_count: int = 0
    groups: list[LetterGroup] = field(default_factory=list)


@login_required
def role_detail(request: HttpRequest, org_slug: str, role_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug)
    role = get_object_or_404(Role, pk=role_id, organization=access.organization)
    holders = list(role_holders(role=role))

    matrices: list[RoleMatrix] = []
    buckets: dict[str, LetterGroup] = {}
    for cell in role_cells(role=role):
        if not matrices or matrices[-1].id != cell.matrix_id:
            scheme = scheme_for(cell.scheme)
            matrices.append(RoleMatrix(cell.matrix_id, cell.matrix_name))
            buckets = {
                letter.code: LetterGroup(
                    letter.code, letter.name, LETTER_PHRASES.get(letter.name, f"{letter.name}:")
                )
                for letter in scheme.letters
            }
            matrices[-1].groups = list(buckets.values())
        matrices[-1].task_count += 1
        for code in cell.letters:
            group = buckets.get(code)
            if group is None:  # a letter the scheme lacks (an old import): still show it
                group = buckets[code] = LetterGroup(code, code, f"{code}:")
                matrices[-1].groups.append(group)
            group.tasks.append((cell.task_id, cell.task_name, cell.stage, cell.letters))
    for matrix in matrices:
        matrix.groups = [group for group in matrix.groups if group.tasks]

    return render(
        request,
        "insights/role_detail.html",
        _base_context(
            access,
            role=role,
            active_holders=[p for p in holders if p.active],
            inactive_holders=[p for p in holders if not p.active],
            matrices=matrices,
        ),
    )


# --- Task ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleOnTask:
    role: RoleColumn
    letters: str
    words: str
    people: tuple[PersonEntry, ...]


@dataclass(frozen=True)
class Duty:
    """One scheme letter of a task: who holds it, as the page's summary sentence reads it."""

    code: str
    name: str
    meaning: str
    label: str
    holders: tuple[RoleOnTask, ...]


def _duty_label(scheme: Scheme, code: str, name: str) -> str:
    """ "Accountable", "do the work", "consult", "inform"; a letter's own name where ambiguous."""
    if code == scheme.accountable:
        return name
    for letters, label in (
        (scheme.responsible, "do the work"),
        (scheme.consulted, "consult"),
        (scheme.informed, "inform"),
    ):
        if code in letters:
            return label if len(letters) == 1 else name
    return name


def _holders_by_role(grid: MatrixGrid) -> dict[str, tuple[PersonEntry, ...]]:
    held: dict[str, list[PersonEntry]] = {role.code: [] for role in grid.roles}
    for person in grid.people:
        if person.active:
            for code in person.role_codes:
                if code in held:
                    held[code].append(person)
    return {code: tuple(people) for code, people in held.items()}


@login_required
def task_detail(request: HttpRequest, org_slug: str, matrix_id: int, task_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug)
    matrix = matrix_get(organization=access.organization, matrix_id=matrix_id)
    task = task_get(matrix=matrix, task_id=task_id)
    # An archived task is not part of the live grid; load it with the archived ones to show its letters.
    grid = matrix_grid_get(matrix=matrix, include_archived=task.archived)
    scheme = grid.scheme
    people = _holders_by_role(grid)

    on_task = [
        RoleOnTask(role, letters, letter_words(scheme, letters), people[role.code])
        for role in grid.roles
        if (letters := grid.letters(task.pk, role.code))
    ]
    duties = [
        Duty(
            code=letter.code,
            name=letter.name,
            meaning=letter.meaning,
            label=_duty_label(scheme, letter.code, letter.name),
            holders=tuple(entry for entry in on_task if letter.code in entry.letters),
        )
        for letter in scheme.letters
    ]
    findings = [] if task.archived else [f for f in rules.evaluate(grid) if f.task_id == task.pk]

    return render(
        request,
        "insights/task_detail.html",
        _base_context(
            access,
            matrix=matrix,
            grid=grid,
            task=task,
            duties=duties,
            on_task=on_task,
            findings=findings,
            page="task",
        ),
    )


# --- Search ----------------------------------------------------------------------------------


@login_required
def search(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug)
    query = request.GET.get("q", "").strip()
    results = organization_search(organization=access.organization, query=query)
    return render(
        request,
        "insights/search.html",
        _base_context(access, search_query=query, results=results),
    )


# --- Matrix analyses -------------------------------------------------------------------------


def _matrix_and_grid(
    request: HttpRequest, org_slug: str, matrix_id: int
) -> tuple[OrgAccess, Matrix, MatrixGrid]:
    access = require_org(request.user, org_slug)
    matrix = matrix_get(organization=access.organization, matrix_id=matrix_id)
    return access, matrix, matrix_grid_get(matrix=matrix)


def _code_param(params: QueryDict, name: str) -> str:
    """A role code from the query string: trimmed, upper-cased, bounded in length."""
    return params.get(name, "").strip().upper()[:MAX_CODE_LENGTH]


def _default_pair(codes: list[str]) -> tuple[str, str]:
    if "PM" in codes and "PMM" in codes:
        return "PM", "PMM"
    padded = [*codes[:2], "", ""]
    return padded[0], padded[1]


@dataclass(frozen=True)
class AreaRow:
    """A task of one area of the overlap, with the letters both roles hold on it (maybe none)."""

    task: TaskRow
    a_letters: str
    b_letters: str
    a_words: str
    b_words: str


@login_required
def matrix_overlap(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    access, matrix, grid = _matrix_and_grid(request, org_slug, matrix_id)
    codes = [role.code for role in grid.roles]
    default_a, default_b = _default_pair(codes)
    a = _code_param(request.GET, "a") or default_a
    b = _code_param(request.GET, "b") or default_b

    error = ""
    result = None
    if len(codes) < 2:
        error = "This matrix needs at least two roles to compare; add roles in the editor."
    else:
        try:
            result = rules.overlap(grid, a, b)
        except rules.AnalysisError as exc:
            error = str(exc)

    context = _base_context(
        access,
        matrix=matrix,
        grid=grid,
        page="overlap",
        error=error,
        owner_words=" or ".join(
            f"{letter.code} ({letter.name})"
            for letter in grid.scheme.letters
            if letter.code == grid.scheme.accountable or letter.code in grid.scheme.responsible
        ),
        # The selects keep a valid choice, falling back to the defaults for an unknown code.
        selected_a=a if a in codes else default_a,
        selected_b=b if b in codes else default_b,
    )
    if result is not None:
        tasks = {task.id: task for task in grid.tasks}
        names = {role.code: role.name for role in grid.roles}

        def rows(task_ids: tuple[int, ...]) -> list[AreaRow]:
            result_rows = []
            for task_id in task_ids:
                a_letters, b_letters = grid.letters(task_id, a), grid.letters(task_id, b)
                result_rows.append(
                    AreaRow(
                        tasks[task_id],
                        a_letters,
                        b_letters,
                        letter_words(grid.scheme, a_letters),
                        letter_words(grid.scheme, b_letters),
                    )
                )
            return result_rows

        context.update(
            result=result,
            name_a=names[a],
            name_b=names[b],
            only_a=rows(result.only_a),
            only_b=rows(result.only_b),
            neither=rows(result.neither),
            shared=rows(tuple(row.task_id for row in result.shared)),
            # venn_svg escapes every piece of text it is given.
            venn=mark_safe(
                venn_svg(
                    a_label=a,
                    b_label=b,
                    only_a=len(result.only_a),
                    shared=len(result.shared),
                    only_b=len(result.only_b),
                    id_prefix="overlap-venn",
                )
            ),
        )
    return render(request, "insights/overlap.html", context)


@dataclass(frozen=True)
class HeatCell:
    value: str
    # 0-1: the value against the largest in its column; drives the background, the number is shown too.
    level: float

    @property
    def style(self) -> str:
        alpha = 0 if self.level <= 0 else 0.08 + 0.5 * self.level
        return f"background-color: rgba(36, 87, 197, {alpha:.2f})"


@dataclass(frozen=True)
class HeatRow:
    key: int
    label: str
    detail: str
    cells: tuple[HeatCell, ...]
    flags: tuple[str, ...]
    role_codes: tuple[str, ...] = ()


def _heat_rows(
    rows: list[tuple[int, str, str, list[float], tuple[str, ...], tuple[str, ...]]],
) -> list[HeatRow]:
    """Rows of numbers -> HeatRows with each cell's level against its column's maximum."""
    if not rows:
        return []
    columns = len(rows[0][3])
    maxima = [max(row[3][i] for row in rows) for i in range(columns)]
    return [
        HeatRow(
            key=key,
            label=label,
            detail=detail,
            cells=tuple(
                HeatCell(_number(value), round(value / maxima[i], 2) if maxima[i] > 0 else 0.0)
                for i, value in enumerate(values)
            ),
            flags=flags,
            role_codes=role_codes,
        )
        for key, label, detail, values, flags, role_codes in rows
    ]


@login_required
def matrix_workload(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    access, matrix, grid = _matrix_and_grid(request, org_slug, matrix_id)
    analysis = rules.analyse(grid)
    letters = grid.scheme.letters

    role_flags: dict[str, list[str]] = {}
    person_flags: dict[int, list[str]] = {}
    flagged = []
    for finding in analysis.findings:
        label = WORKLOAD_FLAGS.get(finding.code)
        if label is None:
            continue
        flagged.append((label, finding))
        if finding.code.startswith("person.") and finding.person_id is not None:
            person_flags.setdefault(finding.person_id, []).append(label)
        elif finding.role_code is not None:
            role_flags.setdefault(finding.role_code, []).append(label)

    role_ids = {role.code: role.id for role in grid.roles}
    role_rows = _heat_rows(
        [
            (
                role_ids[role.role_code],
                role.role_code,
                f"{role.role_name} · {role.holders} active {'holder' if role.holders == 1 else 'holders'}",
                [*(float(role.counts.get(letter.code, 0)) for letter in letters), role.tasks, role.load],
                tuple(role_flags.get(role.role_code, ())),
                (),
            )
            for role in analysis.workload.roles
        ]
    )
    # Heaviest share first, so the people the work piles up on lead the table.
    people = sorted(analysis.workload.people, key=lambda p: (-p.share, p.name, p.person_id))
    person_rows = _heat_rows(
        [
            (
                person.person_id,
                person.name,
                "",
                [*(float(person.counts.get(code.code, 0)) for code in letters), person.load, person.share],
                tuple(person_flags.get(person.person_id, ())),
                person.role_codes,
            )
            for person in people
        ]
    )
    return render(
        request,
        "insights/workload.html",
        _base_context(
            access,
            matrix=matrix,
            grid=grid,
            page="workload",
            letters=letters,
            role_rows=role_rows,
            person_rows=person_rows,
            role_ids=role_ids,
            flagged=flagged,
            health=analysis.health,
        ),
    )


_DIGITS = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class WhatIfChoice:
    """What the what-if form asked for, as typed, and the scenario steps it makes."""

    remove_person: str
    remove_role: str
    merge_source: str
    merge_target: str
    steps: tuple[dict[str, object], ...]
    descriptions: tuple[str, ...]
    errors: tuple[str, ...]


def _what_if_choice(params: QueryDict, grid: MatrixGrid) -> WhatIfChoice:
    """Read the form: remove a person, merge one role into another, remove a role (in that order)."""
    remove_person = params.get("remove_person", "").strip()[:MAX_CODE_LENGTH]
    remove_role = _code_param(params, "remove_role")
    source = _code_param(params, "merge_source")
    target = _code_param(params, "merge_target")
    names = {person.id: person.name for person in grid.people}
    steps: list[dict[str, object]] = []
    descriptions: list[str] = []
    errors: list[str] = []

    if remove_person:
        if _DIGITS.fullmatch(remove_person):
            person_id = int(remove_person)
            steps.append({"op": "remove_person", "person_id": person_id})
            descriptions.append(f"{names.get(person_id, f'person {person_id}')} leaves")
        else:
            errors.append(f"Choose a person from the list; “{remove_person}” is not one.")
    if source or target:
        if not (source and target):
            errors.append("To merge roles, choose both the role to merge and the role it merges into.")
        elif source == target:
            errors.append(f"Choose two different roles to merge; both are {source}.")
        else:
            steps.append({"op": "merge_role", "source": source, "target": target})
            descriptions.append(f"{source} is merged into {target}")
    if remove_role:
        if remove_role == source:
            errors.append(f"{remove_role} cannot be both merged and removed; choose one.")
        else:
            steps.append({"op": "remove_role", "role": remove_role})
            descriptions.append(f"role {remove_role} is removed")
    return WhatIfChoice(
        remove_person, remove_role, source, target, tuple(steps), tuple(descriptions), tuple(errors)
    )


@login_required
def matrix_what_if(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    access, matrix, grid = _matrix_and_grid(request, org_slug, matrix_id)
    choice = _what_if_choice(request.GET, grid)
    errors = list(choice.errors)
    result = None
    if choice.steps and not errors:
        try:
            result = rules.what_if(grid, rules.parse_scenario(choice.steps))
        except rules.AnalysisError as exc:
            errors.append(str(exc))

    scheme = grid.scheme
    responsible = scheme.order(scheme.responsible)
    return render(
        request,
        "insights/what_if.html",
        _base_context(
            access,
            matrix=matrix,
            grid=grid,
            page="what-if",
            choice=choice,
            errors=errors,
            result=result,
            # (value, name, role codes) for the person select.
            people_choices=[
                (str(person.id), person.name, ", ".join(sorted(person.role_codes)))
                for person in grid.people
                if person.active
            ],
            accountable_name=scheme.letter(scheme.accountable).name,
            responsible_name=" or ".join(scheme.letter(code).name for code in responsible),
        ),
    )
