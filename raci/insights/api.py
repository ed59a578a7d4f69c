"""Analyses over the API: findings, workload, overlap, what-if and gap of a matrix, and a person's
responsibilities. Read-only but for saving a what-if as a new draft (through the matrices' service,
as the page does); the same selectors and pure rules engine as the pages.

Findings, workload and overlap read the draft by default or the revision ``?revision=`` names (as
the grid does) and say which in ``shows``; a person's responsibilities read the published
revisions by default (what was agreed) or, with ``?revision=draft``, the drafts."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from orgs.access import Need
from orgs.api.base import OrgScopedView, valid_data
from orgs.models import Person
from orgs.teams import team_of
from orgs.validators import validate_single_line
from raci import rules
from raci.insights.company_map import company_map
from raci.insights.selectors import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    CursorInvalid,
    person_responsibilities_page,
)
from raci.matrices.adoption import matrix_from_grid
from raci.matrices.api.base import REVISION_PARAMETER, MatrixScopedView, api_actor, reading_from
from raci.matrices.api.serializers import MatrixSerializer
from raci.matrices.models import Matrix
from raci.matrices.readings import DRAFT, PUBLISHED, READ_PUBLISHED
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


SHOWS_EXAMPLE = {
    "shows": "revision",
    "revision": 3,
    "version": 17,
    "published_at": "2026-03-02T09:30:00+00:00",
}

FINDINGS_EXAMPLES = [
    OpenApiExample(
        "Findings",
        value={
            "shows": SHOWS_EXAMPLE,
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
    @extend_schema(
        parameters=[REVISION_PARAMETER], responses={200: OpenApiTypes.OBJECT}, examples=FINDINGS_EXAMPLES
    )
    def get(self, request, org_slug, matrix_id):
        """What the rules engine reports, with the health score (0-100; null when the matrix is not
        scored yet: no task holds a letter, and a `matrix.empty` finding says what to do) and counts
        per severity, of the draft (default) or a revision; `shows` names which (a revision is
        analysed with today's people and rule thresholds)."""
        grid, shown = self.read()
        analysis = rules.analyse(grid)
        return Response(
            {
                "shows": shown.to_dict(),
                "version": grid.version,
                "health": analysis.health,
                "counts": analysis.counts(),
                "findings": [f.to_dict() for f in analysis.findings],
            }
        )


class WorkloadView(MatrixScopedView):
    @extend_schema(parameters=[REVISION_PARAMETER], responses={200: OpenApiTypes.OBJECT})
    def get(self, request, org_slug, matrix_id):
        """Counts of each letter and a weighted load, per role and per person, of the draft (default) or
        a revision; `shows` names which."""
        grid, shown = self.read()
        return Response({"shows": shown.to_dict(), **rules.workload(grid).to_dict()})


class OverlapView(MatrixScopedView):
    @extend_schema(
        parameters=[
            OpenApiParameter("a", OpenApiTypes.STR, description="Role code (default PM)."),
            OpenApiParameter("b", OpenApiTypes.STR, description="Role code (default PMM)."),
            REVISION_PARAMETER,
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, org_slug, matrix_id):
        """Tasks each of two roles owns alone, the ones they share, and the ones neither touches, in the
        draft (default) or a revision; `shows` names which."""
        a = request.query_params.get("a", "PM").strip().upper()
        b = request.query_params.get("b", "PMM").strip().upper()
        grid, shown = self.read()
        try:
            overlap = rules.overlap(grid, a, b)
        except rules.AnalysisError as exc:
            raise ApiValidationError({"non_field_errors": [str(exc)]}) from None
        return Response({"shows": shown.to_dict(), **overlap.to_dict()})


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


class WhatIfSaveSerializer(ScenarioSerializer):
    operations = serializers.ListField(
        child=serializers.DictField(),
        min_length=1,
        max_length=50,
        help_text=ScenarioSerializer().fields["operations"].help_text,
    )
    name = serializers.CharField(
        max_length=120,
        required=False,
        validators=[validate_single_line],
        help_text="The new draft's name; by default the matrix's name followed by “(what-if)”.",
    )
    proposal = serializers.BooleanField(
        default=True,
        help_text="Also apply the what-if's `proposal` (when people leave: who takes over the letters of "
        "roles left without a holder), as the page does; false saves the operations alone.",
    )


WHAT_IF_SAVE_EXAMPLES = [
    OpenApiExample(
        "Save 'merge PMM into PM' as a new draft",
        value={
            "operations": [{"op": "merge_role", "source": "PMM", "target": "PM"}],
            "name": "Product, one role",
        },
        request_only=True,
    ),
]


class WhatIfSaveView(MatrixScopedView):
    """Editors and owners: the one write among the analyses, through the matrices' own service."""

    write_need = Need.EDIT

    @extend_schema(
        request=WhatIfSaveSerializer,
        responses={201: MatrixSerializer},
        examples=WHAT_IF_SAVE_EXAMPLES,
        parameters=[
            OpenApiParameter(
                "Location",
                OpenApiTypes.URI,
                OpenApiParameter.HEADER,
                response=[201],
                description="The new matrix in the API.",
            )
        ],
    )
    def post(self, request, org_slug, matrix_id):
        """Save a what-if of the draft as a new draft matrix: the same `operations` the what-if takes,
        with the proposal for who takes over (unless `proposal` is false). The source matrix is
        unchanged; the new one's history starts with where it came from. A scenario the what-if
        refuses is a 400 and creates nothing."""
        data = valid_data(WhatIfSaveSerializer, request)
        try:
            result = rules.what_if(self.grid(), rules.parse_scenario(data["operations"]))
        except rules.AnalysisError as exc:
            raise ApiValidationError({"operations": [str(exc)]}) from None
        grid = (result.proposed_grid if data["proposal"] else None) or result.grid
        saved = matrix_from_grid(
            source=self.matrix,
            grid=grid,
            name=data.get("name") or f"{self.matrix.name[:109]} (what-if)",
            actor=api_actor(request),
        )
        location = request.build_absolute_uri(
            reverse("api-matrix", kwargs={"org_slug": self.organization.slug, "matrix_id": saved.pk})
        )
        return Response(MatrixSerializer(saved).data, status=201, headers={"Location": location})


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


PEOPLE_REVISION_PARAMETER = OpenApiParameter(
    "revision",
    OpenApiTypes.STR,
    enum=[PUBLISHED, DRAFT],
    description=(
        "`published` (the default): each matrix's latest published revision, what was agreed; matrices "
        "never published are left out. `draft`: every matrix's working draft, published or not. A "
        "person's responsibilities are what was agreed, hence the default. A revision number is a 400: "
        "numbers are per matrix and mean nothing across matrices."
    ),
)


CURSOR_PARAMETER = OpenApiParameter(
    "cursor",
    OpenApiTypes.STR,
    description=(
        "Where a page starts: the opaque cursor in `next` or `previous` of the page before. Items come "
        "by matrix name, then task order, a page of tasks at a time (every letter of the person on a task "
        "is on the same page); omit for the first page. A cursor not made by the API is a 400."
    ),
)
PAGE_SIZE_PARAMETER = OpenApiParameter(
    "page_size",
    OpenApiTypes.INT,
    description=f"Tasks per page, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE}).",
)


def _page_size(request) -> int:
    raw = request.query_params.get("page_size", "")
    if not raw:
        return PAGE_SIZE
    size = parse_id(raw)
    if size is None or not 1 <= size <= MAX_PAGE_SIZE:
        raise ApiValidationError({"page_size": [f"A whole number from 1 to {MAX_PAGE_SIZE}."]})
    return size


class PersonResponsibilities(OrgScopedView):
    @extend_schema(
        parameters=[PEOPLE_REVISION_PARAMETER, CURSOR_PARAMETER, PAGE_SIZE_PARAMETER],
        responses={200: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "Responsibilities as published",
                value={
                    "person": {"id": 12, "name": "Ana", "roles": ["PM"]},
                    "revision": "published",
                    "next": "https://raci.example/api/v1/orgs/acme/people/12/responsibilities/?cursor=WyJhIiwiUHJvZHVjdCIsMyw0LDQxXQ",
                    "previous": None,
                    "responsibilities": [
                        {
                            "matrix": {"id": 3, "name": "Product management and marketing"},
                            "revision": 4,
                            "stage": "Business",
                            "task": {"id": 41, "name": "Pricing"},
                            "role": "PM",
                            "letters": "A",
                            "co_owners": [{"role": "PMM", "letters": "R"}],
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    def get(self, request, org_slug, person_id):
        """Every R, A, C or I this person carries through their roles, across the organization's matrices:
        as published (default; each item's `revision` is its matrix's published revision) or, with
        `?revision=draft`, in the drafts (`revision` null). Paginated by cursor: `next` and `previous`
        are the URLs of the pages around this one (null at either end)."""
        reading = reading_from(request, default=READ_PUBLISHED)
        if reading.number is not None:
            raise ApiValidationError(
                {
                    "revision": [
                        "A revision number is per matrix and means nothing across matrices: "
                        "use published (the default) or draft."
                    ]
                }
            )
        draft = reading.want == DRAFT
        person = get_object_or_404(
            Person.objects.prefetch_related("roles"), pk=person_id, organization=self.organization
        )
        size = _page_size(request)
        try:
            page = person_responsibilities_page(
                person=person, draft=draft, cursor=request.query_params.get("cursor") or None, size=size
            )
        except CursorInvalid as error:
            raise ApiValidationError({"cursor": [str(error)]}) from error
        found = page.items
        # The published revision of each matrix listed: one query, whatever their number.
        numbers = (
            {}
            if draft or not found
            else dict(
                Matrix.objects.filter(pk__in={r.matrix_id for r in found}).values_list(
                    "pk", "published_revision__number"
                )
            )
        )
        return Response(
            {
                "person": {
                    "id": person.pk,
                    "name": person.name,
                    "roles": sorted({r.code for r in person.roles.all()}),
                },
                "revision": reading.want,
                "next": _page_url(request, page.next),
                "previous": _page_url(request, page.previous),
                "responsibilities": [{**r.to_dict(), "revision": numbers.get(r.matrix_id)} for r in found],
            }
        )


def _page_url(request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = request.query_params.copy()
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


MAP_PAGE_SIZE = 50


class CompanyMapView(OrgScopedView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "team",
                OpenApiTypes.INT,
                description="A team's id: its matrices and those of the teams under it.",
            ),
            OpenApiParameter(
                "page",
                OpenApiTypes.INT,
                description=f"The page of `activities` ({MAP_PAGE_SIZE} a page); `gaps`, `duplicates` and "
                "`missing` always cover the whole map.",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, org_slug):
        """Who is Accountable and Responsible for each activity across every published matrix, by
        team, with the people each role names in its team; `gaps` (activities nobody owns, and
        activities of adopted frameworks in no published matrix) and `duplicates` (activities
        owned by more than one team)."""
        team = None
        value = request.query_params.get("team")
        if value:
            team_id = parse_id(value)
            if team_id is None:
                raise ApiValidationError({"team": ["Give the id of a team."]})
            team = team_of(self.organization, team_id)
        result = company_map(organization=self.organization, team=team)
        number = parse_id(request.query_params.get("page", "1"))
        pages = max(1, -(-len(result.activities) // MAP_PAGE_SIZE))
        if number is None or number > pages:
            raise ApiValidationError({"page": [f"Give a page number from 1 to {pages}."]})
        shown = result.activities[(number - 1) * MAP_PAGE_SIZE : number * MAP_PAGE_SIZE]
        return Response({"page": number, "pages": pages, **result.to_dict(shown)})
