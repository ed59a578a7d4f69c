"""Analyses of one matrix as pages: overlap of two roles, workload heatmap, what-if.

The what-if page computes on a copy of the grid and writes nothing; saving its proposal as a new
draft matrix is one POST that hands the grid to ``matrices.adoption.matrix_from_grid``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from orgs.access import Need, OrgAccess, require_org
from raci import rules
from raci.insights.svg import venn_svg
from raci.insights.views.common import MAX_CODE_LENGTH, base_context, letter_words, number_text
from raci.matrices.adoption import matrix_from_grid
from raci.matrices.models import Matrix
from raci.matrices.readings import READ_DRAFT, READ_PUBLISHED, matrix_read, publication_state
from raci.matrices.selectors import matrix_get
from raci.matrices.shortcuts import editor_url, error_text, matrix_for_page, page_reading, web_actor
from raci.rules.grid import MatrixGrid, TaskRow

# Findings the workload page marks on a row, with the words shown next to it.
WORKLOAD_FLAGS = {
    "role.bottleneck": "Bottleneck",
    "role.burnout": "Burnout risk",
    "person.overload": "Overloaded",
}


# --- Matrix analyses -------------------------------------------------------------------------


def _matrix_and_grid(
    request: HttpRequest, org_slug: str, matrix_id: int
) -> tuple[OrgAccess, Matrix, MatrixGrid, dict]:
    """The matrix as the page shows it — its published revision unless ``?view=`` says otherwise
    (a matrix never published: its draft, marked) — and what the publication banner needs."""
    access = require_org(request.user, org_slug)
    matrix = matrix_get(organization=access.organization, matrix_id=matrix_id)
    reading = page_reading(request, default=READ_PUBLISHED)
    grid, shown = matrix_read(matrix=matrix, reading=reading, fallback_to_draft=True)
    return access, matrix, grid, {"shown": shown, "publication": publication_state(matrix=matrix)}


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
    access, matrix, grid, shown = _matrix_and_grid(request, org_slug, matrix_id)
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

    context = base_context(
        access,
        matrix=matrix,
        grid=grid,
        page="overlap",
        **shown,
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


# Shades of the heat map: classes heat-0 (none) to heat-10 (deepest) in static/css/insights.css. Classes,
# not style attributes, which the Content-Security-Policy blocks.
HEAT_SHADES = 10


@dataclass(frozen=True)
class HeatCell:
    value: str
    # 0-1: the value against the largest in its column; drives the background, the number is shown too.
    level: float

    @property
    def shade(self) -> str:
        """The cell's class: heat-0 for nothing, else heat-1 (any value at all) to heat-10 (the largest)."""
        if self.level <= 0:
            return "heat-0"
        return f"heat-{min(HEAT_SHADES, max(1, round(self.level * HEAT_SHADES)))}"


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
                HeatCell(number_text(value), round(value / maxima[i], 2) if maxima[i] > 0 else 0.0)
                for i, value in enumerate(values)
            ),
            flags=flags,
            role_codes=role_codes,
        )
        for key, label, detail, values, flags, role_codes in rows
    ]


@login_required
def matrix_workload(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    access, matrix, grid, shown = _matrix_and_grid(request, org_slug, matrix_id)
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
        base_context(
            access,
            matrix=matrix,
            grid=grid,
            page="workload",
            **shown,
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
    access, matrix, grid, shown = _matrix_and_grid(request, org_slug, matrix_id)
    choice = _what_if_choice(request.GET, grid)
    errors = list(choice.errors)
    result = None
    if choice.steps and not errors:
        try:
            result = rules.what_if(grid, rules.parse_scenario(choice.steps))
        except rules.AnalysisError as exc:
            errors.append(str(exc))

    return _what_if_page(request, access, matrix, grid, shown, choice, errors, result)


def _what_if_page(
    request, access, matrix, grid, shown, choice, errors, result, *, status=200
) -> HttpResponse:
    scheme = grid.scheme
    responsible = scheme.order(scheme.responsible)
    return render(
        request,
        "insights/what_if.html",
        base_context(
            access,
            matrix=matrix,
            grid=grid,
            page="what-if",
            **shown,
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
            proposal_name=f"{matrix.name} (what-if)",
        ),
        status=status,
    )


@login_required
@require_POST
def matrix_what_if_save(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    """Save the what-if of the draft (with its proposal for who takes over, if any) as a new draft."""
    access, matrix = matrix_for_page(request, org_slug, matrix_id, Need.EDIT)
    # Always the draft: a proposal is a new draft, built from what editors are working on.
    grid, shown_draft = matrix_read(matrix=matrix, reading=READ_DRAFT)
    choice = _what_if_choice(request.POST, grid)
    errors = list(choice.errors) or ([] if choice.steps else ["Choose a change to save."])
    result = None
    if not errors:
        try:
            result = rules.what_if(grid, rules.parse_scenario(choice.steps))
            saved = matrix_from_grid(
                source=matrix,
                grid=result.proposed_grid or result.grid,
                name=request.POST.get("name", "").strip()[:200] or f"{matrix.name} (what-if)",
                actor=web_actor(request),
            )
        except (rules.AnalysisError, ValidationError) as exc:
            errors.append(error_text(exc))
        else:
            messages.success(request, f"Saved as the draft '{saved.name}'.")
            return redirect(editor_url(saved))
    shown = {"shown": shown_draft, "publication": publication_state(matrix=matrix)}
    return _what_if_page(request, access, matrix, grid, shown, choice, errors, result, status=400)
