"""Reads of matrices that pages, endpoints, exports and the rules engine depend on.

``matrix_grid_get`` is the one loader of a matrix: five queries whatever the
matrix's size, returning the plain ``MatrixGrid`` every consumer reads.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from frameworks.schemes import get_scheme
from orgs.models import Organization, Person
from raci.matrices.models import Assignment, Matrix, MatrixRole, Task
from raci.rules.grid import MatrixGrid, PersonEntry, RoleColumn, RuleSettings, TaskRow


def matrices_for_organization(*, organization: Organization) -> QuerySet[Matrix]:
    return Matrix.objects.filter(organization=organization).select_related("organization").order_by("name")


def matrix_grid_get(*, matrix: Matrix, include_archived: bool = False) -> MatrixGrid:
    """Load ``matrix`` as a ``MatrixGrid``.

    Queries: (1) the role columns, (2) the tasks, (3) the cells, (4) the
    organization's people, (5) the roles each person holds. The organization's
    headcount comes from ``matrix.organization``; pass a matrix loaded with
    ``select_related("organization")`` to avoid a sixth.
    """
    columns = list(MatrixRole.objects.filter(matrix=matrix).select_related("role").order_by("order", "id"))
    roles = tuple(RoleColumn(id=c.role.pk, code=c.role.code, name=c.role.name) for c in columns)
    code_by_role_id = {c.role.pk: c.role.code for c in columns}

    task_rows = Task.objects.filter(matrix=matrix)
    if not include_archived:
        task_rows = task_rows.filter(archived=False)
    tasks = tuple(
        TaskRow(id=pk, name=name, stage=stage, order=order)
        for pk, name, stage, order in task_rows.order_by("order", "id").values_list(
            "id", "name", "stage", "order"
        )
    )
    task_ids = {t.id for t in tasks}

    cells = {
        (task_id, code_by_role_id[role_id]): letters
        for task_id, role_id, letters in Assignment.objects.filter(task__matrix=matrix).values_list(
            "task_id", "role_id", "letters"
        )
        # Cells of archived tasks and of roles no longer shown stay stored but are not part of the grid.
        if task_id in task_ids and role_id in code_by_role_id
    }

    organization = matrix.organization
    held: dict[int, set[str]] = {}
    for person_id, code in Person.roles.through.objects.filter(person__organization=organization).values_list(
        "person_id", "role__code"
    ):
        held.setdefault(person_id, set()).add(code)
    people = tuple(
        PersonEntry(id=pk, name=name, role_codes=frozenset(held.get(pk, ())), active=active)
        for pk, name, active in Person.objects.filter(organization=organization)
        .order_by("name", "id")
        .values_list("id", "name", "active")
    )

    return MatrixGrid(
        id=matrix.pk,
        name=matrix.name,
        version=matrix.version,
        scheme=get_scheme(matrix.scheme),
        roles=roles,
        tasks=tasks,
        cells=cells,
        people=people,
        settings=RuleSettings.from_overrides(matrix.rule_settings),
        headcount=organization.headcount,
    )


def matrix_get(*, organization: Organization, matrix_id: int) -> Matrix:
    """The organization's matrix ``matrix_id``, else 404: other organizations' ids leak nothing."""
    matrix = (
        Matrix.objects.select_related("organization", "framework")
        .filter(pk=matrix_id, organization=organization)
        .first()
    )
    if matrix is None:
        raise Http404("No such matrix.")
    return matrix
