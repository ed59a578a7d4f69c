"""Reads of matrices that pages, endpoints, exports and the rules engine depend on.

``matrix_grid_get`` is the one loader of a matrix: five queries whatever the
matrix's size, returning the plain ``MatrixGrid`` every consumer reads;
``matrix_grids_get`` is the same loader for all of an organization's matrices at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from frameworks.schemes import get_scheme
from orgs.models import Organization, Person, Team
from orgs.teams import holders_resolved, lineages, team_label
from raci.matrices.models import Assignment, Matrix, MatrixRole, Task
from raci.rules.grid import MatrixGrid, PersonEntry, RoleColumn, RuleSettings, TaskRow, collector_paused

# Loading a matrix brings its published revision's header (number, date, publisher), never the
# revision's snapshot, which can weigh a megabyte.
PUBLISHED_RELATED = ("published_revision__published_by",)
PUBLISHED_DEFERRED = ("published_revision__snapshot",)


def matrices_for_organization(*, organization: Organization) -> QuerySet[Matrix]:
    return (
        Matrix.objects.filter(organization=organization)
        .select_related("organization", *PUBLISHED_RELATED)
        .defer(*PUBLISHED_DEFERRED)
        .order_by("name")
    )


def matrix_grid_get(*, matrix: Matrix, include_archived: bool = False, people: bool = True) -> MatrixGrid:
    """Load ``matrix`` as a ``MatrixGrid``.

    Queries: (1) the role columns, (2) the tasks, (3) the cells, (4–6) the people behind the
    columns (``column_people``: the team's path, the holdings, the people) — and (7) the number
    of active people when the organization has no headcount (a matrix of the whole organization
    skips the path: one query fewer). The organization comes from ``matrix.organization``; pass a
    matrix loaded with ``select_related("organization")`` to avoid another. Reads that show
    only letters (the grid document, exports, comparisons) pass ``people=False``: queries 4–6 are
    skipped, and the cost no longer depends on the size of the organization.
    """
    return matrix_grids_get(matrices=[matrix], include_archived=include_archived, people=people)[matrix.pk]


def matrix_grids_get(
    *, matrices: Sequence[Matrix], include_archived: bool = False, people: bool = True
) -> dict[int, MatrixGrid]:
    """Load several matrices of one organization at once: the same queries as one matrix,
    whatever the number or size of the matrices (the organization home shows every matrix's health)."""
    if not matrices:
        return {}
    with collector_paused():  # 50,000 cells are 50,000 tuples that live as long as the request
        return _grids_get(matrices, include_archived=include_archived, people=people)


def _grids_get(matrices: Sequence[Matrix], *, include_archived: bool, people: bool) -> dict[int, MatrixGrid]:
    organization = matrices[0].organization
    if any(m.organization_id != organization.pk for m in matrices):
        raise ValueError("matrix_grids_get loads matrices of one organization at a time.")
    ids = [m.pk for m in matrices]

    roles: dict[int, list[RoleColumn]] = {pk: [] for pk in ids}
    code_by_role: dict[int, dict[int, str]] = {pk: {} for pk in ids}
    for matrix_id, role_id, code, name in (
        MatrixRole.objects.filter(matrix_id__in=ids)
        .order_by("matrix_id", "order", "id")
        .values_list("matrix_id", "role_id", "role__code", "role__name")
    ):
        roles[matrix_id].append(RoleColumn(id=role_id, code=code, name=name))
        code_by_role[matrix_id][role_id] = code

    task_rows = Task.objects.filter(matrix_id__in=ids)
    if not include_archived:
        task_rows = task_rows.filter(archived=False)
    tasks: dict[int, list[TaskRow]] = {pk: [] for pk in ids}
    matrix_of_task: dict[int, int] = {}
    for pk, matrix_id, name, stage, order in task_rows.order_by("matrix_id", "order", "id").values_list(
        "id", "matrix_id", "name", "stage", "order"
    ):
        tasks[matrix_id].append(TaskRow(id=pk, name=name, stage=stage, order=order))
        matrix_of_task[pk] = matrix_id

    cells: dict[int, dict[tuple[int, str], str]] = {pk: {} for pk in ids}
    for task_id, role_id, letters in Assignment.objects.filter(task__matrix_id__in=ids).values_list(
        "task_id", "role_id", "letters"
    ):
        matrix_id = matrix_of_task.get(task_id)
        # Cells of archived tasks and of roles no longer shown stay stored but are not part of the grid.
        if matrix_id is not None and role_id in code_by_role[matrix_id]:
            cells[matrix_id][(task_id, code_by_role[matrix_id][role_id])] = letters

    holders: dict[int | None, tuple[PersonEntry, ...]] = {}
    headcount = organization.headcount
    scopes = teams_in_scope(organization, {m.team_id for m in matrices}) if people else TeamScopes()
    if people:
        scoped_columns: dict[int | None, dict[int, str]] = {}
        for matrix in matrices:
            scoped_columns.setdefault(matrix.team_id, {}).update(code_by_role[matrix.pk])
        holders = column_people(columns=scoped_columns, lineage=scopes.lineage)
        headcount = organization_headcount(organization)
    return {
        matrix.pk: MatrixGrid(
            id=matrix.pk,
            name=matrix.name,
            version=matrix.version,
            scheme=get_scheme(matrix.scheme),
            roles=tuple(roles[matrix.pk]),
            tasks=tuple(tasks[matrix.pk]),
            cells=cells[matrix.pk],
            people=_of_columns(holders.get(matrix.team_id, ()), roles[matrix.pk]),
            settings=rule_settings_of(matrix, organization),
            headcount=headcount,
            team=scopes.labels.get(matrix.team_id, ""),
        )
        for matrix in matrices
    }


def rule_settings_of(matrix: Matrix, organization: Organization) -> RuleSettings:
    """The thresholds a matrix is judged by: its own ``rule_settings`` (set by hand, or copied from
    its framework at adoption: a framework's ``split_pairs``) over its organization's (the split
    pairs owners declare in settings) over the defaults. No query: the organization is loaded."""
    return RuleSettings.from_overrides({**organization.rule_settings, **matrix.rule_settings})


def _of_columns(people: tuple[PersonEntry, ...], columns: list[RoleColumn]) -> tuple[PersonEntry, ...]:
    """Matrices of one scope share one resolution; each keeps the people of its own columns."""
    codes = {column.code for column in columns}
    return tuple(person for person in people if person.role_codes & codes)


@dataclass(frozen=True)
class TeamScopes:
    """The teams some matrices belong to: each one's lineage (ids from the root) and label."""

    lineage: dict[int | None, list[int]] = field(default_factory=lambda: {None: []})
    labels: dict[int | None, str] = field(default_factory=dict)


def teams_in_scope(organization: Organization, team_ids: set[int | None]) -> TeamScopes:
    """One query when any of ``team_ids`` is a team (the organization's teams), none otherwise."""
    if not any(pk is not None for pk in team_ids):
        return TeamScopes()
    teams = {team.pk: team for team in Team.objects.filter(organization=organization)}
    present = [pk for pk in team_ids if pk in teams]
    return TeamScopes(
        lineage={None: [], **{pk: teams[pk].lineage_ids for pk in present}},
        labels={pk: team_label(teams[pk], teams) for pk in present},
    )


def column_people(
    *, columns: Mapping[int | None, Mapping[int, str]], lineage: Mapping[int | None, list[int]] | None = None
) -> dict[int | None, tuple[PersonEntry, ...]]:
    """The people behind the columns of each scope (a team's id, or None for the whole
    organization): ``columns`` maps a scope to its columns' role ids and codes. Each person comes
    with the codes they do in that scope — the columns they resolve to (``orgs.teams``: the team's
    holders, else up the tree, else the organization's) and the other roles they hold there.
    Three queries whatever the depth of the tree, the number of scopes or the size of the
    organization: the scopes' paths, the column roles' holdings, the people and their roles."""
    scopes = list(columns)
    if lineage is None:
        lineage = lineages(scopes)
    resolved, _ = holders_resolved(
        role_ids={role_id for roles in columns.values() for role_id in roles}, scopes=scopes, lineage=lineage
    )
    codes: dict[int | None, dict[int, set[str]]] = {scope: {} for scope in scopes}
    for (scope, role_id), holders in resolved.items():
        if role_id not in columns[scope]:
            continue  # resolved for another scope's columns
        for person_id in holders.person_ids:
            codes[scope].setdefault(person_id, set()).add(columns[scope][role_id])
    involved = {person_id for by_person in codes.values() for person_id in by_person}
    if not involved:
        return dict.fromkeys(scopes, ())
    people: dict[int, tuple[str, bool]] = {}
    other_roles: dict[int, list[tuple[str, int | None, int]]] = {}
    for pk, name, active, role_id, code, team_id in (
        Person.objects.filter(pk__in=involved)
        .order_by("name", "id")
        .values_list("id", "name", "active", "holdings__role_id", "holdings__role__code", "holdings__team_id")
    ):
        people[pk] = (name, active)
        if role_id is not None:
            other_roles.setdefault(pk, []).append((code, team_id, role_id))
    result: dict[int | None, tuple[PersonEntry, ...]] = {}
    for scope in scopes:
        in_scope = set(lineage.get(scope, ()))
        entries = []
        for pk, (name, active) in people.items():
            held = codes[scope].get(pk)
            if not held:
                continue
            # Roles that are not columns here still tell the rules what else the person carries.
            held |= {
                code
                for code, team_id, role_id in other_roles.get(pk, ())
                if role_id not in columns[scope] and (team_id is None or team_id in in_scope)
            }
            entries.append(PersonEntry(id=pk, name=name, role_codes=frozenset(held), active=active))
        result[scope] = tuple(entries)
    return result


def organization_headcount(organization: Organization) -> int:
    """The organization's declared headcount, else its number of active people (the rules engine
    compares company size with it). A query only when none is declared."""
    if organization.headcount is not None:
        return organization.headcount
    return Person.objects.filter(organization=organization, active=True).count()


def matrix_get(*, organization: Organization, matrix_id: int) -> Matrix:
    """The organization's matrix ``matrix_id``, else 404: other organizations' ids leak nothing."""
    matrix = (
        Matrix.objects.select_related("organization", "framework", *PUBLISHED_RELATED)
        .defer(*PUBLISHED_DEFERRED)
        .filter(pk=matrix_id, organization=organization)
        .first()
    )
    if matrix is None:
        raise Http404("No such matrix.")
    return matrix


def matrix_column_people(*, matrix: Matrix) -> dict[str, list[PersonEntry]]:
    """Who does each column's role in ``matrix``'s team, active people first, by role code. Four
    queries at most (the columns, the team's path, the holdings, the people)."""
    columns = dict(
        MatrixRole.objects.filter(matrix=matrix).order_by("order", "id").values_list("role_id", "role__code")
    )
    people = column_people(columns={matrix.team_id: columns})[matrix.team_id] if columns else ()
    return {
        code: sorted((p for p in people if code in p.role_codes), key=lambda p: (not p.active, p.name, p.id))
        for code in columns.values()
    }
