"""Matrices over the API: thin views that check access (OrgScopedView), call a
selector or service, and translate. The grid loader and the rules engine are the
same ones the browser uses."""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from django_filters.utils import translate_validation
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
from orgs.api.base import OrgScopedListView, valid_data
from orgs.api.errors import Conflict, PreconditionFailed, error_response
from orgs.models import Person, Role
from orgs.teams import team_of
from raci import exchange
from raci.matrices import services
from raci.matrices.adoption import framework_from_matrix, matrix_adopt
from raci.matrices.api import examples as ex
from raci.matrices.api import serializers as s
from raci.matrices.api.base import (
    EXPORT_HEADERS,
    EXPORT_RESPONSES,
    EXPORT_TYPES,
    REVISION_PARAMETER,
    MatrixScopedListView,
    MatrixScopedView,
    api_actor,
    draft_shown,
    etag,
    export_kind,
    export_response,
    matrices_listed,
    shown_document,
    shown_etag,
)
from raci.matrices.cells import BatchInvalid, CellChange, CellConflict, VersionMismatch, grid_apply_changes
from raci.matrices.imports import ImportRejected, matrix_import
from raci.matrices.models import Assignment, Matrix, Task
from raci.matrices.readings import READ_DRAFT, matrix_read
from raci.matrices.selectors import matrix_column_people
from raci.parsing import parse_id
from raci.rules.grid import MatrixGrid


class MatrixList(OrgScopedListView):
    serializer_class = s.MatrixSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Matrix.objects.none()
        return matrices_listed(self.organization)

    @extend_schema(
        request=s.MatrixCreateSerializer, responses={201: s.MatrixSerializer}, examples=ex.MATRIX_CREATE
    )
    def post(self, request, org_slug):
        """Create an empty matrix, or adopt a framework (`framework`, optional `include` and `role_map`)."""
        data = valid_data(s.MatrixCreateSerializer, request)
        if "framework" in data:
            framework = frameworks_visible_to(request.user).filter(slug=data["framework"]).first()
            if framework is None:
                raise ApiValidationError({"framework": [f"No framework '{data['framework']}'."]})
            role_map = {k.upper(): (v.upper() if v else None) for k, v in data.get("role_map", {}).items()}
            matrix = matrix_adopt(
                actor=api_actor(request),
                organization=self.organization,
                framework=framework,
                name=data["name"],
                include=data.get("include"),
                role_map=role_map,
                status=data.get("status", Matrix.Status.DRAFT),
            )
        else:
            matrix = services.matrix_create(
                actor=api_actor(request),
                organization=self.organization,
                name=data["name"],
                scheme=data.get("scheme", "RACI"),
                columns=data.get("columns"),
                status=data.get("status", Matrix.Status.DRAFT),
            )
        return Response(s.MatrixSerializer(matrix).data, status=201)


class MatrixDetail(MatrixScopedView):
    serializer_class = s.MatrixSerializer

    def need_for(self, request) -> Need:
        return Need.OWN if request.method == "DELETE" else super().need_for(request)

    @extend_schema(responses=s.MatrixWithPeopleSerializer)
    def get(self, request, org_slug, matrix_id):
        """The matrix, with `people`: who does each column's role in the matrix's team (the team's
        holders, else up the tree, else the organization's)."""
        people = matrix_column_people(matrix=self.matrix)
        return Response(
            {
                **s.MatrixSerializer(self.matrix).data,
                "people": {
                    code: [{"id": p.id, "name": p.name, "active": p.active} for p in entries]
                    for code, entries in people.items()
                },
            }
        )

    @extend_schema(request=s.MatrixUpdateSerializer, responses=s.MatrixSerializer)
    def patch(self, request, org_slug, matrix_id):
        """Rename, change status or rule thresholds, or set the role columns (codes in order).
        An archived matrix accepts only a new `status` (409 `matrix_archived` otherwise)."""
        data = valid_data(s.MatrixUpdateSerializer, request)
        if "team" in data:
            data["team"] = team_of(self.organization, data["team"])
        matrix = services.matrix_update(actor=api_actor(self.request), matrix=self.matrix, **data)
        return Response(s.MatrixSerializer(matrix).data)

    @extend_schema(responses={204: None})
    def delete(self, request, org_slug, matrix_id):
        """Delete the matrix (owners only); archiving (`status: archived`) keeps it."""
        services.matrix_delete(matrix=self.matrix, actor=api_actor(request))
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
            actor=api_actor(self.request), matrix=self.matrix, **valid_data(s.TaskCreateSerializer, request)
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
            actor=api_actor(self.request), task=task, **valid_data(s.TaskUpdateSerializer, request)
        )
        return Response(s.TaskSerializer(task).data)


