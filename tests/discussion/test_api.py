"""The threads API: start, list, read, reply, resolve, reopen; bad input gets a clear 400 in the
one error shape and writes nothing."""

from __future__ import annotations

import pytest

from raci.discussion.models import COMMENT_MAX_LENGTH, Comment, Thread
from raci.matrices.models import Matrix
from tests.discussion.conftest import thread_api, threads_api
from tests.helpers import assert_error


def test_editor_starts_a_thread_on_a_cell(client_for, matrix, task, editor):
    response = client_for(editor).post(
        threads_api(matrix), {"task": task.pk, "role": "ENG", "body": "ENG should be C"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["task"] == {"id": task.pk, "name": task.name}
    assert (body["role"], body["state"], body["created_by"]) == ("ENG", "open", "editor")
    assert [c["body"] for c in body["comments"]] == ["ENG should be C"]


def test_a_thread_on_the_task_itself_has_a_null_role(client_for, matrix, task, owner):
    response = client_for(owner).post(
        threads_api(matrix), {"task": task.pk, "body": "Split it?"}, format="json"
    )
    assert response.json()["role"] is None


def test_list_shows_open_threads_by_default_and_resolved_on_request(client_for, matrix, thread, owner, task):
    client = client_for(owner)
    client.patch(thread_api(matrix, thread.pk), {"resolved": True}, format="json")
    client.post(threads_api(matrix), {"task": task.pk, "body": "Still open"}, format="json")
    open_ = client.get(threads_api(matrix)).json()["results"]
    resolved = client.get(threads_api(matrix), {"state": "resolved"}).json()["results"]
    every = client.get(threads_api(matrix), {"state": "all"}).json()["results"]
    assert [t["comments"][0]["body"] for t in open_] == ["Still open"]
    assert [t["id"] for t in resolved] == [thread.pk]
    assert resolved[0]["resolved_revision"] == 1
    assert len(every) == 2


def test_list_filters_by_task_and_cell(client_for, matrix, thread, owner, task):
    client = client_for(owner)
    client.post(threads_api(matrix), {"task": task.pk, "body": "On the task"}, format="json")
    on_cell = client.get(threads_api(matrix), {"task": task.pk, "role": "PM"}).json()["results"]
    on_task = client.get(threads_api(matrix), {"task": task.pk}).json()["results"]
    assert [t["id"] for t in on_cell] == [thread.pk]
    assert len(on_task) == 2


@pytest.mark.parametrize(("query", "field"), [({"state": "closed"}, "state"), ({"task": "x"}, "task")])
def test_list_refuses_junk_filters(client_for, matrix, owner, query, field):
    error = assert_error(client_for(owner).get(threads_api(matrix), query), 400)
    assert field in error["details"]


def test_reply_and_reopen(client_for, matrix, thread, owner):
    client = client_for(owner)
    reply = client.post(thread_api(matrix, thread.pk) + "comments/", {"body": "Done"}, format="json")
    assert reply.status_code == 201
    assert reply.json()["author"] == "owner"
    client.patch(thread_api(matrix, thread.pk), {"resolved": True}, format="json")
    reopened = client.patch(thread_api(matrix, thread.pk), {"resolved": False}, format="json").json()
    assert (reopened["state"], reopened["resolved_revision"], len(reopened["comments"])) == ("open", None, 2)


@pytest.mark.parametrize(
    "body",
    [
        {"body": ""},
        {"body": "   "},
        {},
        {"body": "x" * (COMMENT_MAX_LENGTH + 1)},
        {"body": "null \x00 byte"},
        {"body": ["a list"]},
    ],
    ids=["empty", "blank", "missing", "too-long", "nul", "list"],
)
def test_bad_comment_bodies_get_400_on_body_and_write_nothing(client_for, matrix, thread, owner, body):
    response = client_for(owner).post(thread_api(matrix, thread.pk) + "comments/", body, format="json")
    error = assert_error(response, 400)
    assert "body" in error["details"]
    assert Comment.objects.count() == 1


def test_a_ten_megabyte_body_is_refused_without_a_server_error(client_for, matrix, thread, owner):
    response = client_for(owner).post(
        thread_api(matrix, thread.pk) + "comments/", {"body": "x" * 10_000_000}, format="json"
    )
    assert_error(response, response.status_code)
    assert response.status_code in (400, 413)
    assert Comment.objects.count() == 1


def test_mentioning_a_non_member_is_a_400_naming_them(client_for, matrix, thread, owner, outsider):
    response = client_for(owner).post(
        thread_api(matrix, thread.pk) + "comments/", {"body": "@outsider?"}, format="json"
    )
    error = assert_error(response, 400)
    assert error["details"]["body"] == [
        "@outsider is not a member of Acme: mention members by their username."
    ]


def test_script_tags_come_back_as_the_text_that_was_written(client_for, matrix, thread, owner):
    client = client_for(owner)
    client.post(thread_api(matrix, thread.pk) + "comments/", {"body": "<script>x()</script>"}, format="json")
    comments = client.get(thread_api(matrix, thread.pk)).json()["comments"]
    assert comments[-1]["body"] == "<script>x()</script>"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"role": "PM", "body": "x"}, "task"),
        ({"task": 10**17, "body": "x"}, "task"),
        ({"task": "one", "body": "x"}, "task"),
        ({"task": 0, "body": "x"}, "task"),
        ({"task": "TASK", "role": "CEO", "body": "x"}, "role"),
    ],
)
def test_starting_a_thread_on_something_not_in_the_matrix_is_a_400(
    client_for, matrix, task, owner, payload, field
):
    if payload.get("task") == "TASK":
        payload = {**payload, "task": task.pk}
    error = assert_error(client_for(owner).post(threads_api(matrix), payload, format="json"), 400)
    assert field in error["details"]
    assert not Thread.objects.exists()


def test_an_archived_matrix_answers_409(client_for, matrix, thread, owner):
    Matrix.objects.filter(pk=matrix.pk).update(status=Matrix.Status.ARCHIVED)
    response = client_for(owner).post(
        thread_api(matrix, thread.pk) + "comments/", {"body": "x"}, format="json"
    )
    assert_error(response, 409, "matrix_archived")


@pytest.mark.parametrize("thread_id", ["999999", str(10**19)])
def test_a_missing_thread_is_404(client_for, matrix, owner, thread_id):
    assert_error(client_for(owner).get(threads_api(matrix) + f"{thread_id}/"), 404)


def test_commenting_leaves_the_grid_etag_alone(client_for, matrix, thread, owner):
    client = client_for(owner)
    grid = f"/api/v1/orgs/{matrix.organization.slug}/matrices/{matrix.pk}/grid/"
    before = client.get(grid)["ETag"]
    client.post(thread_api(matrix, thread.pk) + "comments/", {"body": "x"}, format="json")
    assert client.get(grid)["ETag"] == before


def test_the_schema_documents_the_threads_endpoints(client_for, owner):
    paths = client_for(owner).get("/api/schema/?format=json").json()["paths"]
    base = "/api/v1/orgs/{org_slug}/matrices/{matrix_id}/threads/"
    assert {"get", "post"} <= set(paths[base])
    assert {"get", "patch"} <= set(paths[base + "{thread_id}/"])
    assert "post" in paths[base + "{thread_id}/comments/"]
