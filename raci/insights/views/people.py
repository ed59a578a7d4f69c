"""Who does what: a person's, a role's and a task's page (read-only)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.html import escape

from frameworks.schemes import Scheme
from orgs.access import require_org
from orgs.models import Person, Role
from raci import rules
from raci.discussion.selectors import ALL, threads_filtered
from raci.insights.selectors import (
    CursorInvalid,
    Responsibility,
    matrix_schemes,
    person_responsibilities_page,
    published_task_get,
    role_cells_page,
    role_holders,
    role_ids_by_code,
    scheme_for,
    task_get,
)
from raci.insights.views.common import base_context, letter_words
from raci.matrices.readings import READ_PUBLISHED, matrix_read, publication_state
from raci.matrices.selectors import matrix_get, matrix_grid_get
from raci.matrices.shortcuts import page_reading, pages_show_drafts
from raci.revisions.selectors import acknowledgement_status
from raci.rules.grid import MatrixGrid, PersonEntry, RoleColumn

# How a role's letters read as a heading on the role page: "Accountable for", "Consulted on".
# --- Person ----------------------------------------------------------------------------------

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


@dataclass
class PersonTask:
    id: int
    name: str
    # The task's page.
    url: str = ""
    # (role code, role id, letters, letters in words) for each of the person's roles on the task.
    mine: list[tuple[str, int | None, str, str]] = field(default_factory=list)
    # (role code, role id, letters) of the other roles on the task.
    co_owners: list[tuple[str, int | None, str]] = field(default_factory=list)
    # The person's letters and the co-owners as HTML, built once in Python (a template include per
    # co-owner cost most of a page of 5,000 tasks).
    mine_html: str = ""
    co_owners_html: str = ""


@dataclass
class StageGroup:
    name: str
    tasks: list[PersonTask] = field(default_factory=list)


@dataclass
class MatrixGroup:
    id: int
    name: str
    stages: list[StageGroup] = field(default_factory=list)


class Links:
    """URLs of one organization's role and task pages, built from one ``reverse()`` each: pages
    listing thousands of tasks and co-owners would otherwise reverse a URL per link."""

    def __init__(self, org_slug: str, *, drafts: bool = False):
        self._role = reverse("role-detail", args=[org_slug, 0]).removesuffix("0/")
        self._task = reverse("task-detail", args=[org_slug, 0, 0]).removesuffix("0/t/0/")
        self._view = "?view=draft" if drafts else ""

    def role(self, role_id: int) -> str:
        return f"{self._role}{role_id}/"

    def task(self, matrix_id: int, task_id: int) -> str:
        return f"{self._task}{matrix_id}/t/{task_id}/{self._view}"

    def role_code(self, code: str, role_id: int | None) -> str:
        """A role's code linked to its page (plain when the role is gone), escaped."""
        if role_id is None:
            return escape(code)
        return f'<a href="{self.role(role_id)}">{escape(code)}</a>'


def _group_responsibilities(
    responsibilities: list[Responsibility],
    schemes: dict[int, str],
    role_ids: dict[str, int],
    links: Links | None = None,
    *,
    several_roles: bool = False,
) -> tuple[list[MatrixGroup], int]:
    """Rows of ``person_responsibilities`` -> matrices -> stages -> tasks, one entry per task
    however many of the person's roles are on it; and the number of tasks. With ``links``, each
    task also gets its URL and its letters and co-owners as HTML (``several_roles``: say which of
    the person's roles each letter comes through)."""
    matrices: dict[int, MatrixGroup] = {}
    stages: dict[tuple[int, str], StageGroup] = {}
    tasks: dict[int, PersonTask] = {}
    co_owners: dict[int, dict[str, str]] = {}
    matrix_of: dict[int, int] = {}
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
            matrix_of[row.task_id] = row.matrix_id
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
        if links is not None:
            task.url = links.task(matrix_of[task.id], task.id)
            task.mine_html = "; ".join(
                f'<span class="letters">{escape(slashed(letters))}</span> {escape(words)}'
                + (f" as {links.role_code(code, role_id)}" if several_roles else "")
                for code, role_id, letters, words in task.mine
            )
            task.co_owners_html = (
                "— with "
                + ", ".join(
                    f"{links.role_code(code, role_id)}: {escape(slashed(letters))}"
                    for code, role_id, letters in task.co_owners
                )
                if task.co_owners
                else "— nobody else"
            )
    return list(matrices.values()), len(tasks)


