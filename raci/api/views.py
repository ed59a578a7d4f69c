"""Matrices over the API: thin views that check access (OrgScopedView), call a
selector or service, and translate. The grid loader and the rules engine are the
same ones the browser uses."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from frameworks.api.serializers import FrameworkSerializer
from frameworks.models import Framework
from frameworks.selectors import frameworks_visible_to
from orgs.access import Need
from orgs.api.base import OrgScopedListView, OrgScopedView
from orgs.models import Person, Role
from raci import exchange, rules, services
from raci.api import examples as ex
from raci.api import serializers as s
from raci.api.errors import Conflict, PreconditionFailed, error_response
from raci.grid import MatrixGrid
from raci.history import Actor
from raci.models import Assignment, Channel, Matrix, MatrixRole, Task
from raci.parsing import parse_id
from raci.selectors import matrix_get, matrix_grid_get, person_responsibilities


def _actor(request) -> Actor:
    return Actor(user=request.user, channel=Channel.API)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _matrices(organization):
    return (
        Matrix.objects.filter(organization=organization)
        .select_related("framework")
        .prefetch_related(
            Prefetch("columns", queryset=MatrixRole.objects.select_related("role").order_by("order"))
        )
        .order_by("name", "id")
    )


def etag(matrix_id: int, version: int) -> str:
    return f'"m{matrix_id}-v{version}"'


def grid_document(grid: MatrixGrid) -> dict:
    """The grid as one compact document (also the JSON export)."""
    return exchange.export_json(grid)


class MatrixScopedMixin:
    """Resolves ``matrix_id`` within the already-resolved organization."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.matrix = matrix_get(organization=self.organization, matrix_id=kwargs["matrix_id"])

    def grid(self) -> MatrixGrid:
        return matrix_grid_get(matrix=self.matrix)


class MatrixScopedView(MatrixScopedMixin, OrgScopedView):
    pass


class MatrixScopedListView(MatrixScopedMixin, OrgScopedListView):
    pass


class MatrixList(OrgScopedListView):
    serializer_class = s.MatrixSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Matrix.objects.none()
        return _matrices(self.organization)

    @extend_schema(
        request=s.MatrixCreateSerializer, responses={201: s.MatrixSerializer}, examples=ex.MATRIX_CREATE
    )
    def post(self, request, org_slug):
        """Create an empty matrix, or adopt a framework (`framework`, optional `include` and `role_map`)."""
        data = _valid(s.MatrixCreateSerializer, request)
        if "framework" in data:
            framework = frameworks_visible_to(request.user).filter(slug=data["framework"]).first()
            if framework is None:
                raise ApiValidationError({"framework": [f"No framework '{data['framework']}'."]})
            role_map = {k.upper(): (v.upper() if v else None) for k, v in data.get("role_map", {}).items()}
            matrix = services.matrix_adopt(
                organization=self.organization,
                framework=framework,
                name=data["name"],
                include=data.get("include"),
                role_map=role_map,
                status=data.get("status", Matrix.Status.DRAFT),
            )
        else:
            matrix = services.matrix_create(
                organization=self.organization,
                name=data["name"],
                scheme=data.get("scheme", "RACI"),
                status=data.get("status", Matrix.Status.DRAFT),
            )
            if "columns" in data:
                services.matrix_update(actor=_actor(self.request), matrix=matrix, columns=data["columns"])
        return Response(s.MatrixSerializer(_matrices(self.organization).get(pk=matrix.pk)).data, status=201)


