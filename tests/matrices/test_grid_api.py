"""The grid document and conflict-safe batch edits: the contract scripts rely on."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from raci.matrices.models import Assignment, Matrix
from tests.factories import OrganizationFactory
from tests.helpers import matrix_state


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def matrix(org, build_matrix) -> Matrix:
    """Three tasks (Task 0, 1, 2) in stage Market, columns PM, PMM, ENG, A/R on PM for every task."""
    return build_matrix(organization=org, tasks=3, roles=["PM", "PMM", "ENG"], stages="Market")


def _url(matrix):
    return reverse("api-grid", args=[matrix.organization.slug, matrix.pk])


def _change(task, role, expected, letters):
    return {
        "task": task.pk if hasattr(task, "pk") else task,
        "role": role,
        "expected": expected,
        "letters": letters,
    }


def _letters(matrix, task, code):
    row = Assignment.objects.filter(task=task, role__code=code).first()
    return row.letters if row else ""


@pytest.mark.parametrize("member", ["owner", "editor", "viewer"])
def test_members_get_the_grid_document(api, matrix, member, request):
    api.force_authenticate(request.getfixturevalue(member))
    body = api.get(_url(matrix)).json()
    assert set(body) == {"id", "name", "version", "scheme", "roles", "tasks", "cells", "shows"}
    assert body["shows"] == {
        "shows": "draft",
        "revision": None,
        "version": body["version"],
        "published_at": None,
    }
    assert body["roles"][0] == {"id": body["roles"][0]["id"], "code": "PM", "name": "PM role"}
    assert body["tasks"][0] == {"id": body["tasks"][0]["id"], "name": "Task 0", "stage": "Market", "order": 0}
    assert {"task": body["tasks"][0]["id"], "role": "PM", "letters": "AR"} in body["cells"]
    assert len(body["cells"]) == 3


def test_outsider_gets_404_for_the_grid(api, matrix, outsider):
    api.force_authenticate(outsider)
    response = api.get(_url(matrix))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_grid_has_an_etag_and_answers_304_when_unchanged(api, matrix, viewer):
    api.force_authenticate(viewer)
    first = api.get(_url(matrix))
    assert first["ETag"] == f'"m{matrix.pk}-v{matrix.version}"'
    assert api.get(_url(matrix), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_batch_edit_applies_every_change_and_bumps_the_version(api, matrix, editor):
    t0, t1 = matrix.tasks.all()[:2]
    api.force_authenticate(editor)
    response = api.patch(
        _url(matrix),
        {"changes": [_change(t0, "PMM", "", "C"), _change(t1, "PM", "AR", "A"), _change(t1, "ENG", "", "R")]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["version"] == matrix.version + 1
    assert (_letters(matrix, t0, "PMM"), _letters(matrix, t1, "PM"), _letters(matrix, t1, "ENG")) == (
        "C",
        "A",
        "R",
    )
    assert response["ETag"] == f'"m{matrix.pk}-v{matrix.version + 1}"'


def test_batch_edit_accepts_letters_written_with_slashes_and_stores_them_canonically(api, matrix, editor):
    task = matrix.tasks.first()
    api.force_authenticate(editor)
    response = api.patch(_url(matrix), {"changes": [_change(task, "PMM", "", "r/a")]}, format="json")
    assert response.json()["cells"] == [{"task": task.pk, "role": "PMM", "letters": "AR"}]
    assert _letters(matrix, task, "PMM") == "AR"


def test_empty_letters_clear_the_cell(api, matrix, editor):
    task = matrix.tasks.first()
    api.force_authenticate(editor)
    api.patch(_url(matrix), {"changes": [_change(task, "PM", "AR", "")]}, format="json")
    assert not Assignment.objects.filter(task=task, role__code="PM").exists()


def test_stale_expected_letters_give_409_with_current_cells_and_change_nothing(api, matrix, editor):
    t0, t1 = matrix.tasks.all()[:2]
    api.force_authenticate(editor)
    response = api.patch(
        _url(matrix),
        {"changes": [_change(t0, "PMM", "", "C"), _change(t1, "PM", "R", "C")]},  # t1/PM holds AR, not R
        format="json",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict"
    assert error["cells"] == [{"task": t1.pk, "role": "PM", "expected": "R", "letters": "AR"}]
    assert _letters(matrix, t0, "PMM") == ""
    matrix.refresh_from_db()
    assert matrix.version == 1


def test_two_editors_changing_different_cells_both_succeed(api, matrix, editor, owner):
    t0, t1 = matrix.tasks.all()[:2]
    other = APIClient()
    api.force_authenticate(editor)
    other.force_authenticate(owner)
    first = api.patch(_url(matrix), {"changes": [_change(t0, "PMM", "", "C")]}, format="json")
    second = other.patch(_url(matrix), {"changes": [_change(t1, "ENG", "", "I")]}, format="json")
    assert (first.status_code, second.status_code) == (200, 200)
    assert (_letters(matrix, t0, "PMM"), _letters(matrix, t1, "ENG")) == ("C", "I")


def test_two_editors_changing_the_same_cell_the_second_gets_409(api, matrix, editor, owner):
    task = matrix.tasks.first()
    other = APIClient()
    api.force_authenticate(editor)
    other.force_authenticate(owner)
    assert (
        api.patch(_url(matrix), {"changes": [_change(task, "PMM", "", "C")]}, format="json").status_code
        == 200
    )
    response = other.patch(_url(matrix), {"changes": [_change(task, "PMM", "", "R")]}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["cells"][0]["letters"] == "C"
    assert _letters(matrix, task, "PMM") == "C"


def test_if_match_with_an_old_etag_gives_412_and_changes_nothing(api, matrix, editor):
    task = matrix.tasks.first()
    api.force_authenticate(editor)
    old = api.get(_url(matrix))["ETag"]
    api.patch(_url(matrix), {"changes": [_change(task, "ENG", "", "I")]}, format="json")
    response = api.patch(
        _url(matrix), {"changes": [_change(task, "PMM", "", "C")]}, format="json", HTTP_IF_MATCH=old
    )
    assert response.status_code == 412
    assert response.json()["error"]["version"] == matrix.version + 1
    assert _letters(matrix, task, "PMM") == ""


def test_if_match_with_the_current_etag_applies(api, matrix, editor):
    api.force_authenticate(editor)
    tag = api.get(_url(matrix))["ETag"]
    task = matrix.tasks.first()
    change = _change(task, "PMM", "", "C")
    assert api.patch(_url(matrix), {"changes": [change]}, format="json", HTTP_IF_MATCH=tag).status_code == 200
    assert _letters(matrix, task, "PMM") == "C"


def test_bad_letters_anywhere_in_the_batch_give_400_naming_the_change_and_nothing_is_applied(
    api, matrix, editor
):
    t0, t1 = matrix.tasks.all()[:2]
    api.force_authenticate(editor)
    response = api.patch(
        _url(matrix), {"changes": [_change(t0, "PMM", "", "C"), _change(t1, "ENG", "", "AC")]}, format="json"
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "A and C may not share a cell" in error["details"]["changes"]["1"]["letters"]
    assert _letters(matrix, t0, "PMM") == ""


def test_unknown_task_or_role_is_a_400_for_that_change_and_nothing_is_applied(
    api, matrix, editor, build_matrix
):
    theirs = build_matrix(organization=OrganizationFactory(), name="Theirs")
    foreign = theirs.tasks.first()
    before = (matrix_state(matrix), matrix_state(theirs))
    api.force_authenticate(editor)
    response = api.patch(
        _url(matrix),
        {"changes": [_change(foreign, "PM", "", "C"), _change(matrix.tasks.first(), "CEO", "", "C")]},
        format="json",
    )
    details = response.json()["error"]["details"]["changes"]
    assert response.status_code == 400
    assert "No task" in details["0"]["task"]
    assert "CEO is not a column" in details["1"]["role"]
    assert (matrix_state(matrix), matrix_state(theirs)) == before


def test_the_same_cell_twice_in_one_batch_is_refused_and_nothing_is_applied(api, matrix, editor):
    task = matrix.tasks.first()
    before = matrix_state(matrix)
    api.force_authenticate(editor)
    response = api.patch(
        _url(matrix),
        {"changes": [_change(task, "ENG", "", "C"), _change(task, "ENG", "C", "R")]},
        format="json",
    )
    assert response.status_code == 400
    assert matrix_state(matrix) == before


def test_viewer_gets_403_on_batch_edit_and_nothing_changes(api, matrix, viewer):
    before = matrix_state(matrix)
    api.force_authenticate(viewer)
    response = api.patch(
        _url(matrix), {"changes": [_change(matrix.tasks.first(), "PMM", "", "C")]}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert matrix_state(matrix) == before


def test_batch_without_changes_is_a_400_and_changes_nothing(api, matrix, editor):
    before = matrix_state(matrix)
    api.force_authenticate(editor)
    assert api.patch(_url(matrix), {"changes": []}, format="json").status_code == 400
    assert matrix_state(matrix) == before


@pytest.mark.parametrize(("tasks", "roles"), [(5, 3), (200, 20)])
def test_grid_get_query_count_is_constant(
    api, org, owner, build_matrix, django_assert_max_num_queries, tasks, roles
):
    matrix = build_matrix(organization=org, tasks=tasks, roles=roles, stages="Market")
    api.force_authenticate(owner)
    with django_assert_max_num_queries(8):
        assert api.get(_url(matrix)).status_code == 200


@pytest.mark.parametrize(("tasks", "roles"), [(5, 3), (200, 20)])
def test_batch_edit_query_count_is_constant(
    api, org, owner, build_matrix, django_assert_max_num_queries, tasks, roles
):
    codes = [f"R{i}" for i in range(roles)]
    matrix = build_matrix(organization=org, tasks=tasks, roles=codes, stages="Market")
    # The same 10-cell batch against a small and a large matrix: the matrix's size must not matter.
    task_rows = list(matrix.tasks.all()[:5])
    changes = [_change(t, codes[1], "", "C") for t in task_rows] + [
        _change(t, codes[0], "AR", "A") for t in task_rows
    ]
    api.force_authenticate(owner)
    # membership, matrix, savepoint, lock, the cells (tasks, columns and letters in one), insert,
    # update, version bump (UPDATE … RETURNING), history, outbox event, savepoint release
    with django_assert_max_num_queries(11):
        assert api.patch(_url(matrix), {"changes": changes}, format="json").status_code == 200
    assert [(_letters(matrix, t, codes[0]), _letters(matrix, t, codes[1])) for t in task_rows] == [
        ("A", "C")
    ] * 5


@pytest.mark.parametrize(("tasks", "roles"), [(5, 3), (200, 20)])
def test_single_cell_edit_runs_ten_statements_at_any_size(
    api, org, owner, build_matrix, django_assert_num_queries, tasks, roles
):
    codes = [f"R{i}" for i in range(roles)]
    matrix = build_matrix(organization=org, tasks=tasks, roles=codes, stages="Market")
    task = matrix.tasks.first()
    api.force_authenticate(owner)
    # The most frequent write of the product: membership, matrix, savepoint, lock, the cell (task,
    # column and letters in one query), the write, version bump, history, outbox event, release.
    with django_assert_num_queries(10):
        response = api.patch(_url(matrix), {"changes": [_change(task, codes[1], "", "C")]}, format="json")
    assert response.status_code == 200
    assert _letters(matrix, task, codes[1]) == "C"
