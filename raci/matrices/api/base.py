"""What every matrix-scoped endpoint shares: resolving the matrix inside the organization (after
OrgScopedView has checked access), the actor of API changes, ETags and the export answer."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from orgs.api.base import OrgScopedListView, OrgScopedView
from raci import exchange
from raci.matrices.api import serializers as s
from raci.matrices.history import Actor
from raci.matrices.models import Channel, Matrix, MatrixRole
from raci.matrices.selectors import matrix_get, matrix_grid_get
from raci.rules.grid import MatrixGrid


def api_actor(request) -> Actor:
    return Actor(user=request.user, channel=Channel.API)


def matrices_listed(organization):
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
