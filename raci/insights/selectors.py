"""Reads for the who-does-what pages: a role across matrices, a task, and search.

Every function runs a fixed number of queries however large the organization's matrices
are; a single matrix is read with ``raci.matrices.selectors.matrix_grid_get``. Archived matrices and
archived tasks are left out, as in ``person_responsibilities`` below.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from frameworks.schemes import DEFAULT_SCHEME, SCHEMES, Scheme
from orgs.models import Organization, Person, Role
from orgs.teams import holders_resolved
from raci.matrices.models import Assignment, Matrix, Task
from raci.revisions.models import PublishedCell, PublishedTask


def scheme_for(key: str) -> Scheme:
    """The scheme ``key``; the default one for a value the database should never hold."""
    return SCHEMES.get(key) or SCHEMES[DEFAULT_SCHEME]


# --- Roles ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleCell:
    """The letters a role holds on one task of a live matrix."""

    matrix_id: int
    matrix_name: str
    scheme: str
    stage: str
    task_id: int
    task_name: str
    letters: str


def role_cells(*, role: Role, draft: bool = False) -> list[RoleCell]:
    """The letters ``role`` holds across its organization's matrices, one query: in each matrix's
    published revision, or with ``draft`` in every matrix's draft.

    Only matrices that show the role as a column count: a column removed in the editor keeps
    its cells stored, but they are no longer part of the matrix (as in ``matrix_grid_get``).
    Archived matrices are left out. Ordered by matrix name, then task order.
    """
    if not draft:
        rows = (
            PublishedCell.objects.filter(role=role, matrix__organization_id=role.organization_id)
            .exclude(matrix__status=Matrix.Status.ARCHIVED)
            .order_by("matrix__name", "matrix_id", "task__order", "task__task_id")
            .values_list(
                "matrix_id",
                "matrix__name",
                "matrix__scheme",
                "task__stage",
                "task__task_id",
                "task__name",
                "letters",
            )
        )
        return [RoleCell(*row) for row in rows]
    rows = (
        Assignment.objects.filter(
            role=role,
            task__archived=False,
            task__matrix__organization_id=role.organization_id,
            task__matrix__columns__role=role,
        )
        .exclude(task__matrix__status=Matrix.Status.ARCHIVED)
        .order_by("task__matrix__name", "task__matrix_id", "task__order", "task_id")
        .values_list(
            "task__matrix_id",
            "task__matrix__name",
            "task__matrix__scheme",
            "task__stage",
            "task_id",
            "task__name",
            "letters",
        )
    )
    return [RoleCell(*row) for row in rows]


def role_holders(*, role: Role) -> QuerySet[Person]:
    """People holding ``role`` (for the organization or for any team), each once, active ones first,
    by name."""
    return (
        Person.objects.filter(pk__in=role.holdings.values("person_id"))
        .order_by("-active", "name", "id")
        .only("id", "name", "active")
    )


def role_ids_by_code(*, organization: Organization) -> dict[str, int]:
    """Role code -> id for the organization, one query: pages link role codes to role pages."""
    return dict(Role.objects.filter(organization=organization).values_list("code", "id"))


def matrix_schemes(*, organization: Organization, matrix_ids: set[int]) -> dict[int, str]:
    """Matrix id -> scheme key, one query (none when ``matrix_ids`` is empty)."""
    if not matrix_ids:
        return {}
    return dict(
        Matrix.objects.filter(organization=organization, pk__in=matrix_ids).values_list("id", "scheme")
    )


# --- Tasks -----------------------------------------------------------------------------------


def task_get(*, matrix: Matrix, task_id: int) -> Task:
    """Task ``task_id`` of ``matrix``'s draft or 404; archived tasks too (the page says so)."""
    return get_object_or_404(Task, pk=task_id, matrix=matrix)


@dataclass(frozen=True)
class ShownTask:
    """A task as a revision shows it. ``absent``: the draft has the task, the revision does not."""

    pk: int
    name: str
    stage: str
    description: str
    archived: bool = False
    absent: bool = False

    @property
    def id(self) -> int:
        return self.pk


