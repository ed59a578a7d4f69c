"""Reads of matrices that pages, endpoints, exports and the rules engine depend on.

``matrix_grid_get`` is the one loader of a matrix: five queries whatever the
matrix's size, returning the plain ``MatrixGrid`` every consumer reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.http import Http404

from orgs.models import Organization, Person
from raci.grid import MatrixGrid, PersonEntry, RoleColumn, RuleSettings, TaskRow
from raci.models import Assignment, Matrix, MatrixRole, Task
from raci.schemes import get_scheme


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


def person_responsibilities(*, person: Person) -> list[Responsibility]:
    """Every letter ``person`` carries through the roles they hold, across the
    organization's live matrices (archived matrices and tasks left out), with the
    task's co-owners. Three queries."""
    role_ids = list(person.roles.values_list("id", flat=True))
    mine = list(
        _shown(Assignment.objects)
        .filter(role_id__in=role_ids, task__archived=False)
        .filter(task__matrix__organization_id=person.organization_id)
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
        )
    )
    others: dict[int, list[tuple[str, str]]] = {}
    for task_id, code, letters in (
        _shown(Assignment.objects)
        .filter(task_id__in={row[0] for row in mine})
        .order_by("role__columns__order", "role__code")
        .values_list("task_id", "role__code", "letters")
    ):
        others.setdefault(task_id, []).append((code, letters))
    rows = [
        Responsibility(
            matrix_id=matrix_id,
            matrix_name=matrix_name,
            stage=stage,
            task_id=task_id,
            task_name=task_name,
            role=code,
            letters=letters,
            co_owners=tuple(pair for pair in others.get(task_id, []) if pair[0] != code),
        )
        for task_id, task_name, stage, _order, matrix_id, matrix_name, code, letters in sorted(
            mine, key=lambda r: (r[5], r[4], r[3], r[0], r[6])
        )
    ]
    return rows


@dataclass(frozen=True)
class AcknowledgementStatus:
    revision: int
    acknowledged_at: object | None


def acknowledgement_status(*, person: Person, matrix_ids: set[int]) -> dict[int, AcknowledgementStatus]:
    """For each published matrix: its latest revision number and when ``person`` acknowledged it
    (None if not yet). Two queries."""
    from raci.models import Acknowledgement, Revision

    latest: dict[int, tuple[int, int]] = {}
    for revision_id, matrix_id, number in Revision.objects.filter(matrix_id__in=matrix_ids).values_list(
        "id", "matrix_id", "number"
    ):
        if matrix_id not in latest or number > latest[matrix_id][1]:
            latest[matrix_id] = (revision_id, number)
    acknowledged = dict(
        Acknowledgement.objects.filter(
            person=person, revision_id__in=[revision_id for revision_id, _ in latest.values()]
        ).values_list("revision_id", "at")
    )
    return {
        matrix_id: AcknowledgementStatus(revision=number, acknowledged_at=acknowledged.get(revision_id))
        for matrix_id, (revision_id, number) in latest.items()
    }
