"""The one writer: every path that changes a matrix refuses an archived one, records history with
the actor and channel, bumps the version once and emits its event."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from raci.matrices import services
from raci.matrices.adoption import matrix_adopt
from raci.matrices.cells import CellChange, grid_apply_changes
from raci.matrices.history import Actor
from raci.matrices.imports import matrix_import
from raci.matrices.models import Assignment, ChangeRecord, Channel, Matrix, Task
from raci.outbox.models import OutboxEvent
from raci.revisions.services import matrix_publish, revision_restore
from tests.factories import ActivityFactory, FrameworkFactory, RoleFactory, StageFactory
from tests.helpers import API, assert_error


@pytest.fixture
def matrix(org, build_matrix):
    return build_matrix(organization=org, tasks=3, roles=["PM", "PMM"])


@pytest.fixture
def archived(matrix):
    Matrix.objects.filter(pk=matrix.pk).update(status=Matrix.Status.ARCHIVED)
    matrix.refresh_from_db()
    return matrix


def _snapshot(matrix):
    """Everything a change could touch."""
    matrix.refresh_from_db()
    return (
        matrix.version,
        matrix.name,
        matrix.status,
        sorted(
            Assignment.objects.filter(task__matrix=matrix).values_list("task_id", "role__code", "letters")
        ),
        sorted(Task.objects.filter(matrix=matrix).values_list("id", "name", "stage", "order", "archived")),
        list(matrix.columns.values_list("role__code", flat=True)),
        ChangeRecord.objects.filter(matrix=matrix).count(),
        OutboxEvent.objects.count(),
    )


def _csv(*rows):
    return io.BytesIO("\n".join(",".join(r) for r in rows).encode())


# --- Archived matrices change nothing -----------------------------------------------------------


def _patch_grid(client, matrix):
    task = matrix.tasks.first()
    return client.patch(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/grid/",
        {"changes": [{"task": task.pk, "role": "PMM", "expected": "", "letters": "C"}]},
        format="json",
    )


def _create_task(client, matrix):
    return client.post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/tasks/", {"name": "New"}, format="json"
    )


def _rename_task(client, matrix):
    task = matrix.tasks.first()
    return client.patch(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/tasks/{task.pk}/",
        {"name": "Renamed"},
        format="json",
    )


def _reorder(client, matrix):
    ids = list(matrix.tasks.order_by("-order").values_list("id", flat=True))
    return client.post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/tasks/reorder/",
        {"order": ids},
        format="json",
    )


def _columns(client, matrix):
    return client.patch(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/",
        {"columns": ["PMM", "PM"]},
        format="json",
    )


def _rename_matrix(client, matrix):
    return client.patch(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/", {"name": "Other"}, format="json"
    )


def _import(client, matrix):
    return client.post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/import/",
        {"file": _csv(["Stage", "Task", "PM", "PMM"], ["S", "Task 0", "A/R", "C"])},
        format="multipart",
    )


def _import_dry_run(client, matrix):
    return client.post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/import/?dry_run=1",
        {"file": _csv(["Stage", "Task", "PM", "PMM"], ["S", "Task 0", "A/R", "C"])},
        format="multipart",
    )


def _publish(client, matrix):
    return client.post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/revisions/", {}, format="json"
    )


@pytest.mark.parametrize(
    "attempt",
    [
        _patch_grid,
        _create_task,
        _rename_task,
        _reorder,
        _columns,
        _rename_matrix,
        _import,
        _import_dry_run,
        _publish,
    ],
)
def test_api_refuses_every_change_to_an_archived_matrix_with_409(client_for, owner, archived, attempt):
    before = _snapshot(archived)
    response = attempt(client_for(owner), archived)
    error = assert_error(response, 409, "matrix_archived")
    assert "archived" in error["message"]
    assert _snapshot(archived) == before


def test_api_refuses_to_restore_a_revision_into_an_archived_matrix(client_for, owner, matrix):
    matrix_publish(matrix=matrix)
    Matrix.objects.filter(pk=matrix.pk).update(status=Matrix.Status.ARCHIVED)
    before = _snapshot(matrix)
    response = client_for(owner).post(
        f"{API}orgs/{matrix.organization.slug}/matrices/{matrix.pk}/revisions/1/restore/", format="json"
    )
    assert_error(response, 409, "matrix_archived")
    assert _snapshot(matrix) == before


def test_editor_cell_edit_on_an_archived_matrix_shows_why_and_changes_nothing(client, owner, archived):
    client.force_login(owner)
    task = archived.tasks.first()
    before = _snapshot(archived)
    response = client.post(
        reverse("matrix-cell", args=[archived.organization.slug, archived.pk]),
        {"task": task.pk, "role": "PMM", "expected": "", "letters": "C"},
        HTTP_HX_REQUEST="true",
    )
    assert "is archived; restore it to draft to change it." in response.content.decode()
    assert _snapshot(archived) == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("task-add", {"name": "New task"}),
        ("matrix-columns", {"action": "remove", "role": "PMM"}),
    ],
)
def test_editor_forms_on_an_archived_matrix_say_why_and_change_nothing(client, owner, archived, name, data):
    client.force_login(owner)
    before = _snapshot(archived)
    response = client.post(reverse(name, args=[archived.organization.slug, archived.pk]), data, follow=True)
    assert "is archived; restore it to draft to change it." in response.content.decode()
    assert _snapshot(archived) == before


def test_editor_page_of_an_archived_matrix_offers_to_restore_it(client, owner, archived):
    client.force_login(owner)
    page = client.get(
        reverse("matrix-detail", args=[archived.organization.slug, archived.pk])
    ).content.decode()
    assert "This matrix is archived" in page
    assert reverse("matrix-settings", args=[archived.organization.slug, archived.pk]) in page


def test_an_archived_matrix_is_restored_to_draft_and_is_editable_again(client_for, owner, archived):
    url = f"{API}orgs/{archived.organization.slug}/matrices/{archived.pk}/"
    response = client_for(owner).patch(url, {"status": "draft"}, format="json")
    assert response.status_code == 200
    archived.refresh_from_db()
    assert archived.status == Matrix.Status.DRAFT
    record = ChangeRecord.objects.filter(matrix=archived, field="status").get()
    assert (record.before, record.after, record.actor, record.channel) == ("archived", "draft", owner, "api")
    assert _create_task(client_for(owner), archived).status_code == 201


def test_an_archived_matrix_can_still_be_deleted_by_an_owner(client_for, owner, archived, org):
    response = client_for(owner).delete(f"{API}orgs/{org.slug}/matrices/{archived.pk}/")
    assert response.status_code == 204
    assert not Matrix.objects.filter(pk=archived.pk).exists()


# --- History, version and events: once per change ----------------------------------------------


def test_a_batch_of_cells_bumps_the_version_once_and_records_each_cell(matrix, owner):
    tasks = list(matrix.tasks.order_by("order"))
    result = grid_apply_changes(
        matrix=matrix,
        changes=[CellChange(task=t.pk, role="PMM", expected="", letters="C") for t in tasks],
        actor=Actor(owner, Channel.API),
    )
    assert result.version == 2
    assert matrix.version == 2  # the caller's instance is current: nothing to reload
    records = ChangeRecord.objects.filter(matrix=matrix, kind="cell")
    assert records.count() == 3
    assert set(records.values_list("version", "actor", "channel")) == {(2, owner.pk, "api")}
    event = OutboxEvent.objects.get(kind="assignment.changed")
    assert event.payload["matrix"]["version"] == 2
    assert len(event.payload["cells"]) == 3
    assert event.payload["by"] == {"user": "owner", "channel": "api"}


def test_a_change_that_changes_nothing_keeps_the_version_and_records_nothing(matrix):
    task = matrix.tasks.first()
    result = grid_apply_changes(
        matrix=matrix, changes=[CellChange(task=task.pk, role="PM", expected="A/R", letters="RA")]
    )
    assert (result.changed, result.version) == (False, 1)
    assert not ChangeRecord.objects.filter(matrix=matrix).exists()
    assert not OutboxEvent.objects.exists()


def test_adopting_a_framework_records_who_created_the_matrix(org, owner):
    RoleFactory(organization=org, code="PM")
    activity = ActivityFactory(
        stage=StageFactory(framework=FrameworkFactory(name="Lean")), suggested_letters={"PM": "AR"}
    )
    matrix = matrix_adopt(
        organization=org, framework=activity.stage.framework, name="Ours", actor=Actor(owner, Channel.WEB)
    )
    assert matrix.version == 1
    record = ChangeRecord.objects.get(matrix=matrix)
    assert (record.kind, record.field, record.actor, record.channel, record.version) == (
        "matrix",
        "created",
        owner,
        "web",
        1,
    )
    assert "Lean" in record.after
    assert OutboxEvent.objects.filter(kind="matrix.changed").count() == 1


def test_adopting_in_the_browser_records_the_signed_in_user(client, org, owner):
    RoleFactory(organization=org, code="PM")
    activity = ActivityFactory(
        stage=StageFactory(framework=FrameworkFactory(slug="lean")), suggested_letters={"PM": "AR"}
    )
    client.force_login(owner)
    client.post(
        reverse("adopt-framework", args=[org.slug, "lean"]),
        {"name": "From the browser", "activity": [activity.pk], "map-PM": "PM"},
    )
    matrix = Matrix.objects.get(name="From the browser")
    assert ChangeRecord.objects.filter(matrix=matrix, field="created", actor=owner, channel="web").exists()


def test_an_import_bumps_the_version_once_and_is_recorded_with_the_import_channel(matrix, owner):
    matrix_import(
        matrix=matrix,
        data=_csv(
            ["Stage", "Task", "PM", "PMM"], ["S", "Task 0", "A/R", "C"], ["S", "Brand new", "A", "R"]
        ).getvalue(),
        filename="m.csv",
        actor=Actor(owner, Channel.API),
    )
    assert matrix.version == 2
    assert set(ChangeRecord.objects.filter(matrix=matrix).values_list("channel", "version")) == {
        ("import", 2)
    }
    assert set(OutboxEvent.objects.values_list("kind", flat=True)) == {"assignment.changed", "matrix.changed"}


def test_restoring_a_revision_records_the_restore_and_the_cells_it_changed(matrix, owner):
    matrix_publish(matrix=matrix)
    task = matrix.tasks.first()
    grid_apply_changes(
        matrix=matrix, changes=[CellChange(task=task.pk, role="PMM", expected="", letters="C")]
    )
    OutboxEvent.objects.all().delete()
    revision_restore(revision=matrix.revisions.get(), actor=Actor(owner, Channel.WEB))
    matrix.refresh_from_db()
    assert matrix.status == Matrix.Status.DRAFT
    latest = ChangeRecord.objects.filter(matrix=matrix, version=matrix.version)
    assert set(latest.values_list("field", "before", "after")) == {
        ("restored", "", "revision 1"),
        ("letters", "C", ""),
    }
    assert OutboxEvent.objects.filter(kind="assignment.changed").count() == 1


def test_republishing_records_the_publication_without_a_new_version(matrix):
    matrix_publish(matrix=matrix)
    version = Matrix.objects.get(pk=matrix.pk).version
    matrix_publish(matrix=matrix)
    assert Matrix.objects.get(pk=matrix.pk).version == version
    assert ChangeRecord.objects.filter(matrix=matrix, field="published").count() == 2
    assert not OutboxEvent.objects.filter(kind="matrix.changed").exists()


def test_deleting_a_matrix_goes_through_the_service_and_tells_webhooks(client_for, owner, matrix, org):
    response = client_for(owner).delete(f"{API}orgs/{org.slug}/matrices/{matrix.pk}/")
    assert response.status_code == 204
    assert not Matrix.objects.filter(pk=matrix.pk).exists()
    event = OutboxEvent.objects.get(kind="matrix.deleted")
    assert event.payload["matrix"]["id"] == matrix.pk
    assert event.payload["by"] == {"user": "owner", "channel": "api"}


def test_an_editor_cannot_delete_a_matrix(client_for, editor, matrix, org):
    response = client_for(editor).delete(f"{API}orgs/{org.slug}/matrices/{matrix.pk}/")
    assert_error(response, 403)
    assert Matrix.objects.filter(pk=matrix.pk).exists()


def test_a_refused_change_rolls_back_its_history_and_events(matrix):
    task = matrix.tasks.first()
    with pytest.raises(Exception, match="already has a task"):
        services.task_update(task=task, name=matrix.tasks.last().name.upper())
    assert not ChangeRecord.objects.filter(matrix=matrix).exists()
    assert not OutboxEvent.objects.exists()
    assert Matrix.objects.get(pk=matrix.pk).version == 1


def test_creating_a_matrix_with_columns_is_one_change(org, owner):
    RoleFactory(organization=org, code="PM")
    RoleFactory(organization=org, code="ENG")
    matrix = services.matrix_create(organization=org, name="Blank", columns=["ENG", "PM"], actor=Actor(owner))
    assert matrix.version == 1
    assert list(matrix.columns.values_list("role__code", flat=True)) == ["ENG", "PM"]
    assert ChangeRecord.objects.filter(matrix=matrix).count() == 1


def test_publishing_an_archived_matrix_in_the_browser_says_why_and_publishes_nothing(client, owner, archived):
    client.force_login(owner)
    before = _snapshot(archived)
    response = client.post(
        reverse("revision-list", args=[archived.organization.slug, archived.pk]), {"note": "x"}
    )
    assert response.status_code == 409
    assert "is archived; restore it to draft to change it." in response.content.decode()
    assert _snapshot(archived) == before
    assert not archived.revisions.exists()


def test_restoring_into_an_archived_matrix_in_the_browser_says_why_and_changes_nothing(client, owner, matrix):
    matrix_publish(matrix=matrix)
    Matrix.objects.filter(pk=matrix.pk).update(status=Matrix.Status.ARCHIVED)
    client.force_login(owner)
    before = _snapshot(matrix)
    response = client.post(
        reverse("revision-restore", args=[matrix.organization.slug, matrix.pk, 1]), follow=True
    )
    assert "is archived; restore it to draft to change it." in response.content.decode()
    assert _snapshot(matrix) == before
