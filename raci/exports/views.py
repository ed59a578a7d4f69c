"""Presentation exports in the browser: download a PDF, person cards or slides of the state of a
matrix the page shows (``?view=``); a large one is prepared by a background job whose page polls
its progress (htmx) and then offers the file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods

from orgs.access import require_org
from raci.exports import services
from raci.exports.models import ExportJob
from raci.exports.selectors import presentation_read
from raci.matrices.shortcuts import matrix_for_page, page_reading, reader_default


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def presentation_export(request: HttpRequest, org_slug: str, matrix_id: int, kind: str) -> HttpResponse:
    """GET: the file at once when it is small; otherwise a page offering to prepare it. POST: queue it."""
    access, matrix = matrix_for_page(request, org_slug, matrix_id)
    if kind not in services.KINDS:
        raise Http404("No such export.")
    reading = page_reading(request, default=reader_default(access))
    presentation = presentation_read(matrix=matrix, reading=reading, fallback_to_draft=True)
    label = ExportJob.Kind(kind).label
    if request.method == "POST":
        job = services.export_job_start(
            matrix=matrix, reading_value=reading.value, kind=kind, user=request.user
        )
        return redirect(reverse("export-job", args=[org_slug, job.pk]))
    if not services.runs_in_background(presentation, kind):
        return _attachment(*services.export_render(presentation=presentation, kind=kind))
    context = {
        "organization": access.organization,
        "matrix": matrix,
        "presentation": presentation,
        "label": label,
        "reading": reading.value,
    }
    return render(request, "exports/prepare.html", context)


def _job(request: HttpRequest, org_slug: str, job_id) -> tuple:
    access = require_org(request.user, org_slug)
    job = get_object_or_404(
        ExportJob.objects.defer("content").select_related("matrix"),
        pk=job_id,
        organization=access.organization,
    )
    return access, job


@login_required
@require_GET
def export_job(request: HttpRequest, org_slug: str, job_id) -> HttpResponse:
    """The job's page; an htmx poll gets just its progress fragment, which stops polling once finished."""
    access, job = _job(request, org_slug, job_id)
    context = {"organization": access.organization, "job": job, "matrix": job.matrix}
    template = "exports/_job_progress.html" if request.htmx else "exports/job.html"
    response = render(request, template, context)
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def export_job_file(request: HttpRequest, org_slug: str, job_id) -> HttpResponse:
    access = require_org(request.user, org_slug)
    job = get_object_or_404(
        ExportJob, pk=job_id, organization=access.organization, status=ExportJob.Status.DONE
    )
    return _attachment(bytes(job.content), job.content_type, job.filename)
