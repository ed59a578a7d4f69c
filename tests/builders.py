"""The one matrix builder of the suite and the benchmarks: a matrix of any size in a handful of
bulk inserts (factories would take minutes at 1,000 x 50).

Tests reach it through the ``build_matrix`` fixture (tests/conftest.py); benchmarks import it.
"""

from __future__ import annotations

from collections.abc import Sequence

from orgs.models import Organization, Person, Role
from raci.matrices.models import Assignment, Matrix, MatrixRole, Task

# The letters "sparse" cycles through, about 30% of the cells filled.
SPARSE_LETTERS = ("AR", "R", "C", "I", "C", "I")


def matrix_build(
    *,
    organization: Organization,
    tasks: int = 5,
    roles: int | Sequence[str] = 3,
    name: str = "Ownership",
    stage_size: int = 10,
    fill: str = "owner",
    owner_column: bool = False,
    people: bool = False,
) -> Matrix:
    """A matrix of ``tasks`` rows and ``roles`` columns (a count, named R0, R1 …, or role codes;
    roles the organization has already are reused).

    ``fill``: ``"owner"`` puts A/R on the first column of every task (a matrix without errors
    but for the rules about people), ``"sparse"`` fills about 30% of the cells with a mix of
    letters (with ``owner_column``, the first column is A/R on every task), ``"empty"`` leaves
    every cell empty. Stages group ``stage_size`` tasks. With ``people``, one active person holds
    each role.
    """
    codes = [f"R{i}" for i in range(roles)] if isinstance(roles, int) else [c.upper() for c in roles]
    existing = {r.code: r for r in Role.objects.filter(organization=organization, code__in=codes)}
    Role.objects.bulk_create(
        [
            Role(organization=organization, code=code, name=f"{code} role", order=i)
            for i, code in enumerate(codes)
            if code not in existing
        ]
    )
    by_code = {r.code: r for r in Role.objects.filter(organization=organization, code__in=codes)}
    role_rows = [by_code[code] for code in codes]
    matrix = Matrix.objects.create(organization=organization, name=name)
    MatrixRole.objects.bulk_create(
        [MatrixRole(matrix=matrix, role=r, order=i) for i, r in enumerate(role_rows)]
    )
    task_rows = Task.objects.bulk_create(
        [
            Task(matrix=matrix, name=f"Task {i}", stage=f"Stage {i // stage_size}", order=i)
            for i in range(tasks)
        ]
    )
    cells = []
    if fill == "owner":
        cells = [Assignment(task=t, role=role_rows[0], letters="AR") for t in task_rows]
    elif fill == "sparse":
        cells = [
            Assignment(
                task=t, role=r, letters="AR" if j == 0 else SPARSE_LETTERS[(i + j) % len(SPARSE_LETTERS)]
            )
            for i, t in enumerate(task_rows)
            for j, r in enumerate(role_rows)
            if j == 0 or (i * 7 + j * 3) % 10 < 3
        ]
    elif fill != "empty":
        raise ValueError(f"fill is owner, sparse or empty, not {fill!r}")
    Assignment.objects.bulk_create(cells, batch_size=5000)
    if people:
        for role in role_rows:
            person = Person.objects.create(organization=organization, name=f"Holder of {role.code}")
            person.roles.add(role)
    return Matrix.objects.select_related("organization", "framework").get(pk=matrix.pk)