class MatrixDetail(MatrixScopedView):
    serializer_class = s.MatrixSerializer

    def need_for(self, request) -> Need:
        return Need.OWN if request.method == "DELETE" else super().need_for(request)

    def _data(self):
        return s.MatrixSerializer(_matrices(self.organization).get(pk=self.matrix.pk)).data

    def get(self, request, org_slug, matrix_id):
        return Response(self._data())

    @extend_schema(request=s.MatrixUpdateSerializer, responses=s.MatrixSerializer)
    def patch(self, request, org_slug, matrix_id):
        """Rename, change status or rule thresholds, or set the role columns (codes in order)."""
        services.matrix_update(
            actor=_actor(self.request), matrix=self.matrix, **_valid(s.MatrixUpdateSerializer, request)
        )
        return Response(self._data())

    @extend_schema(responses={204: None})
    def delete(self, request, org_slug, matrix_id):
        """Delete the matrix (owners only); archiving (`status: archived`) keeps it."""
        self.matrix.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class TaskList(MatrixScopedListView):
    serializer_class = s.TaskSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        tasks = Task.objects.filter(matrix=self.matrix).order_by("order", "id")
        if self.request.query_params.get("archived") not in ("1", "true", "yes"):
            tasks = tasks.filter(archived=False)
        return tasks

    @extend_schema(
        parameters=[OpenApiParameter("archived", OpenApiTypes.BOOL, description="Include archived tasks.")]
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(request=s.TaskCreateSerializer, responses={201: s.TaskSerializer}, examples=ex.TASK_CREATE)
    def post(self, request, org_slug, matrix_id):
        task = services.task_create(
            actor=_actor(self.request), matrix=self.matrix, **_valid(s.TaskCreateSerializer, request)
        )
        return Response(s.TaskSerializer(task).data, status=201)


class TaskDetail(MatrixScopedView):
    serializer_class = s.TaskSerializer

    def get_object(self):
        return get_object_or_404(Task, pk=self.kwargs["task_id"], matrix=self.matrix)

    def get(self, request, org_slug, matrix_id, task_id):
        return Response(s.TaskSerializer(self.get_object()).data)

    @extend_schema(request=s.TaskUpdateSerializer, responses=s.TaskSerializer)
    def patch(self, request, org_slug, matrix_id, task_id):
        """Rename, move to another stage, describe, or archive (`archived: true`) a task."""
        task = self.get_object()
        task.matrix = self.matrix
        task = services.task_update(
            actor=_actor(self.request), task=task, **_valid(s.TaskUpdateSerializer, request)
        )
        return Response(s.TaskSerializer(task).data)


class TaskReorder(MatrixScopedView):
    serializer_class = s.TaskReorderSerializer

    @extend_schema(request=s.TaskReorderSerializer, responses={204: None})
    def post(self, request, org_slug, matrix_id):
        """Put the tasks in this order (every task id of the matrix, archived ones included, once)."""
        services.tasks_reorder(
            actor=_actor(self.request),
            matrix=self.matrix,
            task_ids=_valid(s.TaskReorderSerializer, request)["order"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class GridView(MatrixScopedView):
    serializer_class = s.GridSerializer

    @extend_schema(
        responses={200: s.GridSerializer, 304: OpenApiResponse(description="Not modified (If-None-Match).")},
        examples=ex.GRID,
    )
    def get(self, request, org_slug, matrix_id):
        """The whole matrix as one document, with its version as ETag."""
        tag = etag(self.matrix.pk, self.matrix.version)
        if tag in request.headers.get("If-None-Match", ""):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return Response(grid_document(self.grid()), headers={"ETag": tag})

    @extend_schema(
        request=s.GridPatchSerializer,
        responses={
            200: s.GridPatchResultSerializer,
            409: OpenApiResponse(
                description="A cell no longer holds what the change expected; nothing applied."
            ),
            412: OpenApiResponse(description="If-Match does not match the current version; nothing applied."),
        },
        parameters=[OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False)],
        examples=ex.GRID_PATCH,
    )
    def patch(self, request, org_slug, matrix_id):
        """Apply a batch of cell changes atomically: all or none.

        Each change names the task, the role code, the letters it expects to find and the letters to set.
        If any cell holds something else, the answer is 409 with those cells' current letters.
        """
        changes = [services.CellChange(**c) for c in _valid(s.GridPatchSerializer, request)["changes"]]
        expected_version = self._if_match(request)
        try:
            version, cells = services.grid_apply_changes(
                actor=_actor(self.request),
                matrix=self.matrix,
                changes=changes,
                expected_version=expected_version,
            )
        except services.BatchInvalid as exc:
            raise ApiValidationError({"changes": exc.errors}) from None
        except services.CellConflict as exc:
            raise Conflict(str(exc), extra={"cells": exc.cells}) from None
        except services.VersionMismatch as exc:
            raise PreconditionFailed(
                str(exc), extra={"version": exc.version, "etag": etag(self.matrix.pk, exc.version)}
            ) from None
        return Response({"version": version, "cells": cells}, headers={"ETag": etag(self.matrix.pk, version)})

    def _if_match(self, request) -> int | None:
        header = request.headers.get("If-Match")
        if not header or header.strip() == "*":
            return None
        prefix = f'"m{self.matrix.pk}-v'
        value = header.strip().removeprefix("W/")
        if not (value.startswith(prefix) and value.endswith('"') and parse_id(value[len(prefix) : -1])):
            raise PreconditionFailed(
                "If-Match is not an ETag of this matrix.",
                extra={"version": self.matrix.version, "etag": etag(self.matrix.pk, self.matrix.version)},
            )
        return parse_id(value[len(prefix) : -1])


class AssignmentFilter(django_filters.FilterSet):
    role = django_filters.CharFilter(field_name="role__code", lookup_expr="iexact", help_text="Role code.")
    person = django_filters.NumberFilter(method="filter_person", help_text="Person id: the roles they hold.")
    letter = django_filters.CharFilter(method="filter_letter", help_text="Cells holding this letter.")
    stage = django_filters.CharFilter(field_name="task__stage", lookup_expr="iexact")

    class Meta:
        model = Assignment
        fields = ["role", "person", "letter", "stage"]

    def filter_person(self, queryset, name, value):
        roles = Role.objects.filter(people__pk=value)
        return queryset.filter(role__in=roles)

    def filter_letter(self, queryset, name, value):
        return queryset.filter(letters__contains=value.strip().upper()[:1])


class AssignmentList(MatrixScopedListView):
    serializer_class = s.AssignmentRowSerializer
    filterset_class = AssignmentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assignment.objects.none()
        return (
            Assignment.objects.filter(
                task__matrix=self.matrix, task__archived=False, role__columns__matrix=self.matrix
            )
            .select_related("task", "role")
            .order_by("task__order", "task_id", "role__columns__order")
        )


class FindingsView(MatrixScopedView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT}, examples=ex.FINDINGS)
    def get(self, request, org_slug, matrix_id):
        """What the rules engine reports, with the health score (0-100) and counts per severity."""
        grid = self.grid()
        analysis = rules.analyse(grid)
        return Response(
            {
                "version": grid.version,
                "health": analysis.health,
                "counts": analysis.counts(),
                "findings": [f.to_dict() for f in analysis.findings],
            }
        )


class WorkloadView(MatrixScopedView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, org_slug, matrix_id):
        """Counts of each letter and a weighted load, per role and per person."""
        return Response(rules.workload(self.grid()).to_dict())


class OverlapView(MatrixScopedView):
    @extend_schema(
        parameters=[
            OpenApiParameter("a", OpenApiTypes.STR, description="Role code (default PM)."),
            OpenApiParameter("b", OpenApiTypes.STR, description="Role code (default PMM)."),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, org_slug, matrix_id):
        """Tasks each of two roles owns alone, the ones they share, and the ones neither touches."""
        a = request.query_params.get("a", "PM").strip().upper()
        b = request.query_params.get("b", "PMM").strip().upper()
        try:
            return Response(rules.overlap(self.grid(), a, b).to_dict())
        except rules.AnalysisError as exc:
            raise ApiValidationError({"non_field_errors": [str(exc)]}) from None


class WhatIfView(MatrixScopedView):
    read_need = write_need = Need.VIEW

    @extend_schema(request=s.ScenarioSerializer, responses={200: OpenApiTypes.OBJECT}, examples=ex.WHAT_IF)
    def post(self, request, org_slug, matrix_id):
        """Try a reorganization without saving: tasks that lose their A or R, findings before and after."""
        operations = _valid(s.ScenarioSerializer, request)["operations"]
        try:
            result = rules.what_if(self.grid(), rules.parse_scenario(operations))
        except rules.AnalysisError as exc:
            raise ApiValidationError({"operations": [str(exc)]}) from None
        return Response(result.to_dict())


class GapView(MatrixScopedView):
    @extend_schema(
        parameters=[OpenApiParameter("proposed", OpenApiTypes.INT, required=True, description="Matrix id.")],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, org_slug, matrix_id):
        """Per task, which letters move from whom to whom between this matrix and a proposed one."""
        proposed_id = parse_id(request.query_params.get("proposed", ""))
        if proposed_id is None:
            raise ApiValidationError({"proposed": ["Give the id of the proposed matrix."]})
        proposed = matrix_get(organization=self.organization, matrix_id=proposed_id)
        return Response(rules.gap(self.grid(), matrix_grid_get(matrix=proposed)).to_dict())


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def export_response(grid: MatrixGrid, request, *, tag: str | None = None):
    """`?format=csv|xlsx` as a download, `json` as the grid document."""
    kind = request.query_params.get("format", "csv").lower()
    if kind not in EXPORT_TYPES:
        raise ApiValidationError({"format": [f"Choose one of {', '.join(EXPORT_TYPES)}."]})
    if kind == "json":
        return Response(grid_document(grid))
    content, content_type, filename = exchange.export_file(grid, kind, tag=tag)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# CSV and XLSX are files; JSON is the grid document.
EXPORT_RESPONSES = {
    (200, EXPORT_TYPES["csv"]): OpenApiTypes.BINARY,
    (200, EXPORT_TYPES["xlsx"]): OpenApiTypes.BINARY,
    (200, "application/json"): s.GridSerializer,
}


class ExportView(MatrixScopedView):
    @extend_schema(
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=list(EXPORT_TYPES), description="csv|xlsx|json")
        ],
        responses=EXPORT_RESPONSES,
    )
    def get(self, request, org_slug, matrix_id):
        """Download the matrix: one row per task, one column per role, cells like `A/R`."""
        return export_response(self.grid(), request)


