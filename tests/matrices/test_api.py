"""Matrices, tasks, assignments and a person's responsibilities over the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from frameworks.services import frameworks_load_builtin
from raci.matrices.models import Assignment, Matrix, Task
from tests.factories import PersonFactory, RoleFactory
from tests.helpers import matrix_state


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def roles(org):
    return {
        code: RoleFactory(organization=org, code=code, order=i) for i, code in enumerate(["PM", "PMM", "ENG"])
    }


@pytest.fixture
def matrix(org, roles, build_matrix):
    """Pricing (stage Business): PM A, PMM R; Launch (stage Programs): PMM A/R, ENG C."""
    return build_matrix(
        organization=org,
        tasks=["Pricing", "Launch"],
        roles=list(roles),
        stages=["Business", "Programs"],
        fill="empty",
        cells={
            ("Pricing", "PM"): "A",
            ("Pricing", "PMM"): "R",
            ("Launch", "PMM"): "AR",
            ("Launch", "ENG"): "C",
        },
    )


def _url(name, matrix, *extra):
    return reverse(name, args=[matrix.organization.slug, matrix.pk, *extra])


def test_adopting_a_framework_by_slug_creates_the_matrix(api, org, editor, roles):
    frameworks_load_builtin()
    api.force_authenticate(editor)
    response = api.post(
        reverse("api-matrices", args=[org.slug]),
        {"name": "Ours", "framework": "product-launch", "include": ["Prepare"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["framework"] == "product-launch"
    assert body["columns"] == ["PM", "PMM", "ENG"]
    matrix = Matrix.objects.get(pk=body["id"])
    assert set(matrix.tasks.values_list("stage", flat=True)) == {"Prepare"}
    assert Assignment.objects.filter(task__matrix=matrix).exists()


def test_adopting_with_a_role_map(api, org, editor, roles):
    frameworks_load_builtin()
    api.force_authenticate(editor)
    response = api.post(
        reverse("api-matrices", args=[org.slug]),
        {"name": "Ours", "framework": "pm-vs-pmm", "role_map": {"PMM": "PM", "SALES": None}},
        format="json",
    )
    assert response.status_code == 201
    assert not Assignment.objects.filter(task__matrix_id=response.json()["id"], role__code="PMM").exists()


def test_adopting_an_unknown_framework_is_a_400(api, org, editor):
    api.force_authenticate(editor)
    response = api.post(
        reverse("api-matrices", args=[org.slug]), {"name": "X", "framework": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["details"]["framework"] == ["No framework 'nope'."]
    assert not Matrix.objects.exists()


def test_creating_an_empty_matrix_with_a_scheme_and_columns(api, org, editor, roles):
    api.force_authenticate(editor)
    response = api.post(
        reverse("api-matrices", args=[org.slug]),
        {"name": "Decisions", "scheme": "DACI", "columns": ["ENG", "pm"]},
        format="json",
    )
    assert response.status_code == 201
    assert (response.json()["scheme"], response.json()["columns"]) == ("DACI", ["ENG", "PM"])
    created = Matrix.objects.get(pk=response.json()["id"])
    assert (created.organization, created.name, created.scheme) == (org, "Decisions", "DACI")
    assert list(created.columns.order_by("order").values_list("role__code", flat=True)) == ["ENG", "PM"]


def test_viewer_cannot_create_a_matrix(api, org, viewer):
    api.force_authenticate(viewer)
    assert api.post(reverse("api-matrices", args=[org.slug]), {"name": "X"}, format="json").status_code == 403
    assert not Matrix.objects.exists()


def test_matrix_list_is_paginated_and_shows_columns(api, org, viewer, matrix):
    api.force_authenticate(viewer)
    body = api.get(reverse("api-matrices", args=[org.slug])).json()
    assert body["count"] == 1
    assert body["results"][0]["columns"] == ["PM", "PMM", "ENG"]


def test_editor_renames_and_publishes_and_sets_columns(api, editor, matrix):
    api.force_authenticate(editor)
    response = api.patch(
        _url("api-matrix", matrix),
        {"name": "Who does what", "status": "published", "columns": ["PMM", "PM"]},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["status"], response.json()["columns"]) == (
        "Who does what",
        "published",
        ["PMM", "PM"],
    )
    assert response.json()["version"] == 2
    matrix.refresh_from_db()
    assert (matrix.name, matrix.status, matrix.version) == ("Who does what", "published", 2)
    assert list(matrix.columns.order_by("order").values_list("role__code", flat=True)) == ["PMM", "PM"]


def test_unknown_rule_setting_is_a_400_and_changes_nothing(api, editor, matrix):
    before = matrix_state(matrix)
    api.force_authenticate(editor)
    response = api.patch(_url("api-matrix", matrix), {"rule_settings": {"max_fun": 3}}, format="json")
    assert response.status_code == 400
    assert "Unknown setting max_fun" in response.json()["error"]["message"]
    assert matrix_state(matrix) == before


def test_out_of_range_rule_setting_is_a_400_and_changes_nothing(api, editor, matrix):
    before = matrix_state(matrix)
    api.force_authenticate(editor)
    response = api.patch(
        _url("api-matrix", matrix), {"rule_settings": {"accountable_share": 7}}, format="json"
    )
    assert response.status_code == 400
    assert matrix_state(matrix) == before


def test_only_owners_delete_a_matrix(api, editor, owner, matrix):
    before = matrix_state(matrix)
    api.force_authenticate(editor)
    assert api.delete(_url("api-matrix", matrix)).status_code == 403
    assert matrix_state(matrix) == before
    api.force_authenticate(owner)
    assert api.delete(_url("api-matrix", matrix)).status_code == 204
    assert not Matrix.objects.filter(pk=matrix.pk).exists()


def test_tasks_create_rename_archive_and_list(api, editor, matrix):
    api.force_authenticate(editor)
    created = api.post(
        _url("api-tasks", matrix), {"name": "Win/loss", "stage": "Market"}, format="json"
    ).json()
    assert created["order"] == 2
    api.patch(
        _url("api-task", matrix, created["id"]),
        {"name": "Win/loss analysis", "archived": True},
        format="json",
    )
    names = [t["name"] for t in api.get(_url("api-tasks", matrix)).json()["results"]]
    assert names == ["Pricing", "Launch"]
    with_archived = api.get(_url("api-tasks", matrix), {"archived": "true"}).json()["results"]
    assert with_archived[-1]["name"] == "Win/loss analysis"


def test_duplicate_task_name_is_a_400_and_adds_nothing(api, editor, matrix):
    before = matrix_state(matrix)
    api.force_authenticate(editor)
    response = api.post(_url("api-tasks", matrix), {"name": "pricing"}, format="json")
    assert response.status_code == 400
    assert "already has a task with this name" in response.json()["error"]["message"]
    assert matrix_state(matrix) == before


def test_reorder_tasks(api, editor, matrix):
    ids = list(matrix.tasks.values_list("id", flat=True))
    api.force_authenticate(editor)
    assert api.post(_url("api-tasks-reorder", matrix), {"order": ids[::-1]}, format="json").status_code == 204
    assert list(matrix.tasks.order_by("order").values_list("id", flat=True)) == ids[::-1]


def test_reorder_must_list_every_task_once(api, editor, matrix):
    ids = list(matrix.tasks.order_by("order").values_list("id", flat=True))
    before = matrix_state(matrix)
    api.force_authenticate(editor)
    response = api.post(_url("api-tasks-reorder", matrix), {"order": ids[::-1] + ids[:1]}, format="json")
    assert response.status_code == 400
    response = api.post(_url("api-tasks-reorder", matrix), {"order": ids[1:]}, format="json")
    assert response.status_code == 400
    assert matrix_state(matrix) == before


def test_task_of_another_matrix_is_404(api, editor, matrix, org):
    other = Matrix.objects.create(organization=org, name="Other")
    task = Task.objects.create(matrix=other, name="Elsewhere")
    api.force_authenticate(editor)
    assert api.get(_url("api-task", matrix, task.pk)).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"role": "pmm"}, {("Pricing", "PMM"), ("Launch", "PMM")}),
        ({"letter": "A"}, {("Pricing", "PM"), ("Launch", "PMM")}),
        ({"stage": "programs"}, {("Launch", "PMM"), ("Launch", "ENG")}),
    ],
)
def test_assignments_filter_by_role_letter_and_stage(api, viewer, matrix, query, expected):
    api.force_authenticate(viewer)
    rows = api.get(_url("api-assignments", matrix), query).json()["results"]
    assert {(r["task_name"], r["role"]) for r in rows} == expected


def test_assignments_filter_by_person_follows_the_roles_they_hold(api, viewer, matrix, roles, org):
    person = PersonFactory(organization=org, roles=[roles["ENG"]])
    api.force_authenticate(viewer)
    rows = api.get(_url("api-assignments", matrix), {"person": person.pk}).json()["results"]
    assert [(r["task_name"], r["role"], r["letters"]) for r in rows] == [("Launch", "ENG", "C")]


def test_person_responsibilities_list_every_letter_with_co_owners(api, viewer, matrix, roles, org):
    founder = PersonFactory(organization=org, name="Founder", roles=[roles["PM"], roles["PMM"]])
    api.force_authenticate(viewer)
    # The matrix was never published: its draft is where the letters are (published is the default).
    body = api.get(
        reverse("api-person-responsibilities", args=[org.slug, founder.pk]), {"revision": "draft"}
    ).json()
    assert body["person"]["roles"] == ["PM", "PMM"]
    assert {r["revision"] for r in body["responsibilities"]} == {None}
    rows = {(r["task"]["name"], r["role"], r["letters"]) for r in body["responsibilities"]}
    assert rows == {("Pricing", "PM", "A"), ("Pricing", "PMM", "R"), ("Launch", "PMM", "AR")}
    launch = next(r for r in body["responsibilities"] if r["task"]["name"] == "Launch")
    assert launch["co_owners"] == [{"role": "ENG", "letters": "C"}]


def test_person_responsibilities_of_another_organization_are_404(api, outsider, org):
    person = PersonFactory(organization=org)
    api.force_authenticate(outsider)
    assert api.get(reverse("api-person-responsibilities", args=[org.slug, person.pk])).status_code == 404


@pytest.mark.parametrize(("tasks", "roles"), [(5, 3), (200, 20)])
def test_assignment_list_query_count_is_constant(
    api, org, viewer, build_matrix, django_assert_max_num_queries, tasks, roles
):
    matrix = build_matrix(organization=org, tasks=tasks, roles=roles, name="Big", fill="sparse")
    api.force_authenticate(viewer)
    with django_assert_max_num_queries(6):
        assert api.get(_url("api-assignments", matrix)).status_code == 200