def published_task_get(*, matrix: Matrix, task_id: int, revision: int, grid) -> ShownTask:
    """Task ``task_id`` as revision ``revision`` (loaded as ``grid``) shows it; a task only the draft
    has is returned ``absent`` (the page says so); one neither has is a 404."""
    row = next((t for t in grid.tasks if t.id == task_id), None)
    if row is not None:
        # The description is not frozen in the snapshot; the published read model keeps it.
        description = (
            PublishedTask.objects.filter(matrix=matrix, task_id=task_id)
            .values_list("description", flat=True)
            .first()
            if matrix.published_revision and matrix.published_revision.number == revision
            else None
        )
        if description is None:
            description = (
                Task.objects.filter(matrix=matrix, pk=task_id).values_list("description", flat=True).first()
            )
        return ShownTask(pk=row.id, name=row.name, stage=row.stage, description=description or "")
    draft = get_object_or_404(Task, pk=task_id, matrix=matrix)
    return ShownTask(
        pk=draft.pk, name=draft.name, stage=draft.stage, description=draft.description, absent=True
    )


# --- Search ----------------------------------------------------------------------------------

# Words of a question that say nothing about what is asked for: "who owns pricing?" -> "pricing".
# fmt: off
FILLER_WORDS = frozenset({
    "a", "about", "an", "and", "are", "as", "at", "by", "can", "could", "do", "does", "doing", "done",
    "for", "from", "has", "have", "how", "i", "in", "is", "me", "my", "of", "on", "or",
    "our", "own", "owner", "owners", "owns", "please", "should", "that", "the", "their", "them", "they",
    "this", "to", "we", "what", "whats", "when", "where", "which", "who", "whom", "whose", "whos",
    "why", "will", "with", "would", "you", "your", "accountable", "responsible", "consulted",
    "informed", "responsibility",
})
# fmt: on
# Bounds so a pasted essay cannot turn into a huge query.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
SEARCH_LIMIT = 50


def search_terms(query: str) -> list[str]:
    """The words of ``query`` worth matching, lower-cased, without filler and punctuation.

    When every word is filler ("who?"), those words are searched for after all.
    """
    words = []
    for raw in query[:MAX_QUERY_LENGTH].split():
        word = raw.strip("?!.,;:\"'()[]{}“”‘’«»").casefold()
        word = re.sub(r"['’]s$", "", word)
        if word and word not in words:
            words.append(word)
    meaningful = [word for word in words if word.replace("'", "").replace("’", "") not in FILLER_WORDS]
    return (meaningful or words)[:MAX_TERMS]


def _all_terms(terms: list[str], *fields: str) -> Q:
    """Every term appears in one of ``fields`` (case-insensitive)."""
    condition = Q()
    for term in terms:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        condition &= any_field
    return condition


@dataclass(frozen=True)
class TaskHit:
    id: int
    name: str
    stage: str
    description: str
    matrix_id: int
    matrix_name: str
    # Role codes holding the matrix scheme's accountable letter on the task.
    accountable: tuple[str, ...]


@dataclass(frozen=True)
class RoleHit:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class PersonHit:
    id: int
    name: str
    email: str
    active: bool
    role_codes: tuple[str, ...]


@dataclass(frozen=True)
class SearchResults:
    query: str
    terms: tuple[str, ...]
    tasks: list[TaskHit] = field(default_factory=list)
    roles: list[RoleHit] = field(default_factory=list)
    people: list[PersonHit] = field(default_factory=list)
    # Each list was cut at ``limit``: there are more.
    more_tasks: bool = False
    more_roles: bool = False
    more_people: bool = False
    limit: int = SEARCH_LIMIT

    @property
    def count(self) -> int:
        return len(self.tasks) + len(self.roles) + len(self.people)


