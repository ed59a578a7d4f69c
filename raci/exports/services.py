"""Rendering an export now, or starting it as a background job and running that job.

What runs where: a small matrix is rendered in the request (a second or two); past
``BACKGROUND_CELLS`` cells (or ``BACKGROUND_PEOPLE`` cards) an ``ExportJob`` is created, a Celery
task renders it (in-process under ``make run``, where there is no broker), and the job's page polls
its progress. Jobs and their files are deleted a day after they were asked for.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from raci.exports.models import ExportJob
from raci.exports.pdf import PDF_CONTENT_TYPE, render_cards_pdf, render_matrix_pdf
from raci.exports.selectors import Presentation, presentation_read
from raci.exports.slides import PPTX_CONTENT_TYPE, render_pptx
from raci.matrices.readings import READ_DRAFT, RevisionMissing, reading_parse
from raci.matrices.selectors import matrix_get

logger = logging.getLogger(__name__)

KINDS = tuple(ExportJob.Kind.values)
# Measured (bench/bench_exports.py): a 100 x 25 matrix renders in about 2 s on a shared machine.
BACKGROUND_CELLS = 2_500
BACKGROUND_PEOPLE = 25
KEEP_JOBS = timedelta(days=1)

_RENDERERS = {
    ExportJob.Kind.PDF: (render_matrix_pdf, PDF_CONTENT_TYPE, "", "pdf"),
    ExportJob.Kind.CARDS: (render_cards_pdf, PDF_CONTENT_TYPE, "-cards", "pdf"),
    ExportJob.Kind.PPTX: (render_pptx, PPTX_CONTENT_TYPE, "", "pptx"),
}


class ExportUnknown(ValueError):
    def __init__(self, kind: str) -> None:
        super().__init__(f"'{kind[:20]}' is not an export: choose one of {', '.join(KINDS)}.")


def runs_in_background(presentation: Presentation, kind: str) -> bool:
    grid = presentation.grid
    if kind == ExportJob.Kind.CARDS:
        return sum(1 for person in grid.people if person.active) > BACKGROUND_PEOPLE
    return len(grid.tasks) * max(len(grid.roles), 1) > BACKGROUND_CELLS


def export_render(*, presentation: Presentation, kind: str, progress=None) -> tuple[bytes, str, str]:
    """The export as (content, content type, file name); the name ends in ``r<number>`` or ``v<version>``."""
    if kind not in _RENDERERS:
        raise ExportUnknown(kind)
    render, content_type, suffix, extension = _RENDERERS[kind]
    name = presentation.grid.name
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-")[:60] or "matrix"
    return (
        render(presentation, progress=progress),
        content_type,
        f"{stem}-{presentation.tag}{suffix}.{extension}",
    )


def export_job_start(*, matrix, reading_value: str, kind: str, user) -> ExportJob:
    """Queue ``kind`` of ``matrix`` as ``reading_value`` (draft, published or a number) for a worker."""
    if kind not in _RENDERERS:
        raise ExportUnknown(kind)
    from raci.exports.tasks import export_job_run_task

    with transaction.atomic():
        ExportJob.objects.filter(
            organization=matrix.organization, created_at__lt=timezone.now() - KEEP_JOBS
        ).delete()
        job = ExportJob.objects.create(
            organization=matrix.organization,
            matrix=matrix,
            kind=kind,
            reading=reading_value,
            requested_by=user,
        )
        transaction.on_commit(lambda: export_job_run_task.delay(str(job.pk)))
    return job


def export_job_run(*, job_id: str) -> ExportJob | None:
    """Render a queued job (claimed once: a duplicate task finds it running and does nothing)."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, progress=1
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("organization").get(pk=job_id)

    def progress(percent: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress=min(99, percent))

    try:
        matrix = matrix_get(organization=job.organization, matrix_id=job.matrix_id)
        presentation = presentation_read(
            matrix=matrix, reading=reading_parse(job.reading, default=READ_DRAFT)
        )
        progress(5)
        content, content_type, filename = export_render(
            presentation=presentation, kind=job.kind, progress=progress
        )
    except RevisionMissing as missing:  # deleted with its matrix's history, say: nothing to render
        return _failed(job, str(missing))
    except Exception:  # recorded on the job, which its page shows; never a silent loss
        logger.exception("export job %s failed", job.pk)
        return _failed(job, "the export could not be rendered; try again, or tell us if it fails again")
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        progress=100,
        content=content,
        content_type=content_type,
        filename=filename,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def _failed(job: ExportJob, reason: str) -> ExportJob:
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.FAILED, error=f"Failed: {reason}"[:300], finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job
