"""What the browser pages of every matrix feature share: the matrix a URL names (access checked
first), the actor of a web change, a service's error as one sentence, and a file download."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse

from orgs.access import Need, require_org
from raci import exchange
from raci.matrices.history import Actor
from raci.matrices.models import Channel, Matrix
from raci.matrices.readings import DRAFT, READ_DRAFT, READ_PUBLISHED, Reading, ReadingInvalid, reading_parse
from raci.matrices.selectors import matrix_get


def matrix_for_page(request: HttpRequest, org_slug: str, matrix_id: int, need: Need = Need.VIEW):
    access = require_org(request.user, org_slug, need)
    return access, matrix_get(organization=access.organization, matrix_id=matrix_id)


def page_reading(request: HttpRequest, *, default: Reading) -> Reading:
    """The state of a matrix a page shows, from ``?view=`` (draft, published or a revision
    number), else ``default``. Junk raises ``ReadingInvalid`` (400, see ``middleware``)."""
    return reading_parse(request.GET.get("view"), default=default)


def pages_show_drafts(request: HttpRequest) -> bool:
    """Pages across matrices (a person, a role, search) read each matrix's published revision,
    or every draft with ``?view=draft``; a revision number means nothing across matrices."""
    reading = page_reading(request, default=READ_PUBLISHED)
    if reading.number is not None:
        raise ReadingInvalid(reading.value)
    return reading.want == DRAFT


def reader_default(access) -> Reading:
    """What a matrix page opens on: editors work on the draft, everyone else reads the agreement."""
    return READ_DRAFT if access.can_edit else READ_PUBLISHED


def editor_url(matrix: Matrix) -> str:
    return reverse("matrix-detail", args=[matrix.organization.slug, matrix.pk])


def web_actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user, channel=Channel.WEB)


def error_text(error: ValidationError | Exception | dict) -> str:
    """A service's refusal (or a form's errors) as sentences a page can show."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, dict):  # form.errors
        return " ".join(str(message) for messages in error.values() for message in messages)
    return str(error)


def file_download(grid, kind: str, *, tag: str | None = None) -> HttpResponse:
    """The grid as a CSV or XLSX attachment (the API's export uses the same exchange code)."""
    try:
        content, content_type, filename = exchange.export_file(grid, kind, tag=tag)
    except exchange.ExchangeError as exc:
        return HttpResponseBadRequest(exc.message)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