def organization_search(
    *, organization: Organization, query: str, limit: int = SEARCH_LIMIT, draft: bool = False
) -> SearchResults:
    """Tasks (name or description; of each matrix's published revision, or with ``draft`` of its
    draft; archived matrices left out), roles (code or name) and people (name or
    email) matching every meaningful word of ``query``. At most ``limit`` of each.

    Queries: (1) tasks, (2) the tasks' cells for their accountable roles, (3) roles,
    (4) people, (5) the people's roles; none for an empty query.
    """
    terms = search_terms(query)
    if not terms:
        return SearchResults(query=query, terms=(), limit=limit)

    if draft:
        tasks_found = Task.objects.filter(matrix__organization=organization, archived=False).values_list(
            "id", "name", "stage", "description", "matrix_id", "matrix__name", "matrix__scheme", "id"
        )
    else:
        tasks_found = PublishedTask.objects.filter(matrix__organization=organization).values_list(
            "task_id", "name", "stage", "description", "matrix_id", "matrix__name", "matrix__scheme", "id"
        )
    task_rows = list(
        tasks_found.exclude(matrix__status=Matrix.Status.ARCHIVED)
        .filter(_all_terms(terms, "name", "description"))
        .order_by("matrix__name", "matrix_id", "order", "id")[: limit + 1]
    )
    more_tasks = len(task_rows) > limit
    task_rows = task_rows[:limit]
    accountable: dict[int, list[str]] = {}
    if task_rows:
        # Keyed by the row's own id (a published task's differs from the draft task's id).
        scheme_by_row = {row[7]: scheme_for(row[6]) for row in task_rows}
        for row_id, code, letters in _task_cells(scheme_by_row, draft=draft):
            if scheme_by_row[row_id].accountable in letters:
                accountable.setdefault(row_id, []).append(code)
    tasks = [
        TaskHit(
            id=task_id,
            name=name,
            stage=stage,
            description=description,
            matrix_id=matrix_id,
            matrix_name=matrix_name,
            accountable=tuple(accountable.get(row_id, ())),
        )
        for task_id, name, stage, description, matrix_id, matrix_name, _scheme, row_id in task_rows
    ]

    role_rows = list(
        Role.objects.filter(organization=organization)
        .filter(_all_terms(terms, "code", "name"))
        .order_by("order", "code")
        .values_list("id", "code", "name")[: limit + 1]
    )
    roles = [RoleHit(*row) for row in role_rows[:limit]]

    person_rows = list(
        Person.objects.filter(organization=organization)
        .filter(_all_terms(terms, "name", "email"))
        .order_by("name", "id")
        .values_list("id", "name", "email", "active")[: limit + 1]
    )
    held: dict[int, list[str]] = {}
    if person_rows:
        for person_id, code in (
            Person.roles.through.objects.filter(person_id__in=[row[0] for row in person_rows[:limit]])
            .order_by("role__order", "role__code")
            .values_list("person_id", "role__code")
        ):
            held.setdefault(person_id, []).append(code)
    people = [
        PersonHit(id=pk, name=name, email=email, active=active, role_codes=tuple(held.get(pk, ())))
        for pk, name, email, active in person_rows[:limit]
    ]

    return SearchResults(
        query=query,
        terms=tuple(terms),
        tasks=tasks,
        roles=roles,
        people=people,
        more_tasks=more_tasks,
        more_roles=len(role_rows) > limit,
        more_people=len(person_rows) > limit,
        limit=limit,
    )


# --- People -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Responsibility:
    matrix_id: int
    matrix_name: str
    stage: str
    task_id: int
    task_name: str
    role: str
    letters: str
    # The other roles holding letters on the same task: (role code, letters).
    co_owners: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict:
        return {
            "matrix": {"id": self.matrix_id, "name": self.matrix_name},
            "stage": self.stage,
            "task": {"id": self.task_id, "name": self.task_name},
            "role": self.role,
            "letters": self.letters,
            "co_owners": [{"role": code, "letters": letters} for code, letters in self.co_owners],
        }


def _shown(assignments):
    """Cells of roles that are still columns of their matrix (removing a column keeps its cells stored)."""
    return assignments.filter(role__columns__matrix=F("task__matrix"))


def _task_cells(task_ids, *, draft: bool):
    """(task id, role code, letters) of the tasks ``task_ids`` (ids or a subquery), in column order:
    of the draft (columns still shown) or of the published read model, whose task ids these are."""
    if draft:
        return (
            _shown(Assignment.objects)
            .filter(task_id__in=task_ids)
            .order_by("role__columns__order", "role__code")
            .values_list("task_id", "role__code", "letters")
        )
    return (
        PublishedCell.objects.filter(task_id__in=task_ids)
        .order_by("column")
        .values_list("task_id", "role_code", "letters")
    )


def person_responsibilities(*, person: Person, draft: bool = False) -> list[Responsibility]:
    """Every letter ``person`` carries through the roles they hold, across the organization's
    matrices — their published revisions, or with ``draft`` their drafts (archived matrices and
    tasks left out) — with the task's co-owners. Five queries at most."""
    return people_responsibilities(people=[person], draft=draft).get(person.pk, [])


