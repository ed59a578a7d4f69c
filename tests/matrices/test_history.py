"""Every change is recorded in the same transaction, with who, when, channel, before and after."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from raci.matrices import services
from raci.matrices.cells import CellChange, CellConflict, assignment_set, grid_apply_changes
from raci.matrices.history import Actor, history_for_matrix
from raci.matrices.imports import matrix_import
from raci.matrices.models import ChangeRecord, Channel
from tests.factories import MatrixRoleFactory, PersonFactory, RoleFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def column():
    return MatrixRoleFactory(role__code="PM")


@pytest.fixture
def user():
    return UserFactory(username="ana")


def test_a_cell_change_records_who_when_channel_and_letters_before_and_after(column, user):
    task = TaskFactory(matrix=column.matrix, name="Pricing")
    assignment_set(
        matrix=column.matrix, task=task, role=column.role, letters="A", actor=Actor(user, Channel.WEB)
    )
    assignment_set(
        matrix=column.matrix, task=task, role=column.role, letters="AR", actor=Actor(user, Channel.WEB)
    )
    latest = history_for_matrix(matrix=column.matrix).first()
    assert (latest.actor, latest.channel, latest.kind) == (user, "web", "cell")
    assert (latest.task_name, latest.role_code, latest.before, latest.after) == ("Pricing", "PM", "A", "AR")
    assert latest.version == column.matrix.version


def test_a_batch_edit_records_one_entry_per_changed_cell_with_the_api_channel(column, user):
    tasks = [TaskFactory(matrix=column.matrix) for _ in range(3)]
    changes = [CellChange(task=t.pk, role="PM", expected="", letters="R") for t in tasks]
    grid_apply_changes(matrix=column.matrix, changes=changes, actor=Actor(user, Channel.API))
    records = ChangeRecord.objects.filter(matrix=column.matrix, kind="cell")
    assert records.count() == 3
    assert set(records.values_list("channel", "after")) == {("api", "R")}


def test_a_refused_change_records_nothing(column):
    task = TaskFactory(matrix=column.matrix)
    with pytest.raises(ValidationError):
        assignment_set(matrix=column.matrix, task=task, role=column.role, letters="AC")
    assert not ChangeRecord.objects.exists()


def test_a_conflicting_batch_records_nothing(column):
    task = TaskFactory(matrix=column.matrix)
    with pytest.raises(CellConflict):
        grid_apply_changes(
            matrix=column.matrix,
            changes=[CellChange(task=task.pk, role="PM", expected="A", letters="R")],
        )
    assert not ChangeRecord.objects.exists()


def test_setting_the_same_letters_again_records_nothing(column):
    task = TaskFactory(matrix=column.matrix)
    assignment_set(matrix=column.matrix, task=task, role=column.role, letters="R")
    assignment_set(matrix=column.matrix, task=task, role=column.role, letters="r")
    assert ChangeRecord.objects.count() == 1


def test_task_changes_are_recorded_field_by_field(column, user):
    task = services.task_create(matrix=column.matrix, name="Launch", actor=Actor(user, Channel.WEB))
    services.task_update(task=task, name="Launch plan", stage="Programs", actor=Actor(user, Channel.WEB))
    services.task_update(task=task, archived=True)
    fields = list(
        ChangeRecord.objects.filter(kind="task").order_by("id").values_list("field", "before", "after")
    )
    assert fields == [
        ("created", "", "Launch"),
        ("name", "Launch", "Launch plan"),
        ("stage", "", "Programs"),
        ("archived", "False", "True"),
    ]


def test_column_changes_are_recorded(column):
    RoleFactory(organization=column.matrix.organization, code="PMM")
    services.matrix_update(matrix=column.matrix, columns=["PMM", "PM"])
    record = ChangeRecord.objects.get(kind="columns")
    assert (record.before, record.after) == ("PM", "PMM PM")


def test_imports_are_recorded_with_the_import_channel(column, user):
    TaskFactory(matrix=column.matrix, name="Pricing", stage="Business")
    matrix_import(
        matrix=column.matrix, data=b"Stage,Task,PM\nBusiness,Pricing,A\n", actor=Actor(user, Channel.API)
    )
    record = ChangeRecord.objects.get(kind="cell")
    assert (record.channel, record.actor, record.after) == ("import", user, "A")


def test_history_filters_by_task_role_and_person(column):
    organization = column.matrix.organization
    pmm = MatrixRoleFactory(matrix=column.matrix, role__code="PMM", role__organization=organization).role
    a, b = TaskFactory(matrix=column.matrix), TaskFactory(matrix=column.matrix)
    assignment_set(matrix=column.matrix, task=a, role=column.role, letters="A")
    assignment_set(matrix=column.matrix, task=b, role=pmm, letters="R")
    person = PersonFactory(organization=organization, roles=[pmm])
    assert [r.task_id for r in history_for_matrix(matrix=column.matrix, task_id=a.pk)] == [a.pk]
    assert [r.role_code for r in history_for_matrix(matrix=column.matrix, role_code="pmm")] == ["PMM"]
    assert [r.task_id for r in history_for_matrix(matrix=column.matrix, person=person)] == [b.pk]
