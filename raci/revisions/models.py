"""Revisions: immutable published snapshots of a matrix, their sign-offs and acknowledgements."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models

from orgs.validators import validate_multiline_text
from raci.matrices.models import Matrix

NOTE_MAX_LENGTH = 5000
OVERRIDE_REASON_MAX_LENGTH = 2000
COMMENT_MAX_LENGTH = 5000


class Revision(models.Model):
    """An immutable, numbered snapshot of a matrix, frozen when it is published."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="revisions", db_index=False)
    number = models.PositiveIntegerField()
    # TextField does not enforce max_length itself; the validators do, serializers read the limits.
    note = models.TextField(
        blank=True,
        max_length=NOTE_MAX_LENGTH,
        validators=[MaxLengthValidator(NOTE_MAX_LENGTH), validate_multiline_text],
    )
    published_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The matrix version frozen here and the grid document of that version (raci.exchange.export_json).
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    health = models.PositiveSmallIntegerField(default=100)
    error_count = models.PositiveIntegerField(default=0)
    # Set when the publisher published despite errors from the rules engine.
    override_reason = models.TextField(
        blank=True,
        max_length=OVERRIDE_REASON_MAX_LENGTH,
        validators=[MaxLengthValidator(OVERRIDE_REASON_MAX_LENGTH), validate_multiline_text],
    )
    signoff_required = models.BooleanField(default=False)
    # When the review reminder for this revision went out (at most once).
    review_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "number"], name="revision_number_unique_per_matrix"),
        ]

    def __str__(self) -> str:
        return f"{self.matrix} r{self.number}"


class SignOff(models.Model):
    """A person asked to approve a revision because they hold an Accountable role in it."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="signoffs", db_index=False)
    person = models.ForeignKey("orgs.Person", on_delete=models.CASCADE, related_name="signoffs")
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    comment = models.TextField(
        blank=True,
        max_length=COMMENT_MAX_LENGTH,
        validators=[MaxLengthValidator(COMMENT_MAX_LENGTH), validate_multiline_text],
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["person__name"]
        constraints = [
            models.UniqueConstraint(fields=["revision", "person"], name="signoff_once_per_person"),
            models.CheckConstraint(
                condition=models.Q(decision__in=["pending", "approved", "rejected"]),
                name="signoff_decision_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.revision}: {self.decision}"


class Acknowledgement(models.Model):
    """A person confirming they have read their responsibilities in a published revision."""

    revision = models.ForeignKey(
        Revision, on_delete=models.CASCADE, related_name="acknowledgements", db_index=False
    )
    person = models.ForeignKey("orgs.Person", on_delete=models.CASCADE, related_name="acknowledgements")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["revision", "person"], name="acknowledgement_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} acknowledged {self.revision}"


class PublishedTask(models.Model):
    """A task of a matrix's latest published revision: the read model the who-does-what pages,
    search and "my responsibilities" query across matrices. Rebuilt by ``matrix_publish``; the
    revision's snapshot stays the record, these rows are derived from it."""

    matrix = models.ForeignKey(
        Matrix, on_delete=models.CASCADE, related_name="published_tasks", db_index=False
    )
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="+")
    # The id of the draft's task at publication (stable within a matrix); not a foreign key, so
    # deleting the task from the draft leaves the agreement as it was published.
    task_id = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    stage = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "task_id"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "task_id"], name="published_task_once_per_matrix"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (r{self.revision_id})"


class PublishedCell(models.Model):
    """The letters a role holds on a task of a matrix's latest published revision."""

    # Derived rows, replaced whole at every publication: no database constraints, whose checks at
    # commit cost more than the inserts (tens of thousands of cells); deleting a matrix, a task or a
    # role still cascades or nulls them through Django.
    matrix = models.ForeignKey(
        Matrix, on_delete=models.CASCADE, related_name="published_cells", db_constraint=False
    )
    task = models.ForeignKey(
        PublishedTask, on_delete=models.CASCADE, related_name="cells", db_constraint=False
    )
    # Null once the role is deleted; the code is the one the revision was published with.
    role = models.ForeignKey(
        "orgs.Role",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    role_code = models.CharField(max_length=16)
    # The position of the role's column in the published revision.
    column = models.PositiveIntegerField(default=0)
    letters = models.CharField(max_length=8)

    class Meta:
        indexes = [models.Index(fields=["role", "matrix"], name="published_cell_role_idx")]

    def __str__(self) -> str:
        return f"{self.task_id} / {self.role_code}: {self.letters}"
