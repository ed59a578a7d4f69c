"""Writing threads and comments: what the input must be, what is recorded, and what is not touched."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from orgs.exceptions import Conflict
from raci.discussion.models import COMMENT_MAX_LENGTH, Comment, Thread
from raci.discussion.services import (
    MENTIONED_EVENT,
    comment_add,
    mentioned_names,
    thread_reopen,
    thread_resolve,
    thread_start,
)
from raci.matrices.models import Matrix
from raci.outbox.models import OutboxEvent
from raci.revisions.services import matrix_publish


def test_a_thread_on_a_cell_names_its_task_and_column(matrix, task, owner):
    thread = thread_start(matrix=matrix, task_id=task.pk, role_code="pm", body="Why PM?", author=owner)
    assert (thread.task_id, thread.role.code, thread.created_by) == (task.pk, "PM", owner)
    assert list(thread.comments.values_list("body", flat=True)) == ["Why PM?"]


def test_a_thread_on_a_task_has_no_column(matrix, task, owner):
    thread = thread_start(matrix=matrix, task_id=task.pk, body="Is this one task or two?", author=owner)
    assert thread.role is None


def test_commenting_does_not_change_the_matrix_version_or_history(matrix, task, owner):
    before = (matrix.version, matrix.history.count())
    thread = thread_start(matrix=matrix, task_id=task.pk, body="Hm", author=owner)
    comment_add(thread=thread, body="Still hm", author=owner)
    thread_resolve(thread=thread, user=owner)
    matrix.refresh_from_db()
    assert (matrix.version, matrix.history.count()) == before


@pytest.mark.parametrize("body", ["", "   \n\t ", None])
def test_an_empty_first_comment_makes_no_thread(matrix, task, owner, body):
    with pytest.raises(ValidationError) as caught:
        thread_start(matrix=matrix, task_id=task.pk, body=body, author=owner)
    assert "empty" in caught.value.message_dict["body"][0]
    assert not Thread.objects.exists()


def test_a_comment_longer_than_the_cap_is_refused(thread, owner):
    with pytest.raises(ValidationError) as caught:
        comment_add(thread=thread, body="x" * (COMMENT_MAX_LENGTH + 1), author=owner)
    assert "at most 5,000 characters" in caught.value.message_dict["body"][0]
    assert thread.comments.count() == 1


def test_a_comment_of_exactly_the_cap_is_kept(thread, owner):
    comment_add(thread=thread, body="x" * COMMENT_MAX_LENGTH, author=owner)
    assert thread.comments.count() == 2


def test_control_characters_are_refused(thread, owner):
    with pytest.raises(ValidationError):
        comment_add(thread=thread, body="bell \x07", author=owner)


def test_script_tags_are_kept_as_plain_text(thread, owner):
    comment = comment_add(thread=thread, body="<script>alert(1)</script>", author=owner)
    assert comment.body == "<script>alert(1)</script>"


def test_a_task_of_another_matrix_is_refused(matrix, owner, org, build_matrix):
    other = build_matrix(organization=org, name="Other", tasks=1, roles=["PM"])
    with pytest.raises(ValidationError) as caught:
        thread_start(matrix=matrix, task_id=other.tasks.get().pk, body="Hi", author=owner)
    assert "task" in caught.value.message_dict


def test_an_archived_task_is_refused(matrix, task, owner):
    task.archived = True
    task.save(update_fields=["archived"])
    with pytest.raises(ValidationError):
        thread_start(matrix=matrix, task_id=task.pk, body="Hi", author=owner)


def test_a_role_that_is_not_a_column_is_refused(matrix, task, owner):
    with pytest.raises(ValidationError) as caught:
        thread_start(matrix=matrix, task_id=task.pk, role_code="CEO", body="Hi", author=owner)
    assert caught.value.message_dict["role"] == ["CEO is not a column of this matrix."]


def test_an_archived_matrix_takes_no_comments(thread, matrix, owner):
    Matrix.objects.filter(pk=matrix.pk).update(status=Matrix.Status.ARCHIVED)
    thread.matrix.refresh_from_db()
    with pytest.raises(Conflict):
        comment_add(thread=thread, body="Late", author=owner)


def test_mentions_are_usernames_after_an_at_sign_not_email_addresses():
    text = "@Editor and @viewer. Mail bob@example.com, not @; (@owner)"
    assert mentioned_names(text) == ["editor", "viewer", "owner"]


def test_mentioning_members_records_them(thread, owner, editor, viewer):
    comment = comment_add(thread=thread, body="@editor @VIEWER over to you", author=owner)
    assert set(comment.mentions.all()) == {editor, viewer}


def test_mentioning_someone_outside_the_organization_is_a_clear_error(thread, owner, outsider):
    with pytest.raises(ValidationError) as caught:
        comment_add(thread=thread, body="@outsider and @nobody, thoughts?", author=owner)
    assert caught.value.message_dict["body"] == [
        "@outsider, @nobody are not members of Acme: mention members by their username."
    ]
    assert thread.comments.count() == 1


def test_a_mention_emits_one_outbox_event_naming_who_to_tell(thread, owner, editor):
    comment = comment_add(thread=thread, body="@editor please check", author=owner)
    event = OutboxEvent.objects.get(kind=MENTIONED_EVENT)
    assert event.organization_id == thread.matrix.organization_id
    assert event.payload["comment"] == comment.pk
    assert event.payload["mentioned"] == [editor.pk]
    assert event.payload["role"] == "PM"


def test_a_comment_without_mentions_emits_nothing(thread, owner):
    comment_add(thread=thread, body="Just a note", author=owner)
    assert not OutboxEvent.objects.filter(kind=MENTIONED_EVENT).exists()


def test_mentioning_yourself_tells_nobody(thread, owner):
    comment_add(thread=thread, body="Note to @owner: later", author=owner)
    assert not OutboxEvent.objects.filter(kind=MENTIONED_EVENT).exists()


def test_resolving_before_any_publication_belongs_to_revision_one(thread, editor):
    thread_resolve(thread=thread, user=editor)
    thread.refresh_from_db()
    assert (thread.resolved_by, thread.resolved_revision) == (editor, 1)


def test_resolving_after_a_publication_belongs_to_the_next_revision(thread, matrix, editor):
    matrix_publish(matrix=matrix)
    thread_resolve(thread=thread, user=editor)
    assert thread.resolved_revision == 2


def test_resolving_twice_keeps_the_first_resolution(thread, owner, editor):
    first = thread_resolve(thread=thread, user=owner).resolved_at
    thread_resolve(thread=thread, user=editor)
    thread.refresh_from_db()
    assert (thread.resolved_at, thread.resolved_by) == (first, owner)


def test_reopening_clears_the_resolution(thread, owner):
    thread_resolve(thread=thread, user=owner)
    thread_reopen(thread=thread, user=owner)
    thread.refresh_from_db()
    assert (thread.resolved_at, thread.resolved_by, thread.resolved_revision) == (None, None, None)


def test_a_resolved_thread_takes_replies_and_stays_resolved(thread, owner):
    thread_resolve(thread=thread, user=owner)
    comment_add(thread=thread, body="For the record", author=owner)
    thread.refresh_from_db()
    assert not thread.is_open


def test_the_database_refuses_a_resolution_without_its_revision(thread):
    with pytest.raises(IntegrityError), transaction.atomic():
        Thread.objects.filter(pk=thread.pk).update(resolved_at=timezone.now())


def test_the_database_keeps_a_removed_authors_comments(thread, owner):
    owner.delete()
    assert Comment.objects.get(thread=thread).author is None