def people_responsibilities(
    *, people: list[Person], draft: bool = False, matrix_ids: Collection[int] | None = None
) -> dict[int, list[Responsibility]]:
    """``person_responsibilities`` for several people at once (of any organizations), by person id:
    five queries whatever their number ("my responsibilities" reads every person a user is): the
    holdings, the cells, the co-owners, and who each role resolves to in each matrix's team (the
    teams' paths only when a matrix belongs to one). ``matrix_ids``: only those matrices (a page
    of "my responsibilities")."""
    if not people or (matrix_ids is not None and not matrix_ids):
        return {}
    held: dict[int, list[int]] = {}
    # Distinct: a person may hold a role for the organization and for a team or two.
    for person_id, role_id in (
        Person.roles.through.objects.filter(person__in=people).values_list("person_id", "role_id").distinct()
    ):
        held.setdefault(role_id, []).append(person_id)
    organization_of = {person.pk: person.organization_id for person in people}
    if draft:
        mine = (
            _shown(Assignment.objects)
            .filter(role_id__in=held, task__archived=False)
            .exclude(task__matrix__status=Matrix.Status.ARCHIVED)
            .values_list(
                "task_id",
                "task__name",
                "task__stage",
                "task__order",
                "task__matrix_id",
                "task__matrix__name",
                "role__code",
                "letters",
                "role_id",
                "task__matrix__organization_id",
                "task__matrix__team_id",
            )
        )
    else:
        mine = (
            PublishedCell.objects.filter(role_id__in=held)
            .exclude(matrix__status=Matrix.Status.ARCHIVED)
            .values_list(
                "task_id",
                "task__name",
                "task__stage",
                "task__order",
                "matrix_id",
                "matrix__name",
                "role_code",
                "letters",
                "role_id",
                "matrix__organization_id",
                "task__task_id",
                "matrix__team_id",
            )
        )
    if matrix_ids is not None:
        mine = mine.filter(**{"task__matrix_id__in" if draft else "matrix_id__in": list(matrix_ids)})
    # Matrix by name, then task order: in the database, which sorts faster than Python rebuilds rows.
    if draft:
        mine = mine.order_by("task__matrix__name", "task__matrix_id", "task__order", "task_id", "role__code")
    else:
        mine = mine.order_by("matrix__name", "matrix_id", "task__order", "task_id", "role_code")
    # The co-owners' tasks as a subquery of the cells alone (no joins: a task of an archived matrix
    # is only looked up, never shown): thousands of task ids never travel as parameters.
    task_ids = (Assignment if draft else PublishedCell).objects.filter(role_id__in=held)
    if matrix_ids is not None:
        task_ids = task_ids.filter(**{"task__matrix_id__in" if draft else "matrix_id__in": list(matrix_ids)})
    task_ids = task_ids.values("task_id")
    mine = list(mine)
    others: dict[int, list[tuple[str, str]]] = {}
    for task_id, code, letters in _task_cells(task_ids, draft=draft):
        others.setdefault(task_id, []).append((code, letters))
    # A role held for a team counts in the matrices whose columns resolve to the person: Ben, PM of
    # the mobile app, owns the mobile matrix's PM cells, not the web matrix's (orgs.teams).
    resolved, _ = holders_resolved(role_ids=set(held), scopes={row[-1] for row in mine})
    doing = {key: set(holders.person_ids) for key, holders in resolved.items()}
    found: dict[int, list[Responsibility]] = {}
    for row in mine:
        task_id, task_name, stage, _order, matrix_id, matrix_name, code, letters, role_id, organization_id = (
            row[:10]
        )
        responsibility = Responsibility(
            matrix_id=matrix_id,
            matrix_name=matrix_name,
            stage=stage,
            task_id=row[10] if not draft else task_id,
            task_name=task_name,
            role=code,
            letters=letters,
            co_owners=tuple(pair for pair in others.get(task_id, []) if pair[0] != code),
        )
        does = doing.get((row[-1], role_id), set())
        for person_id in held.get(role_id, ()):
            if organization_of[person_id] == organization_id and person_id in does:
                found.setdefault(person_id, []).append(responsibility)
    return found


