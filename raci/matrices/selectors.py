"""Reads of matrices that pages, endpoints, exports and the rules engine depend on.

``matrix_grid_get`` is the one loader of a matrix: five queries whatever the
matrix's size, returning the plain ``MatrixGrid`` every consumer reads;
``matrix_grids_get`` is the same loader for all of an organization's matrices at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from django.http import Http404

from frameworks.schemes import get_scheme
from orgs.models import Organization, Person
from raci.matrices.models import Assignment, Matrix, MatrixRole, Task
from raci.rules.grid import MatrixGrid, PersonEntry, RoleColumn, RuleSettings, TaskRow

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

    Queries: (1) the role columns, (2) the tasks, (3) the cells, (4) the people holding
    the columns' roles, (5) the roles each of them holds — and (6) the number of active people
    when the organization has no headcount. The organization comes from ``matrix.organization``;
    pass a matrix loaded with ``select_related("organization")`` to avoid another. Reads that show
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

    holders: tuple[PersonEntry, ...] = ()
    headcount = organization.headcount
    if people:
        holders = organization_people(
            organization, role_ids={role.id for columns in roles.values() for role in columns}
        )
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
            people=holders,
            settings=RuleSettings.from_overrides(matrix.rule_settings),
            headcount=headcount,
        )
        for matrix in matrices
    }


def organization_people(organization: Organization, *, role_ids: set[int]) -> tuple[PersonEntry, ...]:
    """The people of ``organization`` holding any of ``role_ids``, each with every role they hold,
    by name. Two queries; the cost follows the matrix's columns, not the size of the organization."""
    # Roles belong to one organization: their holders are its people, no join needed to say so.
    holding = Person.roles.through.objects.filter(role_id__in=role_ids)
    held: dict[int, set[str]] = {}
    for person_id, code in Person.roles.through.objects.filter(
        person_id__in=holding.values("person_id")
    ).values_list("person_id", "role__code"):
        held.setdefault(person_id, set()).add(code)
    if not held:
        return ()
    return tuple(
        PersonEntry(id=pk, name=name, role_codes=frozenset(held[pk]), active=active)
        for pk, name, active in Person.objects.filter(pk__in=held)
        .order_by("name", "id")
        .values_list("id", "name", "active")
    )


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
