"""What every matrix-scoped endpoint shares: resolving the matrix inside the organization (after
OrgScopedView has checked access), the actor of API changes, which revision a read shows
(``?revision=``), ETags and the export answer."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response

from orgs.api.base import OrgScopedListView, OrgScopedView
from raci import exchange
from raci.matrices.api import serializers as s
from raci.matrices.history import Actor
from raci.matrices.models import Channel, Matrix, MatrixRole
from raci.matrices.readings import READ_DRAFT, Reading, ReadingInvalid, Shown, matrix_read, reading_parse
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
    """The ETag of the draft at ``version``: the one ``If-Match`` accepts on a grid PATCH."""
    return f'"m{matrix_id}-v{version}"'


def revision_etag(matrix_id: int, number: int) -> str:
    """The ETag of revision ``number``: a revision never changes, and it is not the draft, so a
    PATCH sent with it in ``If-Match`` is refused (412)."""
    return f'"m{matrix_id}-r{number}"'


def shown_etag(matrix_id: int, shown: Shown) -> str:
    return etag(matrix_id, shown.version) if shown.draft else revision_etag(matrix_id, shown.revision)


# --- Which revision a read shows (?revision=) -----------------------------------------------------

REVISION_PATTERN = r"^(draft|published|[1-9][0-9]{0,8})$"

REVISION_PARAMETER = OpenApiParameter(
    "revision",
    OpenApiTypes.STR,
    pattern=REVISION_PATTERN,
    description=(
        "Which state of the matrix to read: `draft` (the default) is the working draft, the one edits "
        "change; `published` is the latest published revision, what the organization agreed and readers "
        "see; a number (`1`, `2` …) is that revision. The response's `shows` (for files, the "
        "`X-Raci-Shows` and `X-Raci-Version` headers) names what it shows.\n\n"
        "The default is the draft because scripts read, modify and write back: a grid PATCH is guarded "
        "by the draft's version (its ETag in `If-Match`) and states the letters it expects in each cell, "
        "and a script reading the published revision by default would overwrite draft edits it never "
        "saw. Ask for `published` to report on the agreement.\n\n"
        "Any other value is a 400 (field `revision`); a revision that does not exist, or `published` for "
        "a matrix never published, a 404."
    ),
    examples=[
        OpenApiExample("The draft (default)", value="draft"),
        OpenApiExample("The published revision", value="published"),
        OpenApiExample("Revision 1", value="1"),
    ],
)


def reading_from(request, *, default: Reading = READ_DRAFT) -> Reading:
    """``?revision=`` as a ``Reading``; a 400 on field ``revision`` for anything else."""
    try:
        return reading_parse(request.query_params.get("revision"), default=default)
    except ReadingInvalid as exc:
        raise ApiValidationError({"revision": [str(exc)]}) from None


def draft_shown(matrix: Matrix) -> Shown:
    """What a read of the draft shows, without loading the grid."""
    return Shown(draft=True, version=matrix.version, never_published=matrix.published_revision_id is None)


def grid_document(grid: MatrixGrid) -> dict:
    """The grid as one compact document (also the JSON export)."""
    return exchange.export_json(grid)


def shown_document(grid: MatrixGrid, shown: Shown) -> dict:
    """The grid document of a read, naming what it shows (``version`` stays the grid's own)."""
    return {**grid_document(grid), "shows": shown.to_dict()}


class MatrixScopedMixin:
    """Resolves ``matrix_id`` within the already-resolved organization."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.matrix = matrix_get(organization=self.organization, matrix_id=kwargs["matrix_id"])

    def grid(self) -> MatrixGrid:
        """The draft (endpoints that do not take ``?revision=``: what-if, gap, writes)."""
        return matrix_grid_get(matrix=self.matrix)

    def reading(self, *, default: Reading = READ_DRAFT) -> Reading:
        return reading_from(self.request, default=default)

    def read(self, *, default: Reading = READ_DRAFT, people: bool = True) -> tuple[MatrixGrid, Shown]:
        """The matrix as ``?revision=`` asks (``default`` when absent), and what that shows: 400 for
        junk, 404 for a revision that does not exist or ``published`` for a never-published matrix."""
        return matrix_read(matrix=self.matrix, reading=self.reading(default=default), people=people)


class MatrixScopedView(MatrixScopedMixin, OrgScopedView):
    pass


class MatrixScopedListView(MatrixScopedMixin, OrgScopedListView):
    pass


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def export_kind(request) -> str:
    kind = request.query_params.get("format", "csv").lower()
    if kind not in EXPORT_TYPES:
        raise ApiValidationError({"format": [f"Choose one of {', '.join(EXPORT_TYPES)}."]})
    return kind


def export_response(grid: MatrixGrid, request, *, tag: str | None = None, shown: Shown | None = None):
    """`?format=csv|xlsx` as a download, `json` as the grid document. With ``shown`` (a read that
    chose a revision), the JSON names it in ``shows``, every format in the ``X-Raci-Shows`` and
    ``X-Raci-Version`` headers, and a revision's file name ends in ``r<number>``."""
    kind = export_kind(request)
    if shown is not None and not shown.draft:
        tag = tag or f"r{shown.revision}"
    if kind == "json":
        response = Response(shown_document(grid, shown) if shown is not None else grid_document(grid))
    else:
        content, content_type, filename = exchange.export_file(grid, kind, tag=tag)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if shown is not None:
        response["X-Raci-Shows"] = "draft" if shown.draft else f"revision {shown.revision}"
        response["X-Raci-Version"] = str(shown.version)
    return response


# What an export of ``?revision=`` says it shows, for every format.
EXPORT_HEADERS = [
    OpenApiParameter(
        "X-Raci-Shows",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=[200],
        description="`draft`, or `revision <number>`: what the file shows.",
    ),
    OpenApiParameter(
        "X-Raci-Version",
        OpenApiTypes.INT,
        OpenApiParameter.HEADER,
        response=[200],
        description="The matrix version the file shows (a revision's: the version it froze).",
    ),
]


# CSV and XLSX are files; JSON is the grid document.
EXPORT_RESPONSES = {
    (200, EXPORT_TYPES["csv"]): OpenApiTypes.BINARY,
    (200, EXPORT_TYPES["xlsx"]): OpenApiTypes.BINARY,
    (200, "application/json"): s.GridSerializer,
}
