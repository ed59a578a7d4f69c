from __future__ import annotations

import pytest

from orgs.models import Person
from raci.matrices.models import Assignment, Matrix, Task
from raci.matrices.selectors import matrix_grid_get
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _staffed_matrix(build_matrix, tasks: int, roles: int) -> Matrix:
    """``tasks`` x ``roles`` (R0, R1 …), about 30% of the cells filled and A/R on R0 for every task,
    one person holding each role, every fifth of them inactive, in an organization of 50."""
    matrix = build_matrix(
        organization=OrganizationFactory(headcount=50),
        tasks=tasks,
        roles=roles,
        fill="sparse",
        owner_column=True,
        people=True,
    )
    inactive = [f"Holder of R{i}" for i in range(4, roles, 5)]
    Person.objects.filter(organization=matrix.organization, name__in=inactive).update(active=False)
    return matrix


@pytest.mark.parametrize(("tasks", "roles"), [(5, 3), (200, 20)])
def test_grid_loads_in_five_queries_whatever_the_matrix_size(
    build_matrix, django_assert_num_queries, tasks, roles
):
    matrix = _staffed_matrix(build_matrix, tasks, roles)
    # 1 columns with their roles, 2 tasks, 3 cells, 4 people's roles, 5 people
    with django_assert_num_queries(5):
        grid = matrix_grid_get(matrix=matrix)
    assert len(grid.tasks) == tasks
    assert len(grid.roles) == roles


def test_grid_holds_every_cell_keyed_by_task_and_role_code(build_matrix):
    matrix = _staffed_matrix(build_matrix, 5, 3)
    grid = matrix_grid_get(matrix=matrix)
    expected = {
        (a.task_id, a.role.code): a.letters
        for a in Assignment.objects.filter(task__matrix=matrix).select_related("role")
    }
    assert grid.cells == expected
    assert grid.letters(grid.tasks[0].id, "R0") == "AR"


def test_grid_leaves_out_archived_tasks_unless_asked(build_matrix):
    matrix = _staffed_matrix(build_matrix, 5, 3)
    Task.objects.filter(matrix=matrix, order=0).update(archived=True)
    assert len(matrix_grid_get(matrix=matrix).tasks) == 4
    assert len(matrix_grid_get(matrix=matrix, include_archived=True).tasks) == 5
    assert all(task_id != matrix.tasks.get(order=0).pk for task_id, _ in matrix_grid_get(matrix=matrix).cells)


def test_grid_lists_people_with_the_roles_they_hold_and_their_active_flag(build_matrix):
    matrix = _staffed_matrix(build_matrix, 5, 5)
    grid = matrix_grid_get(matrix=matrix)
    assert len(grid.people) == 5
    assert {code for p in grid.people for code in p.role_codes} == {"R0", "R1", "R2", "R3", "R4"}
    assert sum(1 for p in grid.people if not p.active) == 1
    assert grid.headcount == 50


def test_grid_applies_the_matrix_rule_settings_overrides(build_matrix):
    matrix = _staffed_matrix(build_matrix, 5, 3)
    matrix.rule_settings = {"shared_accountability": True, "max_consulted": 5, "unknown": 1}
    matrix.save()
    settings = matrix_grid_get(matrix=matrix).settings
    assert settings.shared_accountability is True
    assert settings.max_consulted == 5
    assert settings.max_responsible == 3


def test_stage_groups_keep_task_order_and_one_letter_string_per_column(build_matrix):
    matrix = _staffed_matrix(build_matrix, 12, 3)
    groups = matrix_grid_get(matrix=matrix).stage_groups()
    assert [stage for stage, _ in groups] == ["Stage 0", "Stage 1"]
    assert [len(rows) for _, rows in groups] == [10, 2]
    assert all(len(letters) == 3 for _, rows in groups for _, letters in rows)


def test_grid_loads_only_the_people_holding_its_columns_roles(build_matrix):
    matrix = build_matrix(
        organization=OrganizationFactory(headcount=50), tasks=3, roles=["PM", "PMM"], people=True
    )
    bystander = Person.objects.create(organization=matrix.organization, name="Bea Bystander")
    bystander.roles.add(matrix.organization.roles.create(code="LEGAL", name="Legal"))
    both = Person.objects.create(organization=matrix.organization, name="Ana Both")
    both.roles.add(*matrix.organization.roles.filter(code__in=["PM", "LEGAL"]))

    people = {p.name: p.role_codes for p in matrix_grid_get(matrix=matrix).people}

    assert "Bea Bystander" not in people
    assert people["Ana Both"] == frozenset({"PM", "LEGAL"})


def test_grid_without_people_costs_the_same_in_any_organization(build_matrix, django_assert_num_queries):
    matrix = build_matrix(organization=OrganizationFactory(), tasks=3, roles=2, people=True)
    Person.objects.bulk_create(
        [Person(organization=matrix.organization, name=f"Extra {i}") for i in range(300)]
    )
    # Columns, tasks, cells: no people, no headcount.
    with django_assert_num_queries(3):
        grid = matrix_grid_get(matrix=matrix, people=False)
    assert grid.people == ()


def test_an_organization_without_a_declared_headcount_counts_its_active_people(build_matrix):
    matrix = build_matrix(
        organization=OrganizationFactory(headcount=None), tasks=3, roles=["PM"], people=True
    )
    Person.objects.bulk_create(
        [Person(organization=matrix.organization, name=f"Extra {i}", active=i % 2 == 0) for i in range(10)]
    )
    assert matrix_grid_get(matrix=matrix).effective_headcount == 1 + 5
