"""Cells: one per task and role, letters from the matrix's scheme only."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from raci.matrices.models import Assignment, Matrix
from tests.factories import AssignmentFactory, MatrixFactory, RoleFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_a_second_assignment_for_the_same_task_and_role():
    assignment = AssignmentFactory(letters="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(task=assignment.task, role=assignment.role, letters="R")


def test_database_refuses_an_empty_assignment():
    assignment = AssignmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=assignment.pk).update(letters="")


def test_database_refuses_letters_that_are_not_capital_letters():
    assignment = AssignmentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=assignment.pk).update(letters="a/r")


def test_assignment_validation_rejects_a_letter_outside_the_scheme():
    assignment = AssignmentFactory.build(task=TaskFactory(), letters="X")
    assignment.role = RoleFactory(organization=assignment.task.matrix.organization)
    with pytest.raises(ValidationError) as raised:
        assignment.full_clean()
    assert "RACI has no letter X" in raised.value.message_dict["letters"][0]


def test_assignment_validation_normalizes_letters_to_the_scheme_order():
    task = TaskFactory()
    assignment = Assignment(task=task, role=RoleFactory(organization=task.matrix.organization), letters="r/a")
    assignment.full_clean()
    assert assignment.letters == "AR"


def test_assignment_validation_follows_the_matrix_scheme():
    task = TaskFactory(matrix=MatrixFactory(scheme="DACI"))
    assignment = Assignment(task=task, role=RoleFactory(organization=task.matrix.organization), letters="R")
    with pytest.raises(ValidationError, match="DACI has no letter R"):
        assignment.full_clean()


def test_assignment_validation_rejects_a_role_of_another_organization():
    task = TaskFactory()
    assignment = Assignment(task=task, role=RoleFactory(), letters="R")
    with pytest.raises(ValidationError, match="another organization"):
        assignment.full_clean()


def test_database_refuses_an_unknown_matrix_status():
    matrix = MatrixFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Matrix.objects.filter(pk=matrix.pk).update(status="lost")


def test_database_refuses_two_tasks_with_one_name_in_a_matrix_whatever_the_case():
    task = TaskFactory(name="Pricing")
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskFactory(matrix=task.matrix, name="PRICING")
