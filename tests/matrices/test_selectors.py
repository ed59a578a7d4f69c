from __future__ import annotations

import pytest

from raci.matrices.models import Assignment, Matrix, MatrixRole, Task
from raci.matrices.selectors import matrix_grid_get
from tests.factories import MatrixFactory, OrganizationFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db


def _matrix(tasks: int, roles: int) -> Matrix:
    organization = OrganizationFactory(headcount=50)
    matrix = MatrixFactory(organization=organization)
    role_rows = [RoleFactory(organization=organization, code=f"R{i}", order=i) for i in range(roles)]
    MatrixRole.objects.bulk_create(
        [MatrixRole(matrix=matrix, role=r, order=i) for i, r in enumerate(role_rows)]
    )
    task_rows = Task.objects.bulk_create(
        [Task(matrix=matrix, name=f"Task {i}", stage=f"Stage {i // 10}", order=i) for i in range(tasks)]
    )
    Assignment.objects.bulk_create(
        [
            Assignment(task=t, role=r, letters="AR" if j == 0 else "C")
            for t in task_rows
            for j, r in enumerate(role_rows)
            if j == 0 or (t.order + j) % 3 == 0
        ]
    )
    for i, role in enumerate(role_rows):
        PersonFactory(organization=organization, roles=[role], active=i % 5 != 4)
    return Matrix.objects.select_related("organization").get(pk=matrix.pk)


@pytest.mark.parametrize(("tasks", "roles"), [(5, 3), (200, 20)])
def test_grid_loads_in_five_queries_whatever_the_matrix_size(django_assert_num_queries, tasks, roles):
    matrix = _matrix(tasks, roles)
    # 1 columns with their roles, 2 tasks, 3 cells, 4 people's roles, 5 people
    with django_assert_num_queries(5):
        grid = matrix_grid_get(matrix=matrix)
    assert len(grid.tasks) == tasks
    assert len(grid.roles) == roles


def test_grid_holds_every_cell_keyed_by_task_and_role_code():
    matrix = _matrix(5, 3)
    grid = matrix_grid_get(matrix=matrix)
    expected = {
        (a.task_id, a.role.code): a.letters
        for a in Assignment.objects.filter(task__matrix=matrix).select_related("role")
    }
    assert grid.cells == expected
    assert grid.letters(grid.tasks[0].id, "R0") == "AR"


def test_grid_leaves_out_archived_tasks_unless_asked():
    matrix = _matrix(5, 3)
    Task.objects.filter(matrix=matrix, order=0).update(archived=True)
    assert len(matrix_grid_get(matrix=matrix).tasks) == 4
    assert len(matrix_grid_get(matrix=matrix, include_archived=True).tasks) == 5
    assert all(task_id != matrix.tasks.get(order=0).pk for task_id, _ in matrix_grid_get(matrix=matrix).cells)


def test_grid_lists_people_with_the_roles_they_hold_and_their_active_flag():
    matrix = _matrix(5, 5)
    grid = matrix_grid_get(matrix=matrix)
    assert len(grid.people) == 5
    assert {code for p in grid.people for code in p.role_codes} == {"R0", "R1", "R2", "R3", "R4"}
    assert sum(1 for p in grid.people if not p.active) == 1
    assert grid.headcount == 50


def test_grid_applies_the_matrix_rule_settings_overrides():
    matrix = _matrix(5, 3)
    matrix.rule_settings = {"shared_accountability": True, "max_consulted": 5, "unknown": 1}
    matrix.save()
    settings = matrix_grid_get(matrix=matrix).settings
    assert settings.shared_accountability is True
    assert settings.max_consulted == 5
    assert settings.max_responsible == 3


def test_stage_groups_keep_task_order_and_one_letter_string_per_column():
    matrix = _matrix(12, 3)
    groups = matrix_grid_get(matrix=matrix).stage_groups()
    assert [stage for stage, _ in groups] == ["Stage 0", "Stage 1"]
    assert [len(rows) for _, rows in groups] == [10, 2]
    assert all(len(letters) == 3 for _, rows in groups for _, letters in rows)
