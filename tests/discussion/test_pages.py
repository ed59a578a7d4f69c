"""The discussion pages, the editor's badges, the publish form's count and the task page."""

from __future__ import annotations

from django.urls import reverse

from raci.discussion.models import COMMENT_MAX_LENGTH, Comment, Thread
from raci.discussion.services import comment_add, thread_resolve, thread_start
from raci.revisions.services import matrix_publish
from tests.discussion.test_access import thread_page, threads_page


def test_starting_a_thread_on_a_cell_from_its_page(client, matrix, task, editor):
    client.force_login(editor)
    url = threads_page(matrix) + f"?task={task.pk}&role=ENG"
    page = client.get(url).content.decode()
    assert f"Start a thread on {task.name} × ENG" in page
    response = client.post(threads_page(matrix), {"task": task.pk, "role": "ENG", "body": "Why ENG?"})
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == thread_page(thread)
    assert (thread.task, thread.role.code) == (task, "ENG")


def test_the_threads_page_offers_every_task_and_column_without_a_target(client, matrix, editor):
    client.force_login(editor)
    page = client.get(threads_page(matrix)).content.decode()
    assert '<select name="task" required>' in page
    assert '<option value="ENG">' in page


def test_an_empty_comment_re_renders_with_the_error_and_writes_nothing(client, thread, owner):
    client.force_login(owner)
    response = client.post(thread_page(thread), {"body": "   "})
    assert response.status_code == 400
    assert "a comment cannot be empty" in response.content.decode()
    assert Comment.objects.count() == 1


def test_a_too_long_comment_gets_a_clear_error(client, thread, owner):
    client.force_login(owner)
    response = client.post(thread_page(thread), {"body": "x" * (COMMENT_MAX_LENGTH + 1)})
    assert response.status_code == 400
    assert "at most 5000 characters" in response.content.decode()


def test_a_ten_megabyte_post_is_refused_without_a_server_error(client, thread, owner):
    client.force_login(owner)
    response = client.post(thread_page(thread), {"body": "x" * 10_000_000})
    assert response.status_code == 400
    assert Comment.objects.count() == 1


def test_mentioning_a_non_member_shows_the_error_on_the_form(client, thread, owner, outsider):
    client.force_login(owner)
    response = client.post(thread_page(thread), {"body": "cc @outsider"})
    assert response.status_code == 400
    assert "@outsider is not a member of Acme" in response.content.decode()


def test_script_tags_in_a_comment_are_shown_escaped(client, thread, owner):
    comment_add(thread=thread, body='<script>alert("x")</script><img src=x onerror=alert(1)>', author=owner)
    client.force_login(owner)
    page = client.get(thread_page(thread)).content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_a_resolved_thread_says_for_which_revision(client, thread, editor):
    thread_resolve(thread=thread, user=editor)
    client.force_login(editor)
    page = client.get(thread_page(thread)).content.decode()
    assert "resolved</span> by editor" in page
    assert "for revision 1" in page
    assert "Reopen" in page


def test_badges_count_open_threads_per_cell_and_per_task(client, matrix, task, thread, owner):
    thread_start(matrix=matrix, task_id=task.pk, role_code="PM", body="Another", author=owner)
    thread_start(matrix=matrix, task_id=task.pk, body="On the task", author=owner)
    resolved = thread_start(matrix=matrix, task_id=task.pk, role_code="ENG", body="Done", author=owner)
    thread_resolve(thread=resolved, user=owner)
    client.force_login(owner)
    data = client.get(reverse("discussion-badges", args=[matrix.organization.slug, matrix.pk])).json()
    assert data["cells"] == {f"{task.pk}:PM": 2}
    assert data["tasks"] == {str(task.pk): 1}
    assert data["threads_url"] == threads_page(matrix)


def test_the_editor_loads_the_discussion_script_and_its_endpoints(client, matrix, owner):
    client.force_login(owner)
    page = client.get(reverse("matrix-detail", args=[matrix.organization.slug, matrix.pk])).content.decode()
    assert "js/discussion.js" in page
    assert f'data-badges="{reverse("discussion-badges", args=[matrix.organization.slug, matrix.pk])}"' in page


def test_the_publish_form_counts_open_threads_and_links_to_them(client, matrix, task, thread, owner):
    thread_start(matrix=matrix, task_id=task.pk, body="Second", author=owner)
    client.force_login(owner)
    page = client.get(reverse("revision-list", args=[matrix.organization.slug, matrix.pk])).content.decode()
    assert f'<a href="{threads_page(matrix)}?state=open">2 open threads</a>' in page


def test_the_publish_form_says_nothing_without_open_threads(client, matrix, thread, owner):
    thread_resolve(thread=thread, user=owner)
    client.force_login(owner)
    page = client.get(reverse("revision-list", args=[matrix.organization.slug, matrix.pk])).content.decode()
    assert "open thread" not in page


def test_the_task_page_shows_the_tasks_threads(client, matrix, task, thread, viewer):
    client.force_login(viewer)
    url = reverse("task-detail", args=[matrix.organization.slug, matrix.pk, task.pk])
    page = client.get(url).content.decode()
    assert "Who owns this?" in page
    assert thread_page(thread) in page
    assert "Start a thread on this task" in page


def test_a_revision_lists_the_threads_resolved_before_it_was_published(client, matrix, thread, owner):
    thread_resolve(thread=thread, user=owner)
    matrix_publish(matrix=matrix)
    client.force_login(owner)
    page = client.get(
        reverse("revision-detail", args=[matrix.organization.slug, matrix.pk, 1])
    ).content.decode()
    assert "Settled in discussion" in page
    assert thread_page(thread) in page
