"""Analyses over the API: findings, workload, overlap, what-if and gap of a matrix, and a person's
responsibilities. Read-only; the same selectors and pure rules engine as the pages."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from orgs.access import Need
from orgs.api.base import OrgScopedView, valid_data
from orgs.models import Person
from raci import rules
from raci.insights.selectors import person_responsibilities
from raci.matrices.api.base import MatrixScopedView
from raci.matrices.selectors import matrix_get, matrix_grid_get
from raci.parsing import parse_id


class ScenarioSerializer(serializers.Serializer):
    operations = serializers.ListField(
        child=serializers.DictField(),
        max_length=50,
        help_text='e.g. [{"op": "merge_role", "source": "PMM", "target": "PM"}, {"op": "remove_person", '
        '"person_id": 7}]; ops: remove_person (person_id), remove_role (role), merge_role and move_letters '
        "(source, target).",
    )


FINDINGS_EXAMPLES = [
    OpenApiExample(
        "Findings",
        value={
            "version": 17,
            "health": 82,
            "counts": {"error": 1, "warning": 0, "info": 0},
            "findings": [
                {
                    "code": "task.multiple_accountable",
                    "severity": "error",
                    "message": "'Pricing' has two Accountable roles: PM and PMM — pick one.",
                    "hint": "Keep A (Accountable) on the one role that has the final word.",
                    "task_id": 41,
                    "role_code": None,
                    "person_id": None,
                }
            ],
        },
        response_only=True,
    )
]

WHAT_IF_EXAMPLES = [
    OpenApiExample(
        "Merge PMM into PM",
        value={"operations": [{"op": "merge_role", "source": "PMM", "target": "PM"}]},
        request_only=True,
    ),
    OpenApiExample(
        "Remove a person", value={"operations": [{"op": "remove_person", "person_id": 12}]}, request_only=True
    ),
]


class FindingsView(MatrixScopedView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT}, examples=FINDINGS_EXAMPLES)
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

    @extend_schema(
        request=ScenarioSerializer, responses={200: OpenApiTypes.OBJECT}, examples=WHAT_IF_EXAMPLES
    )
    def post(self, request, org_slug, matrix_id):
        """Try a reorganization without saving: tasks that lose their A or R, findings before and after."""
        operations = valid_data(ScenarioSerializer, request)["operations"]
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
