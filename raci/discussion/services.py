"""Writing the discussion: start a thread on a task or a cell, comment, resolve, reopen.

Comments are not matrix content: they do not go through ``matrix_change`` and never change the
matrix's version, history or ETag. Who may write is the surfaces' question (``orgs.access``:
``can_comment`` to comment, edit access to resolve); these functions check what the input means:
a body that is not empty, not too long, without control characters; a task and column of this
matrix; a matrix that is not archived; @mentions of members only (anything else is a clear error,
so nobody believes they told someone who was never told).

A comment that mentions members emits ``discussion.mentioned`` through the outbox in the same
transaction; its handlers email each person mentioned once (notifications.py) and post to the
organization's chat channels that chose "discussion" (raci/delivery/chat.py).
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils import timezone

from raci.discussion.models import COMMENT_MAX_LENGTH, Comment, Thread
from raci.matrices.changes import MatrixArchived
from raci.matrices.models import Matrix, MatrixRole, Task
from raci.outbox.emit import outbox_emit

MENTIONED_EVENT = "discussion.mentioned"
# More people than this in one comment is a broadcast, not a mention.
MAX_MENTIONS = 20
# @ then a username (letters, digits, . + - _), not inside a word or an email address; a final
# full stop ends the sentence, not the name.
MENTION = re.compile(r"(?<![\w.@+-])@([\w.+-]*[\w+-])")
EXCERPT_LENGTH = 280


def mentioned_names(body: str) -> list[str]:
    """The usernames ``body`` mentions, lower-cased, in order of first mention."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(body):
        seen.setdefault(match.group(1).lower(), None)
    return list(seen)


def _body_clean(body) -> str:
    text = (body or "").strip() if isinstance(body, str) else ""
    if not text:
        raise ValidationError({"body": ["Write something: a comment cannot be empty."]})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"body": [f"A comment is at most {COMMENT_MAX_LENGTH:,} characters; this one has {len(text):,}."]}
        )
    return text


def _members_mentioned(organization, body: str) -> list:
    """The members ``body`` mentions (one query); a ValidationError naming anyone who is not one."""
    names = mentioned_names(body)
    if not names:
        return []
    if len(names) > MAX_MENTIONS:
        raise ValidationError({"body": [f"Mention at most {MAX_MENTIONS} people in one comment."]})
    users = {
        user.lname: user
        for user in get_user_model()
        .objects.annotate(lname=Lower("username"))
        .filter(memberships__organization=organization, lname__in=names)
    }
    unknown = [name for name in names if name not in users]
    if unknown:
        who = ", ".join(f"@{name}" for name in unknown)
        raise ValidationError(
            {
                "body": [
                    f"{who} {'is not a member' if len(unknown) == 1 else 'are not members'} of "
                    f"{organization.name}: mention members by their username."
                ]
            }
        )
    return [users[name] for name in names]


def _open_for_discussion(matrix: Matrix) -> None:
    if matrix.status == Matrix.Status.ARCHIVED:
        raise MatrixArchived(matrix)


def _comment_write(*, thread: Thread, matrix: Matrix, body: str, author) -> Comment:
    text = _body_clean(body)
    mentioned = _members_mentioned(matrix.organization, text)
    comment = Comment(thread=thread, author=author, body=text)
    comment.full_clean(exclude=["thread", "author"])
    comment.save()
    if mentioned:
        comment.mentions.set(mentioned)
    told = [user for user in mentioned if author is None or user.pk != author.pk]
    if told:
        outbox_emit(
            kind=MENTIONED_EVENT,
            organization_id=matrix.organization_id,
            payload={
                "organization": matrix.organization.slug,
                "matrix": {"id": matrix.pk, "name": matrix.name},
                "thread": thread.pk,
                "comment": comment.pk,
                "task": {"id": thread.task_id, "name": thread.task.name},
                "role": thread.role.code if thread.role_id else None,
                "author": author.get_username() if author is not None else "",
                "mentioned": [user.pk for user in told],
                "mentioned_names": [user.get_username() for user in told],
                "excerpt": text[:EXCERPT_LENGTH],
            },
        )
    return comment


@transaction.atomic
def thread_start(*, matrix: Matrix, task_id, role_code: str | None = None, body: str, author) -> Thread:
    """A new thread on task ``task_id`` of ``matrix`` (on its cell in column ``role_code`` if given),
    opened by ``author``'s first comment."""
    _open_for_discussion(matrix)
    task = Task.objects.filter(matrix=matrix, pk=task_id, archived=False).first() if task_id else None
    if task is None:
        raise ValidationError({"task": ["No such task in this matrix."]})
    role = None
    if role_code:
        column = (
            MatrixRole.objects.select_related("role")
            .filter(matrix=matrix, role__code__iexact=str(role_code).strip())
            .first()
        )
        if column is None:
            raise ValidationError({"role": [f"{role_code} is not a column of this matrix."]})
        role = column.role
    _body_clean(body)  # before the thread exists: an empty first comment makes no thread
    thread = Thread.objects.create(matrix=matrix, task=task, role=role, created_by=author)
    _comment_write(thread=thread, matrix=matrix, body=body, author=author)
    return thread


@transaction.atomic
def comment_add(*, thread: Thread, body: str, author) -> Comment:
    """``author``'s reply in ``thread``. A resolved thread takes replies too (and stays resolved:
    reopening is a decision of its own)."""
    matrix = thread.matrix
    _open_for_discussion(matrix)
    return _comment_write(thread=thread, matrix=matrix, body=body, author=author)


def _next_revision(matrix: Matrix) -> int:
    latest = matrix.revisions.aggregate(latest=Max("number"))["latest"]
    return (latest or 0) + 1


@transaction.atomic
def thread_resolve(*, thread: Thread, user) -> Thread:
    """Mark ``thread`` resolved, for the revision the next publication makes; resolving a resolved
    thread changes nothing."""
    _open_for_discussion(thread.matrix)
    if thread.resolved_at is None:
        thread.resolved_at = timezone.now()
        thread.resolved_by = user
        thread.resolved_revision = _next_revision(thread.matrix)
        thread.save(update_fields=["resolved_at", "resolved_by", "resolved_revision"])
    return thread


@transaction.atomic
def thread_reopen(*, thread: Thread, user) -> Thread:
    """Open ``thread`` again; reopening an open thread changes nothing."""
    _open_for_discussion(thread.matrix)
    if thread.resolved_at is not None:
        thread.resolved_at, thread.resolved_by, thread.resolved_revision = None, None, None
        thread.save(update_fields=["resolved_at", "resolved_by", "resolved_revision"])
    return thread