# --- Pages of responsibilities ----------------------------------------------------------------
#
# A person or a role may carry thousands of letters. Their pages and the API read them a page at a
# time, by keyset: the position of the last task shown in the pages' order (matrix name, matrix id,
# task order, task id) is the cursor, so page 50 costs what page 1 does (no OFFSET) and a page is
# bounded even when every letter is in one matrix (pages by matrix would not be).

PAGE_SIZE = 200
MAX_PAGE_SIZE = 500


class CursorInvalid(ValueError):
    """A cursor that was not made by ``cursor_encode`` (tampered with, or truncated)."""


def cursor_encode(key: tuple, *, before: bool = False) -> str:
    """An opaque cursor for the position ``key`` (matrix name, matrix id, task order, task id):
    the page after it, or with ``before`` the page before it."""
    raw = json.dumps(["b" if before else "a", *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(value: str) -> tuple[bool, tuple[str, int, int, int]]:
    """(before, key) of a cursor from ``cursor_encode``; ``CursorInvalid`` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        direction, name, matrix_id, order, task_id = json.loads(raw)
    except (ValueError, TypeError) as error:
        raise CursorInvalid("This page link is not valid; start from the first page.") from error
    if (
        direction not in ("a", "b")
        or not isinstance(name, str)
        or not all(type(n) is int and 0 <= n < 2**63 for n in (matrix_id, order, task_id))
    ):
        raise CursorInvalid("This page link is not valid; start from the first page.")
    return direction == "b", (name, matrix_id, order, task_id)


def _beyond(fields: tuple[str, ...], key: tuple, *, before: bool) -> Q:
    """Rows strictly after ``key`` in the order of ``fields`` (before it, with ``before``)."""
    op = "lt" if before else "gt"
    q = Q(**{f"{fields[-1]}__{op}": key[-1]})
    for name, value in zip(reversed(fields[:-1]), reversed(key[:-1]), strict=True):
        q = Q(**{f"{name}__{op}": value}) | (Q(**{name: value}) & q)
    return q


@dataclass(frozen=True)
class Page:
    """One page of rows and the cursors of the pages around it (None: there is none)."""

    items: list
    next: str | None
    previous: str | None


def _page_of(
    rows: list, key_of, *, size: int, cursor: str | None, before: bool
) -> tuple[list, str | None, str | None]:
    """Cut ``size`` rows out of ``size + 1`` fetched in the page's direction; the cursors around."""
    more = len(rows) > size
    rows = rows[:size]
    if before:
        rows.reverse()
    if not rows:
        return rows, None, None
    has_next = more if not before else True
    has_previous = more if before else cursor is not None
    return (
        rows,
        cursor_encode(key_of(rows[-1])) if has_next else None,
        cursor_encode(key_of(rows[0]), before=True) if has_previous else None,
    )


def _direction(cursor: str | None) -> tuple[bool, tuple | None]:
    return cursor_decode(cursor) if cursor else (False, None)


def role_cells_page(
    *, role: Role, draft: bool = False, cursor: str | None = None, size: int = PAGE_SIZE
) -> Page:
    """``role_cells`` a page at a time (``PAGE_SIZE`` tasks), one query whatever the page."""
    before, key = _direction(cursor)
    if not draft:
        fields = ("matrix__name", "matrix_id", "task__order", "task__task_id")
        rows = PublishedCell.objects.filter(role=role, matrix__organization_id=role.organization_id).exclude(
            matrix__status=Matrix.Status.ARCHIVED
        )
        values = ("matrix_id", "matrix__name", "matrix__scheme", "task__stage", "task__task_id", "task__name")
        order = ("task__order",)
    else:
        fields = ("task__matrix__name", "task__matrix_id", "task__order", "task_id")
        rows = Assignment.objects.filter(
            role=role,
            task__archived=False,
            task__matrix__organization_id=role.organization_id,
            task__matrix__columns__role=role,
        ).exclude(task__matrix__status=Matrix.Status.ARCHIVED)
        values = (
            "task__matrix_id",
            "task__matrix__name",
            "task__matrix__scheme",
            "task__stage",
            "task_id",
            "task__name",
        )
        order = ("task__order",)
    if key is not None:
        rows = rows.filter(_beyond(fields, key, before=before))
    ordering = [f"-{f}" for f in fields] if before else list(fields)
    found = list(rows.order_by(*ordering).values_list(*values, "letters", *order)[: size + 1])
    cells, following, preceding = _page_of(
        found, lambda r: (r[1], r[0], r[7], r[4]), size=size, cursor=cursor, before=before
    )
    return Page([RoleCell(*row[:7]) for row in cells], following, preceding)


def person_responsibilities_page(
    *, person: Person, draft: bool = False, cursor: str | None = None, size: int = PAGE_SIZE
) -> Page:
    """``person_responsibilities`` a page at a time: the person's letters on ``size`` tasks (each
    task once, with every role of theirs on it) and the task's co-owners, in the same order.

    Queries, whatever the number of responsibilities or the page: the roles held, the teams of the
    organization's matrices, who each role resolves to in them (``orgs.teams``: the teams' paths
    when a matrix belongs to one, the holdings), the page's tasks (keyset, ``size + 1`` rows), and
    every cell of those tasks (the person's own and the co-owners', bounded by the page)."""
    before, key = _direction(cursor)
    held = set(Person.roles.through.objects.filter(person=person).values_list("role_id", flat=True))
    if not held:
        return Page([], None, None)
    scopes = set(
        Matrix.objects.filter(organization_id=person.organization_id)
        .values_list("team_id", flat=True)
        .distinct()
    )
    resolved, _ = holders_resolved(role_ids=held, scopes=scopes)
    doing = {pair for pair, holders in resolved.items() if person.pk in holders.person_ids}
    if not doing:
        return Page([], None, None)
    prefix = "task__matrix__" if draft else "matrix__"
    allowed = Q()
    for role_id in {role_id for _, role_id in doing}:
        teams = [scope for scope, r in doing if r == role_id and scope is not None]
        where = Q(**{f"{prefix}team_id__in": teams}) if teams else Q(pk__in=[])
        if (None, role_id) in doing:
            where |= Q(**{f"{prefix}team__isnull": True})
        allowed |= Q(role_id=role_id) & where
    if draft:
        fields = ("task__matrix__name", "task__matrix_id", "task__order", "task_id")
        rows = (
            _shown(Assignment.objects)
            .filter(allowed, task__archived=False, task__matrix__organization_id=person.organization_id)
            .exclude(task__matrix__status=Matrix.Status.ARCHIVED)
        )
        extra = ("task__name", "task__stage", "task_id", "task__matrix__team_id")
    else:
        fields = ("matrix__name", "matrix_id", "task__order", "task__task_id")
        rows = PublishedCell.objects.filter(allowed, matrix__organization_id=person.organization_id).exclude(
            matrix__status=Matrix.Status.ARCHIVED
        )
        extra = ("task__name", "task__stage", "task_id", "matrix__team_id")
    if key is not None:
        rows = rows.filter(_beyond(fields, key, before=before))
    ordering = [f"-{f}" for f in fields] if before else list(fields)
    found = list(rows.values_list(*fields, *extra).order_by(*ordering).distinct()[: size + 1])
    tasks, following, preceding = _page_of(found, lambda r: r[:4], size=size, cursor=cursor, before=before)
    if not tasks:
        return Page([], None, None)
    row_ids = [row[6] for row in tasks]
    cells: dict[int, list[tuple[int | None, str, str]]] = {}
    if draft:
        on_tasks = (
            _shown(Assignment.objects)
            .filter(task_id__in=row_ids)
            .order_by("task_id", "role__columns__order", "role__code")
            .values_list("task_id", "role_id", "role__code", "letters")
        )
    else:
        on_tasks = (
            PublishedCell.objects.filter(task_id__in=row_ids)
            .order_by("task_id", "column")
            .values_list("task_id", "role_id", "role_code", "letters")
        )
    for row_id, role_id, code, letters in on_tasks:
        cells.setdefault(row_id, []).append((role_id, code, letters))
    items: list[Responsibility] = []
    for matrix_name, matrix_id, _order, task_id, task_name, stage, row_id, team_id in tasks:
        on_task = cells.get(row_id, [])
        for role_id, code, letters in on_task:
            if (team_id, role_id) in doing:
                items.append(
                    Responsibility(
                        matrix_id=matrix_id,
                        matrix_name=matrix_name,
                        stage=stage,
                        task_id=task_id,
                        task_name=task_name,
                        role=code,
                        letters=letters,
                        co_owners=tuple((c, lt) for _r, c, lt in on_task if c != code),
                    )
                )
    return Page(items, following, preceding)