class TaskReorder(MatrixScopedView):
    serializer_class = s.TaskReorderSerializer

    @extend_schema(request=s.TaskReorderSerializer, responses={204: None})
    def post(self, request, org_slug, matrix_id):
        """Put the tasks in this order (every task id of the matrix, archived ones included, once)."""
        services.tasks_reorder(
            actor=api_actor(self.request),
            matrix=self.matrix,
            task_ids=valid_data(s.TaskReorderSerializer, request)["order"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class GridView(MatrixScopedView):
    serializer_class = s.GridSerializer

    @extend_schema(
        parameters=[REVISION_PARAMETER],
        responses={200: s.GridSerializer, 304: OpenApiResponse(description="Not modified (If-None-Match).")},
        examples=ex.GRID,
    )
    def get(self, request, org_slug, matrix_id):
        """The whole matrix as one document: the draft by default, or `?revision=published` or a number.

        `shows` names what the document shows. The ETag of the draft is `"m<id>-v<version>"`, the one a
        PATCH accepts in `If-Match`; a revision's is `"m<id>-r<number>"`, which a PATCH refuses (412):
        edit what you read from the draft.
        """
        reading = self.reading()
        inm = request.headers.get("If-None-Match", "")
        if reading == READ_DRAFT:
            # The draft's ETag is known before loading anything.
            tag = etag(self.matrix.pk, self.matrix.version)
            if tag in inm:
                return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        grid, shown = matrix_read(matrix=self.matrix, reading=reading, people=False)
        tag = shown_etag(self.matrix.pk, shown)
        if tag in inm:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": tag})
        return Response(shown_document(grid, shown), headers={"ETag": tag})

    @extend_schema(
        request=s.GridPatchSerializer,
        responses={
            200: s.GridPatchResultSerializer,
            409: OpenApiResponse(
                description="A cell no longer holds what the change expected (code `conflict`, with the "
                "current `cells`), or the matrix is archived (code `matrix_archived`); nothing applied."
            ),
            412: OpenApiResponse(
                description="If-Match does not match the draft's current version, or is the ETag of a "
                "revision (a `?revision=` read) rather than of the draft; nothing applied."
            ),
        },
        parameters=[OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False)],
        examples=ex.GRID_PATCH,
    )
    def patch(self, request, org_slug, matrix_id):
        """Apply a batch of cell changes atomically: all or none.

        Each change names the task, the role code, the letters it expects to find and the letters to set.
        If any cell holds something else, the answer is 409 with those cells' current letters.
        """
        changes = [CellChange(**c) for c in valid_data(s.GridPatchSerializer, request)["changes"]]
        expected_version = self._if_match(request)
        try:
            result = grid_apply_changes(
                actor=api_actor(self.request),
                matrix=self.matrix,
                changes=changes,
                expected_version=expected_version,
            )
        except BatchInvalid as exc:
            raise ApiValidationError({"changes": exc.errors}) from None
        except CellConflict as exc:
            raise Conflict(str(exc), extra={"cells": exc.cells}) from None
        except VersionMismatch as exc:
            raise PreconditionFailed(
                str(exc), extra={"version": exc.version, "etag": etag(self.matrix.pk, exc.version)}
            ) from None
        cells = [{"task": c["task"], "role": c["role"], "letters": c["letters"]} for c in result.cells]
        return Response(
            {"version": result.version, "cells": cells},
            headers={"ETag": etag(self.matrix.pk, result.version)},
        )

    def _if_match(self, request) -> int | None:
        header = request.headers.get("If-Match")
        if not header or header.strip() == "*":
            return None
        prefix = f'"m{self.matrix.pk}-v'
        value = header.strip().removeprefix("W/")
        if value.startswith(f'"m{self.matrix.pk}-r'):
            raise PreconditionFailed(
                "If-Match is the ETag of a published revision, not of the draft: changes apply to the draft, "
                "so read the grid's draft (?revision=draft, the default) and send its ETag.",
                extra={"version": self.matrix.version, "etag": etag(self.matrix.pk, self.matrix.version)},
            )
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

    @extend_schema(parameters=[REVISION_PARAMETER])
    def get(self, request, *args, **kwargs):
        """The non-empty cells, one row per task and role, in task then column order, with filters.

        The draft by default, or `?revision=published` or a number; `shows` (beside `results`) names
        what the rows show. A revision's task ids are those of the draft's tasks when it was published.
        """
        reading = self.reading()
        if reading == READ_DRAFT:
            response = self.list(request, *args, **kwargs)
            shown = draft_shown(self.matrix)
        else:
            grid, shown = matrix_read(matrix=self.matrix, reading=reading, people=False)
            rows = self.paginate_queryset(self.cell_rows(grid))
            response = self.get_paginated_response(self.get_serializer(rows, many=True).data)
        response.data["shows"] = shown.to_dict()
        return response

    def cell_rows(self, grid: MatrixGrid) -> list[dict]:
        """The grid's non-empty cells as rows, filtered as ``AssignmentFilter`` filters the draft's."""
        filterset = AssignmentFilter(
            self.request.query_params, queryset=Assignment.objects.none(), request=self.request
        )
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        wanted = filterset.form.cleaned_data
        roles = list(grid.roles)
        if wanted.get("role"):
            roles = [r for r in roles if r.code.upper() == wanted["role"].upper()]
        if wanted.get("person") is not None:
            person_id = parse_id(str(wanted["person"]))
            held = set(
                Person.roles.through.objects.filter(
                    person_id=person_id, person__organization=self.organization
                ).values_list("role_id", flat=True)
                if person_id
                else ()
            )
            roles = [r for r in roles if r.id in held]
        letter = (wanted.get("letter") or "").strip().upper()[:1]
        stage = (wanted.get("stage") or "").upper()
        return [
            {
                "task_id": task.id,
                "task": {"name": task.name, "stage": task.stage},
                "role": {"code": role.code},
                "letters": letters,
            }
            for task in grid.tasks
            if not stage or task.stage.upper() == stage
            for role in roles
            if (letters := grid.letters(task.id, role.code)) and letter in letters
        ]


class ExportView(MatrixScopedView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=list(EXPORT_TYPES), description="csv|xlsx|json"
            ),
            REVISION_PARAMETER,
            *EXPORT_HEADERS,
        ],
        responses=EXPORT_RESPONSES,
    )
    def get(self, request, org_slug, matrix_id):
        """Download the matrix: one row per task, one column per role, cells like `A/R`.

        The draft by default, or `?revision=published` or a number. Every format says what it shows in
        the `X-Raci-Shows` (`draft` or `revision <number>`) and `X-Raci-Version` headers, JSON also in
        `shows`; a revision's file name ends in `-r<number>`, the draft's in `-v<version>`.
        """
        # The XLSX has a sheet of who holds each role; the other formats carry no people.
        grid, shown = self.read(people=export_kind(request) == "xlsx")
        return export_response(grid, request, shown=shown)


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
        upload = valid_data(s.ImportSerializer, request)["file"]
        dry_run = request.query_params.get("dry_run", "").lower() in ("1", "true", "yes")
        try:
            result = matrix_import(
                actor=api_actor(self.request),
                matrix=self.matrix,
                data=upload.read(),
                filename=upload.name,
                dry_run=dry_run,
            )
        except exchange.ExchangeError as exc:
            raise ApiValidationError({"file": [str(exc)]}) from None
        except ImportRejected as exc:
            return error_response(
                "invalid", str(exc), status.HTTP_400_BAD_REQUEST, details={"rows": exc.issues}
            )
        return Response(result)


class SaveAsFramework(MatrixScopedView):
    @extend_schema(request=s.SaveAsFrameworkSerializer, responses={201: FrameworkSerializer})
    def post(self, request, org_slug, matrix_id):
        """Save this matrix as one of the organization's own frameworks (tasks become activities)."""
        framework = framework_from_matrix(
            matrix=self.matrix, **valid_data(s.SaveAsFrameworkSerializer, request)
        )
        return Response(
            FrameworkSerializer(Framework.objects.select_related("organization").get(pk=framework.pk)).data,
            status=201,
        )
