"""The one matrix builder of the suite and the benchmarks: a matrix of any size in a handful of
bulk inserts (factories would take minutes at 1,000 x 50).

Tests reach it through the ``build_matrix`` fixture (tests/conftest.py); benchmarks import it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from orgs.models import Organization, Person, Role, Team
from raci.matrices.models import Assignment, Matrix, MatrixRole, Task
from raci.matrices.selectors import PUBLISHED_DEFERRED, PUBLISHED_RELATED
from raci.revisions.services import matrix_publish

# The letters "sparse" cycles through, about 30% of the cells filled.
SPARSE_LETTERS = ("AR", "R", "C", "I", "C", "I")


def matrix_build(
    *,
    organization: Organization,
    tasks: int | Sequence[str] = 5,
    roles: int | Sequence[str] = 3,
    name: str = "Ownership",
    stage_size: int = 10,
    stages: str | Sequence[str] | None = None,
    fill: str = "owner",
    owner_column: bool = False,
    cells: Mapping[tuple[str, str], str] | None = None,
    people: bool = False,
    published: bool = False,
    team: Team | None = None,
) -> Matrix:
    """A matrix of ``tasks`` rows (a count, named Task 0, Task 1 …, or task names) and ``roles``
    columns (a count, named R0, R1 …, or role codes; roles the organization has already are
    reused, with their names).

    Stages group ``stage_size`` tasks (Stage 0, Stage 1 …), unless ``stages`` names the stage of
    every task (one string) or of each task (a sequence as long as the tasks).

    ``fill``: ``"owner"`` puts A/R on the first column of every task (a matrix without errors
    but for the rules about people), ``"sparse"`` fills about 30% of the cells with a mix of
    letters (with ``owner_column``, the first column is A/R on every task), ``"empty"`` leaves
    every cell empty. ``cells`` then sets the letters of single cells, keyed by (task name, role
    code); an empty string leaves the cell empty. With ``people``, one active person holds each
    role. With ``published``, the matrix is published once, as it was built (revision 1). With
    ``team``, the matrix is that team's work.
    """
    codes = [f"R{i}" for i in range(roles)] if isinstance(roles, int) else [c.upper() for c in roles]
    names = [f"Task {i}" for i in range(tasks)] if isinstance(tasks, int) else list(tasks)
    if stages is None:
        stage_names = [f"Stage {i // stage_size}" for i in range(len(names))]
    elif isinstance(stages, str):
        stage_names = [stages] * len(names)
    else:
        stage_names = list(stages)
        if len(stage_names) != len(names):
            raise ValueError(f"{len(stage_names)} stages for {len(names)} tasks")
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
    matrix = Matrix.objects.create(organization=organization, name=name, team=team)
    MatrixRole.objects.bulk_create(
        [MatrixRole(matrix=matrix, role=r, order=i) for i, r in enumerate(role_rows)]
    )
    task_rows = Task.objects.bulk_create(
        [
            Task(matrix=matrix, name=task_name, stage=stage, order=i)
            for i, (task_name, stage) in enumerate(zip(names, stage_names, strict=True))
        ]
    )
    letters: dict[tuple[int, int], str] = {}
    if fill == "owner":
        letters = {(i, 0): "AR" for i in range(len(task_rows)) if role_rows}
    elif fill == "sparse":
        letters = {
            (i, j): "AR" if owner_column and j == 0 else SPARSE_LETTERS[(i + j) % len(SPARSE_LETTERS)]
            for i in range(len(task_rows))
            for j in range(len(role_rows))
            if (owner_column and j == 0) or (i * 7 + j * 3) % 10 < 3
        }
    elif fill != "empty":
        raise ValueError(f"fill is owner, sparse or empty, not {fill!r}")
    for (task_name, code), value in (cells or {}).items():
        letters[(names.index(task_name), codes.index(code.upper()))] = value
    Assignment.objects.bulk_create(
        [
            Assignment(task=task_rows[i], role=role_rows[j], letters=value)
            for (i, j), value in letters.items()
            if value
        ],
        batch_size=5000,
    )
    if people:
        for role in role_rows:
            person = Person.objects.create(organization=organization, name=f"Holder of {role.code}")
            person.roles.add(role)
    if published:
        matrix_publish(matrix=matrix, override_reason="Built for a test.")
    return (
        Matrix.objects.select_related("organization", "framework", *PUBLISHED_RELATED)
        .defer(*PUBLISHED_DEFERRED)
        .get(pk=matrix.pk)
    )
