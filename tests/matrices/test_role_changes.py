"""A role renamed or deleted in the organization's settings changes every matrix showing it; the
matrices record that through their one writer."""

from __future__ import annotations

from orgs import services as org_services
from raci.matrices.models import ChangeRecord, Matrix
from raci.outbox.models import OutboxEvent
from tests.helpers import API


def test_renaming_a_role_records_the_new_column_in_each_matrix_showing_it(org, owner, build_matrix):
    shown = build_matrix(organization=org, tasks=2, roles=["PM", "PMM"], name="Shown")
    other = build_matrix(organization=org, tasks=2, roles=["ENG"], name="Other")
    org_services.role_update(role=org.roles.get(code="PMM"), code="PRODMKT", acting_user=owner, channel="web")
    record = ChangeRecord.objects.get(matrix=shown)
    assert (record.kind, record.before, record.after, record.actor, record.channel) == (
        "columns",
        "PM PMM",
        "PM PRODMKT",
        owner,
        "web",
    )
    assert Matrix.objects.get(pk=shown.pk).version == 2
    assert Matrix.objects.get(pk=other.pk).version == 1
    assert not ChangeRecord.objects.filter(matrix=other).exists()
    assert OutboxEvent.objects.filter(kind="matrix.changed").count() == 1


def test_deleting_a_role_records_its_column_and_every_cell_it_held(client_for, owner, org, build_matrix):
    matrix = build_matrix(organization=org, tasks=3, roles=["PM", "PMM"], fill="owner")
    pm = org.roles.get(code="PM")
    response = client_for(owner).delete(f"{API}orgs/{org.slug}/roles/{pm.pk}/")
    assert response.status_code == 204
    records = ChangeRecord.objects.filter(matrix=matrix)
    assert set(records.values_list("kind", "before", "after", "channel")) == {
        ("columns", "PM PMM", "PMM", "api"),
        ("cell", "AR", "", "api"),
    }
    assert records.filter(kind="cell").count() == 3
    assert set(records.values_list("version", flat=True)) == {2}
    cells = OutboxEvent.objects.get(kind="assignment.changed").payload["cells"]
    assert sorted(c["before"] for c in cells) == ["AR", "AR", "AR"]


def test_deleting_a_role_shown_by_an_archived_matrix_is_recorded_there_too(org, owner, build_matrix):
    matrix = build_matrix(organization=org, tasks=1, roles=["PM", "PMM"])
    Matrix.objects.filter(pk=matrix.pk).update(status=Matrix.Status.ARCHIVED)
    org_services.role_delete(role=org.roles.get(code="PMM"), acting_user=owner, channel="web")
    assert ChangeRecord.objects.filter(matrix=matrix, kind="columns", after="PM").exists()
    assert not org.roles.filter(code="PMM").exists()
