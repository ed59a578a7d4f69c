"""Threads and comments on a matrix's draft. Not matrix content: writing them never goes through the
matrix writer and never changes the matrix's version (raci/discussion/services.py writes them)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models

from orgs.validators import validate_multiline_text
from raci.matrices.models import Matrix, Task

# Long enough for a real argument, short enough that nobody pastes a document into a cell's thread.
COMMENT_MAX_LENGTH = 5_000


class Thread(models.Model):
    """A conversation about one task (``role`` empty) or one cell (task x role column)."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="threads", db_index=False)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="threads")
    role = models.ForeignKey(
        "orgs.Role", null=True, blank=True, on_delete=models.CASCADE, related_name="threads"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The revision the resolution belongs to: the number the next publication of the draft takes
    # (latest revision + 1, set when resolved). The draft that was agreed on is what that revision
    # freezes, so "resolved in r4" reads as "settled before r4 was published".
    resolved_revision = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["matrix", "resolved_at"], name="thread_matrix_state")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True, resolved_revision__isnull=True)
                | models.Q(resolved_at__isnull=False, resolved_revision__isnull=False),
                name="thread_resolved_with_revision",
            )
        ]

    def __str__(self) -> str:
        return f"Thread {self.pk} on {self.matrix_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Comment(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments", db_index=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(
        validators=[MinLengthValidator(1), MaxLengthValidator(COMMENT_MAX_LENGTH), validate_multiline_text]
    )
    # The members the body @mentions (checked to be members when written), notified once.
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", through="Mention"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"], name="comment_thread_time")]

    def __str__(self) -> str:
        return f"Comment {self.pk} in thread {self.thread_id}"


class Mention(models.Model):
    """A member a comment @mentions. Its own model so the pair's unique index is the only index
    led by the comment (Django's automatic table would add a second, redundant one)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="mention_once_per_comment")]

    def __str__(self) -> str:
        return f"{self.user_id} in comment {self.comment_id}"
