"""Presentation exports over the API: a PDF, person cards or slides of the draft or any revision.

``GET …/matrices/<id>/presentation/?format=&revision=`` answers the file at once for a matrix small
enough to render within the request; a larger one answers 409 ``export_runs_as_job``, and
``POST …/matrices/<id>/exports/`` queues it (202, with the job's URL), ``GET …/exports/<job>/``
reports progress and ``GET …/exports/<job>/file/`` downloads it. Any member may export (viewers
too): an export changes nothing.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from orgs.access import Need
from orgs.api.base import OrgScopedView, valid_data
from orgs.api.errors import Conflict
from raci.exports import services
from raci.exports.models import ExportJob
from raci.exports.selectors import presentation_read
from raci.matrices.api.base import REVISION_PARAMETER, REVISION_PATTERN, MatrixScopedView
from raci.matrices.readings import READ_DRAFT, ReadingInvalid, reading_parse

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    enum=list(services.KINDS),
    description="`pdf`: the matrix; `cards`: one page per person, what they own; `pptx`: slides.",
)


class ExportJobSerializer(serializers.ModelSerializer):
    format = serializers.CharField(source="kind")
    revision = serializers.CharField(source="reading")
    matrix = serializers.IntegerField(source="matrix_id")
    file_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "matrix",
            "format",
            "revision",
            "status",
            "progress",
            "error",
            "filename",
            "file_url",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_file_url(self, job) -> str | None:
        if job.status != ExportJob.Status.DONE:
            return None
        return reverse("api-export-job-file", args=[job.organization.slug, job.pk])


class ExportJobInputSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=list(services.KINDS))
    revision = serializers.RegexField(REVISION_PATTERN, max_length=12, required=False, default="draft")


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _kind(request) -> str:
    kind = request.query_params.get("format", "pdf").lower()
    if kind not in services.KINDS:
        raise ApiValidationError({"format": [f"Choose one of {', '.join(services.KINDS)}."]})
    return kind


class PresentationView(MatrixScopedView):
    @extend_schema(
        parameters=[FORMAT_PARAMETER, REVISION_PARAMETER],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (
                200,
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ): OpenApiTypes.BINARY,
            409: OpenApiResponse(
                description="`export_runs_as_job`: too large for a request; POST to `exports/`."
            ),
        },
    )
    def get(self, request, org_slug, matrix_id):
        """Download a PDF, person cards or slides of the draft (default) or a revision, when the matrix is
        small enough to render now; otherwise 409 `export_runs_as_job`: POST to `exports/` instead."""
        kind = _kind(request)
        presentation = presentation_read(matrix=self.matrix, reading=self.reading())
        if services.runs_in_background(presentation, kind):
            raise Conflict(
                "This matrix is too large to render within a request; POST to its exports/ endpoint to "
                "render it in the background.",
                code="export_runs_as_job",
            )
        return _attachment(*services.export_render(presentation=presentation, kind=kind))


class ExportJobCreate(MatrixScopedView):
    write_need = Need.VIEW  # an export changes nothing: viewers may ask for one
    serializer_class = ExportJobInputSerializer

    @extend_schema(request=ExportJobInputSerializer, responses={202: ExportJobSerializer})
    def post(self, request, org_slug, matrix_id):
        """Render a PDF, person cards or slides in the background, any size; poll the job for progress."""
        data = valid_data(ExportJobInputSerializer, request)
        try:
            reading = reading_parse(data["revision"], default=READ_DRAFT)
        except ReadingInvalid as exc:
            raise ApiValidationError({"revision": [str(exc)]}) from None
        # A revision that does not exist is a 404 now, not a failed job later.
        matrix = self.matrix
        if reading.number is not None and not matrix.revisions.filter(number=reading.number).exists():
            raise NotFound(f"{matrix.name} has no revision {reading.number}.")
        if reading.want == "published" and matrix.published_revision_id is None:
            raise NotFound(f"{matrix.name} has never been published.")
        job = services.export_job_start(
            matrix=self.matrix, reading_value=reading.value, kind=data["format"], user=request.user
        )
        job.organization = self.organization
        url = reverse("api-export-job", args=[org_slug, job.pk])
        return Response(
            ExportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED, headers={"Location": url}
        )


class ExportJobDetail(OrgScopedView):
    serializer_class = ExportJobSerializer

    @extend_schema(responses=ExportJobSerializer)
    def get(self, request, org_slug, job_id):
        """Where an export job stands: `queued`, `running` (with `progress` in percent), `done` (with
        `file_url`) or `failed` (with `error`)."""
        job = get_object_or_404(
            ExportJob.objects.defer("content").select_related("organization"),
            pk=job_id,
            organization=self.organization,
        )
        response = Response(ExportJobSerializer(job).data)
        add_never_cache_headers(response)
        return response


class ExportJobFile(OrgScopedView):
    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="`export_not_ready`: the job is queued, running or failed."),
        }
    )
    def get(self, request, org_slug, job_id):
        """The file of a finished export job; 409 `export_not_ready` while it runs or after it failed."""
        job = get_object_or_404(ExportJob, pk=job_id, organization=self.organization)
        if job.status != ExportJob.Status.DONE:
            raise Conflict(f"This export is {job.status}, not ready to download.", code="export_not_ready")
        return _attachment(bytes(job.content), job.content_type, job.filename)
