"""A ``?view=`` that names no state of a matrix answers 400 with the reason, on every page.

Pages read the choice through ``raci.matrices.shortcuts.page_reading``, which raises
``ReadingInvalid``; turning it into a response here keeps every page view free of the same
try/except. API views refuse the same input themselves, in the API's error shape.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

from raci.matrices.readings import ReadingInvalid


class ReadingInvalidMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ReadingInvalid):
            return HttpResponseBadRequest(str(exception), content_type="text/plain; charset=utf-8")
        return None
