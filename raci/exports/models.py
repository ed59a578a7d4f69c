"""A presentation export running in the background: its progress, then its file."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class ExportJob(models.Model):
    """A PDF, person cards or slides of one state of a matrix, rendered by a Celery task.

    The file is kept in the row (a few MB at most for 1,000 x 50) until it is a day old; nobody but
    the organization's members can fetch it, through the job's page or endpoint.
    """

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        CARDS = "cards", "Person cards (PDF)"
        PPTX = "pptx", "Slides (PPTX)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: export_job_org_created leads with it.
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="export_jobs", db_index=False
    )
    matrix = models.ForeignKey("raci.Matrix", on_delete=models.CASCADE, related_name="export_jobs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The state of the matrix asked for: "draft", "published" or a revision number (raci.matrices.readings).
    reading = models.CharField(max_length=12)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    content = models.BinaryField(null=True, blank=True, editable=False)
    content_type = models.CharField(max_length=120, blank=True)
    filename = models.CharField(max_length=120, blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="export_job_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "running", "done", "failed"]),
                name="export_job_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["pdf", "cards", "pptx"]), name="export_job_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["organization", "created_at"], name="export_job_org_created")]

    def __str__(self) -> str:
        return f"{self.kind} of {self.matrix_id} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
