"""What every API test checks: the one error shape; and what a write test checks: the state a
refused write must leave as it was."""

from __future__ import annotations

from orgs.models import Membership, Organization, Person, Role
from raci.matrices.models import Assignment, ChangeRecord, Matrix, MatrixRole, Task
from raci.outbox.models import OutboxEvent
from raci.revisions.models import Acknowledgement, Revision, SignOff

API = "/api/v1/"


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The answer has ``status`` and the one error shape; returns the ``error`` object."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message", "details"} <= set(error)
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["details"], dict)
    if code is not None:
        assert error["code"] == code
    return error


def matrix_state(matrix: Matrix) -> tuple:
    """Everything a write to ``matrix`` can change, to compare before and after a refused one: the
    matrix row (None once deleted), its columns, tasks and cells, its history, revisions, sign-offs
    and acknowledgements, and its organization's outbox events."""
    pk = matrix.pk
    return (
        Matrix.objects.filter(pk=pk).values().first(),
        list(MatrixRole.objects.filter(matrix_id=pk).order_by("order", "pk").values_list("role_id", "order")),
        list(Task.objects.filter(matrix_id=pk).order_by("pk").values()),
        sorted(Assignment.objects.filter(task__matrix_id=pk).values_list("task_id", "role_id", "letters")),
        ChangeRecord.objects.filter(matrix_id=pk).count(),
        sorted(Revision.objects.filter(matrix_id=pk).values_list("number", "note", "override_reason")),
        sorted(SignOff.objects.filter(revision__matrix_id=pk).values_list("id", "decision", "comment")),
        sorted(
            Acknowledgement.objects.filter(revision__matrix_id=pk).values_list("revision_id", "person_id")
        ),
        OutboxEvent.objects.filter(organization_id=matrix.organization_id).count(),
    )


def organization_state(organization: Organization) -> tuple:
    """Everything a write to ``organization``'s own rows can change (the organization, its members,
    roles and people), to compare before and after a refused one."""
    pk = organization.pk
    return (
        Organization.objects.filter(pk=pk).values().first(),
        sorted(Membership.objects.filter(organization_id=pk).values_list("id", "user_id", "level")),
        sorted(
            Role.objects.filter(organization_id=pk).values_list("id", "code", "name", "description", "order")
        ),
        sorted(
            Person.objects.filter(organization_id=pk).values_list("id", "name", "email", "active", "user_id")
        ),
        sorted(
            Person.roles.through.objects.filter(person__organization_id=pk).values_list(
                "person_id", "role_id"
            )
        ),
    )
