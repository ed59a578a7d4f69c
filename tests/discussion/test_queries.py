"""Query counts do not grow with the number of threads shown: the same for 1 and 30 threads (each
with two comments) on the task page, the threads API, the threads page, the publish form and the
editor's badges."""

from __future__ import annotations

import pytest
from django.urls import reverse

from raci.discussion.services import comment_add, thread_start
from tests.discussion.conftest import threads_api
from tests.discussion.test_access import threads_page

SIZES = [1, 30]


@pytest.fixture
def discussed(matrix, task, owner, editor):
    def make(count: int):
        for index in range(count):
            thread = thread_start(
                matrix=matrix,
                task_id=task.pk,
                role_code="PM" if index % 2 else None,
                body=f"T{index}",
                author=owner,
            )
            comment_add(thread=thread, body="Reply", author=editor)
        return matrix

    return make


@pytest.mark.parametrize("count", SIZES)
def test_task_page_queries_do_not_grow_with_threads(
    client, discussed, task, owner, count, django_assert_num_queries
):
    matrix = discussed(count)
    client.force_login(owner)
    url = reverse("task-detail", args=[matrix.organization.slug, matrix.pk, task.pk]) + "?view=draft"
    # session, user, membership, matrix; the draft's grid (columns, tasks, cells, holdings, people
    # count); the task; threads (with task, role, author, resolver); comments (with authors); the
    # organization switcher (base.html).
    with django_assert_num_queries(13):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", SIZES)
def test_threads_api_queries_do_not_grow_with_threads(
    client_for, discussed, owner, count, django_assert_num_queries
):
    matrix = discussed(count)
    client = client_for(owner)
    # session, user, membership (require_org), matrix, count (pagination), threads, comments.
    with django_assert_num_queries(7):
        response = client.get(threads_api(matrix), {"state": "all"})
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", SIZES)
def test_threads_page_queries_do_not_grow_with_threads(
    client, discussed, owner, count, django_assert_num_queries
):
    matrix = discussed(count)
    client.force_login(owner)
    # session, user, membership, matrix, threads, comments, the form's tasks and columns, the
    # organization switcher (base.html).
    with django_assert_num_queries(9):
        assert client.get(threads_page(matrix) + "?state=all").status_code == 200


@pytest.mark.parametrize("count", SIZES)
def test_publish_form_queries_do_not_grow_with_threads(
    client, discussed, owner, count, django_assert_num_queries
):
    matrix = discussed(count)
    client.force_login(owner)
    url = reverse("revision-list", args=[matrix.organization.slug, matrix.pk])
    # session, user, membership, matrix; the draft's grid (5); revisions; the open threads count;
    # the organization switcher (base.html).
    with django_assert_num_queries(12):
        response = client.get(url)
    assert f"{count} open thread" in response.content.decode()


@pytest.mark.parametrize("count", SIZES)
def test_badges_queries_do_not_grow_with_threads(client, discussed, owner, count, django_assert_num_queries):
    matrix = discussed(count)
    client.force_login(owner)
    # session, user, membership, matrix, the grouped count.
    with django_assert_num_queries(5):
        client.get(reverse("discussion-badges", args=[matrix.organization.slug, matrix.pk]))
