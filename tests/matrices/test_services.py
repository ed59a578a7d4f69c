from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from raci.matrices.adoption import matrix_adopt
from raci.matrices.cells import assignment_set
from raci.matrices.models import Assignment, Matrix, Task
from raci.matrices.services import matrix_create, task_create
from tests.factories import (
    ActivityFactory,
    FrameworkFactory,
    MatrixRoleFactory,
    OrganizationFactory,
    RoleFactory,
    StageFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    framework = FrameworkFactory(slug="small", name="Small", role_names={"PM": "Product", "PMM": "Marketing"})
    market = StageFactory(framework=framework, name="Market", order=0)
    launch = StageFactory(framework=framework, name="Launch", order=1)
    ActivityFactory(stage=market, name="Market problems", order=0, suggested_letters={"PM": "AR", "PMM": "C"})
    ActivityFactory(
        stage=market, name="Pricing", order=1, suggested_letters={"PM": "A", "PMM": "R", "SALES": "C"}
    )
    ActivityFactory(stage=launch, name="Launch plan", order=0, suggested_letters={"PMM": "AR", "PM": "C"})
    return framework


@pytest.fixture
def organization():
    organization = OrganizationFactory()
    RoleFactory(organization=organization, code="PM", order=0)
    RoleFactory(organization=organization, code="PMM", order=1)
    RoleFactory(organization=organization, code="ENG", order=2)
    return organization


def _cells(matrix: Matrix) -> dict[tuple[str, str], str]:
    return {
        (a.task.name, a.role.code): a.letters
        for a in Assignment.objects.filter(task__matrix=matrix).select_related("task", "role")
    }


def test_adopting_copies_every_activity_as_a_task_in_stage_order(organization, framework):
    matrix = matrix_adopt(organization=organization, framework=framework, name="Ours")
    assert list(matrix.tasks.values_list("stage", "name")) == [
        ("Market", "Market problems"),
        ("Market", "Pricing"),
        ("Launch", "Launch plan"),
    ]
    assert matrix.framework == framework
    assert matrix.scheme == "RACI"


def test_adopting_shows_all_the_organization_roles_as_columns_in_order(organization, framework):
    matrix = matrix_adopt(organization=organization, framework=framework, name="Ours")
    assert list(matrix.columns.values_list("role__code", flat=True)) == ["PM", "PMM", "ENG"]


def test_adopting_applies_suggested_letters_to_roles_with_the_same_code(organization, framework):
    matrix = matrix_adopt(organization=organization, framework=framework, name="Ours")
    assert _cells(matrix) == {
        ("Market problems", "PM"): "AR",
        ("Market problems", "PMM"): "C",
        ("Pricing", "PM"): "A",
        ("Pricing", "PMM"): "R",
        ("Launch plan", "PMM"): "AR",
        ("Launch plan", "PM"): "C",
    }


def test_adopting_can_leave_out_stages_and_activities(organization, framework):
    matrix = matrix_adopt(
        organization=organization, framework=framework, name="Ours", include=["Launch", "Pricing"]
    )
    assert list(matrix.tasks.values_list("name", flat=True)) == ["Pricing", "Launch plan"]


def test_adopting_with_an_unknown_stage_is_refused_and_creates_nothing(organization, framework):
    with pytest.raises(ValidationError, match="no stage or activity named 'nope'"):
        matrix_adopt(organization=organization, framework=framework, name="Ours", include=["Nope"])
    assert not Matrix.objects.exists()


def test_role_map_sends_a_framework_code_to_another_role(organization, framework):
    founder = RoleFactory(organization=organization, code="FOUNDER")
    matrix = matrix_adopt(
        organization=organization,
        framework=framework,
        name="Ours",
        role_map={"PM": "FOUNDER", "PMM": "FOUNDER"},
    )
    cells = _cells(matrix)
    # PM's A and PMM's R merge into one A+R; A with C keeps the A.
    assert cells[("Pricing", founder.code)] == "AR"
    assert cells[("Market problems", founder.code)] == "AR"
    assert ("Pricing", "PM") not in cells


def test_role_map_to_none_leaves_a_code_out(organization, framework):
    matrix = matrix_adopt(organization=organization, framework=framework, name="Ours", role_map={"PMM": None})
    assert not any(code == "PMM" for _, code in _cells(matrix))


def test_role_map_to_an_unknown_role_is_refused(organization, framework):
    with pytest.raises(ValidationError, match="has no role CEO"):
        matrix_adopt(organization=organization, framework=framework, name="Ours", role_map={"PM": "CEO"})
    assert not Matrix.objects.exists()


def test_adopting_another_organizations_framework_is_refused(organization, framework):
    framework.organization = OrganizationFactory()
    framework.save()
    with pytest.raises(ValidationError, match="another organization"):
        matrix_adopt(organization=organization, framework=framework, name="Ours")


def test_duplicate_matrix_name_is_a_clear_error(organization):
    matrix_create(organization=organization, name="Ours")
    with pytest.raises(ValidationError, match="already exists"):
        matrix_create(organization=organization, name="Ours")


def test_setting_a_cell_stores_canonical_letters_and_bumps_the_version():
    column = MatrixRoleFactory()
    task = TaskFactory(matrix=column.matrix)
    before = column.matrix.version
    assert assignment_set(matrix=column.matrix, task=task, role=column.role, letters="r/a") == "AR"
    assert Assignment.objects.get(task=task, role=column.role).letters == "AR"
    assert column.matrix.version == before + 1


def test_setting_bad_letters_is_refused_and_changes_nothing():
    column = MatrixRoleFactory()
    task = TaskFactory(matrix=column.matrix)
    assignment_set(matrix=column.matrix, task=task, role=column.role, letters="C")
    version = column.matrix.version
    with pytest.raises(ValidationError, match="A and C may not share a cell"):
        assignment_set(matrix=column.matrix, task=task, role=column.role, letters="AC")
    assert Assignment.objects.get(task=task, role=column.role).letters == "C"
    column.matrix.refresh_from_db()
    assert column.matrix.version == version


def test_clearing_a_cell_deletes_its_assignment():
    column = MatrixRoleFactory()
    task = TaskFactory(matrix=column.matrix)
    assignment_set(matrix=column.matrix, task=task, role=column.role, letters="R")
    assignment_set(matrix=column.matrix, task=task, role=column.role, letters="")
    assert not Assignment.objects.filter(task=task).exists()


def test_setting_a_cell_for_a_role_that_is_not_a_column_is_refused():
    task = TaskFactory()
    role = RoleFactory(organization=task.matrix.organization, code="LEGAL")
    with pytest.raises(ValidationError, match="LEGAL is not a column"):
        assignment_set(matrix=task.matrix, task=task, role=role, letters="C")


def test_setting_a_cell_of_another_matrix_task_is_refused():
    column = MatrixRoleFactory()
    with pytest.raises(ValidationError, match="another matrix"):
        assignment_set(matrix=column.matrix, task=TaskFactory(), role=column.role, letters="C")


def test_task_create_appends_at_the_end_and_bumps_the_version():
    task = TaskFactory(order=7)
    matrix = task.matrix
    created = task_create(matrix=matrix, name="  Win/loss  ", stage="Market")
    assert (created.name, created.order) == ("Win/loss", 8)
    assert matrix.version == 2


def test_task_create_refuses_a_duplicate_name_whatever_the_case():
    task = TaskFactory(name="Pricing")
    with pytest.raises(ValidationError, match="already has a task with this name"):
        task_create(matrix=task.matrix, name="pricing")
    assert Task.objects.filter(name__iexact="Pricing").count() == 1


def test_adopting_declares_shared_accountability_for_the_activities_that_intend_it(organization, framework):
    stage = framework.stages.get(name="Launch")
    ActivityFactory(
        stage=stage,
        name="Revenue growth",
        order=1,
        suggested_letters={"PM": "A", "PMM": "A"},
        shared_accountability=True,
    )

    matrix = matrix_adopt(organization=organization, framework=framework, name="Ours")

    revenue = Task.objects.get(matrix=matrix, name="Revenue growth")
    assert matrix.rule_settings == {"shared_accountability_tasks": [revenue.pk]}
    matrix.refresh_from_db()
    assert matrix.rule_settings == {"shared_accountability_tasks": [revenue.pk]}


def test_adopting_without_shared_activities_declares_nothing(organization, framework):
    matrix = matrix_adopt(organization=organization, framework=framework, name="Ours")

    assert matrix.rule_settings == {}
