"""Who may do what, on the pages and the API: members read; editors and owners comment and resolve;
viewers comment unless the organization says otherwise; outsiders get 404 whatever exists."""

from __future__ import annotations

import pytest
from django.urls import reverse

from raci.discussion.models import Comment, Thread
from tests.discussion.conftest import thread_api, threads_api
from tests.helpers import assert_error


def thread_page(thread) -> str:
    return reverse("discussion-thread", args=[thread.matrix.organization.slug, thread.matrix_id, thread.pk])


def threads_page(matrix) -> str:
    return reverse("discussion-threads", args=[matrix.organization.slug, matrix.pk])


def settle_page(thread, action: str) -> str:
    return reverse(
        f"discussion-{action}", args=[thread.matrix.organization.slug, thread.matrix_id, thread.pk]
    )


def forbid_viewer_comments(org) -> None:
    org.viewers_may_comment = False
    org.save(update_fields=["viewers_may_comment"])


# Pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "editor", "viewer"])
def test_every_member_reads_the_threads_and_a_thread(client, thread, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(threads_page(thread.matrix)).status_code == 200
    assert client.get(thread_page(thread)).status_code == 200


@pytest.mark.parametrize(
    "url",
    [threads_page, thread_page, lambda t: reverse("discussion-badges", args=["acme-test", t.matrix_id])],
)
def test_outsider_gets_404_on_every_discussion_page(client, thread, outsider, url):
    client.force_login(outsider)
    target = url(thread.matrix) if url is threads_page else url(thread)
    assert client.get(target).status_code == 404


def test_outsider_gets_404_on_posting_and_nothing_is_written(client, thread, outsider):
    client.force_login(outsider)
    assert client.post(thread_page(thread), {"body": "Let me in"}).status_code == 404
    assert client.post(settle_page(thread, "resolve")).status_code == 404
    assert Comment.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, thread):
    assert client.get(thread_page(thread)).status_code == 302


@pytest.mark.parametrize("who", ["owner", "editor", "viewer"])
def test_members_comment_by_default(client, thread, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(thread_page(thread), {"body": f"From {who}"})
    assert response.status_code == 302
    assert thread.comments.filter(body=f"From {who}").exists()


def test_viewer_gets_403_on_comment_when_the_organization_says_no(client, thread, viewer, org):
    forbid_viewer_comments(org)
    client.force_login(viewer)
    assert client.post(thread_page(thread), {"body": "Me too"}).status_code == 403
    assert (
        client.post(threads_page(thread.matrix), {"task": thread.task_id, "body": "New"}).status_code == 403
    )
    assert (Comment.objects.count(), Thread.objects.count()) == (1, 1)


def test_editor_still_comments_when_viewers_may_not(client, thread, editor, org):
    forbid_viewer_comments(org)
    client.force_login(editor)
    assert client.post(thread_page(thread), {"body": "Fine"}).status_code == 302


def test_viewer_reads_but_sees_no_form_when_the_organization_says_no(client, thread, viewer, org):
    forbid_viewer_comments(org)
    client.force_login(viewer)
    page = client.get(thread_page(thread)).content.decode()
    assert 'name="body"' not in page
    assert "an owner can let them comment" in page


@pytest.mark.parametrize("action", ["resolve", "reopen"])
def test_viewer_gets_403_on_resolve_and_reopen(client, thread, viewer, action):
    client.force_login(viewer)
    assert client.post(settle_page(thread, action)).status_code == 403


@pytest.mark.parametrize("who", ["owner", "editor"])
def test_editors_and_owners_resolve_and_reopen(client, thread, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.post(settle_page(thread, "resolve")).status_code == 302
    thread.refresh_from_db()
    assert not thread.is_open
    client.post(settle_page(thread, "reopen"))
    thread.refresh_from_db()
    assert thread.is_open


def test_a_thread_of_another_matrix_is_404(client, thread, owner, org, build_matrix):
    other = build_matrix(organization=org, name="Other", tasks=1, roles=["PM"])
    client.force_login(owner)
    url = reverse("discussion-thread", args=[org.slug, other.pk, thread.pk])
    assert client.get(url).status_code == 404


# API ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "editor", "viewer"])
def test_api_every_member_lists_and_reads_threads(client_for, thread, who, request):
    client = client_for(request.getfixturevalue(who))
    assert client.get(threads_api(thread.matrix)).status_code == 200
    assert client.get(thread_api(thread.matrix, thread.pk)).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "", None),
        ("post", "", {"task": 1, "body": "x"}),
        ("get", "{thread}/", None),
        ("patch", "{thread}/", {"resolved": True}),
        ("post", "{thread}/comments/", {"body": "x"}),
    ],
)
def test_api_outsider_gets_404_everywhere(client_for, thread, outsider, method, path, body):
    url = threads_api(thread.matrix) + path.format(thread=thread.pk)
    response = getattr(client_for(outsider), method)(url, body, format="json")
    assert_error(response, 404)
    assert Comment.objects.count() == 1


def test_api_viewer_gets_403_on_resolve(client_for, thread, viewer):
    response = client_for(viewer).patch(
        thread_api(thread.matrix, thread.pk), {"resolved": True}, format="json"
    )
    assert_error(response, 403)


def test_api_viewer_comments_by_default_and_gets_403_when_the_organization_says_no(
    client_for, thread, viewer, org
):
    client = client_for(viewer)
    url = thread_api(thread.matrix, thread.pk) + "comments/"
    assert client.post(url, {"body": "ok"}, format="json").status_code == 201
    forbid_viewer_comments(org)
    assert_error(client.post(url, {"body": "again"}, format="json"), 403)
    assert_error(
        client.post(threads_api(thread.matrix), {"task": thread.task_id, "body": "x"}, format="json"), 403
    )
    assert Comment.objects.count() == 2


def test_api_read_only_token_cannot_comment(token_client, thread, owner):
    client = token_client(owner, read_only=True)
    response = client.post(thread_api(thread.matrix, thread.pk) + "comments/", {"body": "x"}, format="json")
    assert_error(response, 403)


# The organization's setting ---------------------------------------------------------------------


def test_owner_turns_viewer_comments_off_on_the_members_page(client, owner, org):
    client.force_login(owner)
    response = client.post(reverse("settings-discussion", args=[org.slug]), {})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.viewers_may_comment is False
    client.post(reverse("settings-discussion", args=[org.slug]), {"viewers_may_comment": "on"})
    org.refresh_from_db()
    assert org.viewers_may_comment is True


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_change_the_setting(client, org, who, status, request):
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("settings-discussion", args=[org.slug]), {}).status_code == status
    org.refresh_from_db()
    assert org.viewers_may_comment is True


def test_api_owner_changes_the_setting_and_editors_cannot(client_for, owner, editor, org):
    url = f"/api/v1/orgs/{org.slug}/"
    assert_error(client_for(editor).patch(url, {"viewers_may_comment": False}, format="json"), 403)
    response = client_for(owner).patch(url, {"viewers_may_comment": False}, format="json")
    assert response.status_code == 200
    assert response.json()["viewers_may_comment"] is False
