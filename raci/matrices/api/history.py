"""The history of a matrix over the API: every change, newest first, filtered; read-only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import CursorPagination

from orgs.models import Person
from raci.matrices.api.base import (
    MatrixScopedListView,
)
from raci.matrices.history import history_for_matrix
from raci.matrices.models import ChangeRecord
from raci.parsing import parse_id


class ChangeRecordSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, read_only=True, allow_null=True)
    task = serializers.IntegerField(source="task_id", allow_null=True)
    role = serializers.CharField(source="role_code")

    class Meta:
        model = ChangeRecord
        fields = [
            "id", "at", "actor", "channel", "kind", "task", "task_name", "role", "field", "before", "after",
            "version",
        ]  # fmt: skip


class HistoryCursorPagination(CursorPagination):
    """Pages by position in (at, id), newest first: the 2,000th page costs what the first does,
    where an offset would scan every row before it. ``next``/``previous`` carry the cursor."""

    ordering = ("-at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class HistoryList(MatrixScopedListView):
    serializer_class = ChangeRecordSerializer
    pagination_class = HistoryCursorPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("task", OpenApiTypes.INT),
            OpenApiParameter("role", OpenApiTypes.STR, description="Role code."),
            OpenApiParameter(
                "person", OpenApiTypes.INT, description="Changes to the roles this person holds."
            ),
        ]
    )
    def get(self, request, *args, **kwargs):
        """Every change to the matrix's tasks, columns and cells, newest first. Read-only."""
        return self.list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ChangeRecord.objects.none()
        params = self.request.query_params
        task, person = params.get("task", ""), params.get("person", "")
        task_id, person_id = parse_id(task), parse_id(person)
        if (task and task_id is None) or (person and person_id is None):
            raise ApiValidationError({"non_field_errors": ["task and person are ids (whole numbers)."]})
        person_obj = (
            get_object_or_404(Person, pk=person_id, organization=self.organization) if person_id else None
        )
        return history_for_matrix(
            matrix=self.matrix,
            task_id=task_id,
            role_code=params.get("role", "").strip(),
            person=person_obj,
        )
