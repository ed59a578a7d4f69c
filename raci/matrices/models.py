"""Matrices: the matrix, its role columns, its tasks, its cells, and the history of every change.

The one writer (``raci.matrices.changes``) is the only code that changes these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Lower

from frameworks.models import ACTIVITY_DESCRIPTION_MAX_LENGTH
from frameworks.schemes import DEFAULT_SCHEME, LettersError, get_scheme, scheme_choices
from orgs.validators import validate_multiline_text, validate_single_line

# Tasks are adopted from activities: one limit for both descriptions.
TASK_DESCRIPTION_MAX_LENGTH = ACTIVITY_DESCRIPTION_MAX_LENGTH


class Matrix(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        ARCHIVED = "archived", "Archived"

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="matrices", db_index=False
    )
    name = models.CharField(max_length=120, validators=[validate_single_line])
    framework = models.ForeignKey(
        "frameworks.Framework", null=True, blank=True, on_delete=models.SET_NULL, related_name="matrices"
    )
    # The part of the organization whose work this is; empty for the whole organization. Its
    # columns resolve to the people holding each role in this team (``orgs.teams``).
    team = models.ForeignKey(
        "orgs.Team", null=True, blank=True, on_delete=models.RESTRICT, related_name="matrices"
    )
    scheme = models.CharField(max_length=10, choices=scheme_choices(), default=DEFAULT_SCHEME)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Increases on every change to the matrix, its tasks, columns or cells: the
    # basis of ETags and of conflict detection.
    version = models.PositiveIntegerField(default=1)
    # Overrides of the rules engine's thresholds (raci.rules.grid.RuleSettings field names).
    rule_settings = models.JSONField(default=dict, blank=True)
    # Owners are reminded to review the published matrix this many days after each publication.
    review_interval_days = models.PositiveIntegerField(default=90)
    # The agreement readers see: the latest published revision, set only by publishing
    # (raci.revisions.services.matrix_publish). The string reference keeps this package free of
    # imports from the revisions feature above it; a revision's snapshot is read only when asked for.
    published_revision = models.ForeignKey(
        "raci.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    roles = models.ManyToManyField("orgs.Role", through="MatrixRole", related_name="matrices")
    # The rules engine's verdict on the draft, stored so the organization home reads it instead of
    # analysing every matrix (raci.matrices.standing). Derived data: the worker refreshes it after each
    # change; ``health_version`` is the version it was computed at, None until it first is.
    health = models.PositiveSmallIntegerField(null=True, blank=True)
    finding_counts = models.JSONField(default=dict, blank=True)
    health_version = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "matrices"
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="matrix_name_unique_per_org"),
            models.CheckConstraint(
                condition=models.Q(status__in=["draft", "published", "archived"]), name="matrix_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MatrixRole(models.Model):
    """A role shown as a column of a matrix, in order."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="columns", db_index=False)
    role = models.ForeignKey("orgs.Role", on_delete=models.CASCADE, related_name="columns")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "role"], name="matrix_role_once_per_matrix"),
        ]

    def __str__(self) -> str:
        return f"{self.matrix} / {self.role}"


class Task(models.Model):
    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="tasks", db_index=False)
    stage = models.CharField(max_length=120, blank=True, validators=[validate_single_line])
    name = models.CharField(max_length=200, validators=[validate_single_line])
    # TextField does not enforce max_length itself; the validator does, the form and serializers read it.
    description = models.TextField(
        blank=True,
        max_length=TASK_DESCRIPTION_MAX_LENGTH,
        validators=[MaxLengthValidator(TASK_DESCRIPTION_MAX_LENGTH), validate_multiline_text],
    )
    order = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(default=False)
    # The framework activity this task was copied from, if any.
    activity = models.ForeignKey(
        "frameworks.Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            # Case-insensitive: "Launch" and "launch" are one task to people and to imports.
            models.UniqueConstraint(
                Lower("name"),
                "matrix",
                name="task_name_unique_per_matrix",
                violation_error_message="This matrix already has a task with this name.",
            ),
        ]
        indexes = [models.Index(fields=["matrix", "order"], name="task_matrix_order_idx")]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """The letters one role holds for one task. An empty cell has no row."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments", db_index=False)
    role = models.ForeignKey("orgs.Role", on_delete=models.CASCADE, related_name="assignments")
    letters = models.CharField(max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "role"], name="assignment_one_per_task_and_role"),
            models.CheckConstraint(
                condition=models.Q(letters__regex=r"^[A-Z]{1,8}$"), name="assignment_letters_set"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} / {self.role}: {self.letters}"

    def clean(self) -> None:
        scheme = get_scheme(self.task.matrix.scheme)
        try:
            canonical = scheme.normalize(self.letters)
        except LettersError as exc:
            raise ValidationError({"letters": str(exc)}) from None
        if not canonical:
            raise ValidationError(
                {"letters": "An assignment needs at least one letter; clear the cell instead."}
            )
        self.letters = canonical
        if self.role.organization_id != self.task.matrix.organization_id:
            raise ValidationError({"role": "This role belongs to another organization."})


class Channel(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    IMPORT = "import", "Import"
    SYSTEM = "system", "System"


class ChangeRecord(models.Model):
    """One change to a matrix, recorded in the transaction that made it. Never edited."""

    class Kind(models.TextChoices):
        CELL = "cell", "Cell"
        TASK = "task", "Task"
        COLUMNS = "columns", "Columns"
        MATRIX = "matrix", "Matrix"

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="history", db_index=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.SYSTEM)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # What the change was about; names are copied so history reads the same after renames and deletions.
    # No database constraint on the task and the role: history rows are written by the one writer under
    # the matrix's lock (an import writes 16,000 at once), and the two checks per row at commit cost
    # more than the insert; deleting a task or a role still nulls them through Django (SET_NULL).
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    task_name = models.CharField(max_length=200, blank=True)
    role = models.ForeignKey(
        "orgs.Role", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    role_code = models.CharField(max_length=16, blank=True)
    field = models.CharField(max_length=40, blank=True)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    # The matrix version this change produced.
    version = models.PositiveIntegerField()

    class Meta:
        ordering = ["-at", "-id"]
        # The history reads pages by (at, id) positions (cursor pagination): the index gives any page,
        # however deep, in one index range scan.
        indexes = [models.Index(fields=["matrix", "-at", "-id"], name="change_matrix_at_id_idx")]

    def __str__(self) -> str:
        return f"{self.matrix_id} v{self.version} {self.kind} {self.field}"