class ImportView(MatrixScopedView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.ImportSerializer},
        parameters=[
            OpenApiParameter("dry_run", OpenApiTypes.BOOL, description="Report what would change only.")
        ],
        responses={200: OpenApiTypes.OBJECT},
        examples=ex.IMPORT,
    )
    def post(self, request, org_slug, matrix_id):
        """Import a CSV or XLSX in the export layout. Any bad row is reported with its line number and
        nothing is written; `?dry_run=1` reports what would change without writing."""
        upload = _valid(s.ImportSerializer, request)["file"]
        dry_run = request.query_params.get("dry_run", "").lower() in ("1", "true", "yes")
        try:
            result = services.matrix_import(
                actor=_actor(self.request),
                matrix=self.matrix,
                data=upload.read(),
                filename=upload.name,
                dry_run=dry_run,
            )
        except exchange.ExchangeError as exc:
            raise ApiValidationError({"file": [str(exc)]}) from None
        except services.ImportRejected as exc:
            return error_response(
                "invalid", str(exc), status.HTTP_400_BAD_REQUEST, details={"rows": exc.issues}
            )
        return Response(result)


class SaveAsFramework(MatrixScopedView):
    @extend_schema(request=s.SaveAsFrameworkSerializer, responses={201: FrameworkSerializer})
    def post(self, request, org_slug, matrix_id):
        """Save this matrix as one of the organization's own frameworks (tasks become activities)."""
        framework = services.framework_from_matrix(
            matrix=self.matrix, **_valid(s.SaveAsFrameworkSerializer, request)
        )
        return Response(
            FrameworkSerializer(Framework.objects.select_related("organization").get(pk=framework.pk)).data,
            status=201,
        )


class PersonResponsibilities(OrgScopedView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, org_slug, person_id):
        """Every R, A, C or I this person carries through their roles, across the organization's matrices."""
        person = get_object_or_404(
            Person.objects.prefetch_related("roles"), pk=person_id, organization=self.organization
        )
        return Response(
            {
                "person": {
                    "id": person.pk,
                    "name": person.name,
                    "roles": [r.code for r in person.roles.all()],
                },
                "responsibilities": [r.to_dict() for r in person_responsibilities(person=person)],
            }
        )