def slashed(letters: str) -> str:
    """ "AR" -> "A/R", as the ``slashed`` template filter writes letters."""
    return "/".join(letters)


def _cursor(request: HttpRequest) -> str | None:
    return request.GET.get("cursor") or None


@login_required
def person_detail(request: HttpRequest, org_slug: str, person_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug)
    organization = access.organization
    person = get_object_or_404(Person, pk=person_id, organization=organization)
    # Each role once, whether held for the organization, for a team, or both.
    roles = list(person.roles.order_by("order", "code").values_list("id", "code", "name").distinct())
    drafts = pages_show_drafts(request)
    try:
        page = person_responsibilities_page(person=person, draft=drafts, cursor=_cursor(request))
    except CursorInvalid as error:
        return HttpResponseBadRequest(str(error))
    responsibilities = page.items
    schemes = matrix_schemes(organization=organization, matrix_ids={r.matrix_id for r in responsibilities})
    matrices, task_count = _group_responsibilities(
        responsibilities,
        schemes,
        role_ids_by_code(organization=organization),
        Links(organization.slug, drafts=drafts),
        several_roles=len(roles) > 1,
    )
    acknowledgements = acknowledgement_status(person=person, matrix_ids={m.id for m in matrices})
    return render(
        request,
        "insights/person_detail.html",
        base_context(
            access,
            person=person,
            roles=roles,
            matrices=matrices,
            task_count=task_count,
            page=page,
            acknowledgements=acknowledgements,
            is_me=person.user_id is not None and person.user_id == request.user.pk,
            drafts=drafts,
        ),
    )


# --- Role ------------------------------------------------------------------------------------


@dataclass
class LetterGroup:
    code: str
    name: str
    phrase: str
    # (the task page's URL, task name, stage, the role's letters on the task)
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
    drafts = pages_show_drafts(request)
    try:
        page = role_cells_page(role=role, draft=drafts, cursor=_cursor(request))
    except CursorInvalid as error:
        return HttpResponseBadRequest(str(error))
    links = Links(access.organization.slug, drafts=drafts)
    for cell in page.items:
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
            group.tasks.append(
                (links.task(cell.matrix_id, cell.task_id), cell.task_name, cell.stage, cell.letters)
            )
    for matrix in matrices:
        matrix.groups = [group for group in matrix.groups if group.tasks]

    return render(
        request,
        "insights/role_detail.html",
        base_context(
            access,
            role=role,
            active_holders=[p for p in holders if p.active],
            inactive_holders=[p for p in holders if not p.active],
            matrices=matrices,
            page=page,
            drafts=drafts,
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
    reading = page_reading(request, default=READ_PUBLISHED)
    grid, shown = matrix_read(matrix=matrix, reading=reading, fallback_to_draft=True)
    if shown.draft:
        task = task_get(matrix=matrix, task_id=task_id)
        if task.archived:
            # An archived task is not part of the draft's grid; load it with the archived ones.
            grid = matrix_grid_get(matrix=matrix, include_archived=True)
    else:
        task = published_task_get(matrix=matrix, task_id=task_id, revision=shown.revision, grid=grid)
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
    absent = getattr(task, "absent", False)
    findings = [] if task.archived or absent else [f for f in rules.evaluate(grid) if f.task_id == task.pk]

    return render(
        request,
        "insights/task_detail.html",
        base_context(
            access,
            matrix=matrix,
            grid=grid,
            task=task,
            duties=duties,
            on_task=on_task,
            findings=findings,
            page="task",
            absent=absent,
            shown=shown,
            publication=publication_state(matrix=matrix),
            threads=list(threads_filtered(matrix=matrix, state=ALL, task_id=task.pk)),
        ),
    )
