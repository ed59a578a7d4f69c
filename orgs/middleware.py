"""Refuse a request whose query string or form fields hold a NUL character, before any view runs.

No name, code, filter or search term contains NUL, and PostgreSQL cannot store or even compare
text that does, so a view that passed one on to a query answered 500. It is checked here once
rather than in every view that reads ``request.GET`` or ``request.POST``: 400 with the API's one
error shape under /api/, a plain 400 page elsewhere, and nothing written. JSON bodies are left to
the serializers' fields (DRF's ``CharField`` refuses NUL), file contents to the importers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError

from orgs.api.errors import PayloadTooLarge, error_body

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        try:
            field = _field_with_nul(request)
        except (SuspiciousOperation, BadRequest, MultiPartParserError) as exc:
            # A form that cannot be read (too large, too many fields, malformed, not UTF-8). For a page,
            # Django answers 400 as it would from the view; the API answers in its own shape.
            if not api:
                raise
            if isinstance(exc, RequestDataTooBig):
                return JsonResponse(
                    error_body(PayloadTooLarge.default_code, str(PayloadTooLarge.default_detail)), status=413
                )
            return JsonResponse(error_body("parse_error", "The form data could not be read."), status=400)
        if field is None:
            return self.get_response(request)
        message = f"{field} contains a NUL character (%00), which no value may contain."
        if api:
            return JsonResponse(error_body("invalid", message, {field: [message]}), status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


def _field_with_nul(request: HttpRequest) -> str | None:
    """The first query or form field whose value holds NUL, or whose name does (then quoted, escaped)."""
    for key, values in _fields(request):
        if NUL in key:
            return repr(key)
        if any(NUL in value for value in values):
            return key
    return None


def _fields(request: HttpRequest) -> Iterator[tuple[str, list[str]]]:
    yield from request.GET.lists()
    if request.method != "POST" or request.content_type not in FORM_TYPES:
        return
    yield from request.POST.lists()
    # Files: their field names and file names, never their contents.
    for key, files in request.FILES.lists():
        yield key, [upload.name or "" for upload in files]
