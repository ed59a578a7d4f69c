"""Every request gets an id, and one log line.

The id is the client's ``X-Request-ID`` when that is a plain token (at most 64 of
``A-Z a-z 0-9 . _ -``: a proxy's or a load balancer's id, so their logs and ours line up), otherwise
a new random one. It is in the response's ``X-Request-ID`` header, on ``request.request_id``, and on
every log line written while the request runs (raci/observability.py), a task it enqueues included.

When the response is ready, one line: method, path (without the query string, which may hold
secrets), status, duration, the user's id when the request had already looked the user up (this
middleware never queries for it), and the id. Static files get the header but no line; the probes'
lines are DEBUG (WARNING when not ready). First in settings.MIDDLEWARE, so it sees every response.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.encoding import escape_uri_path
from django.utils.functional import SimpleLazyObject, empty

from raci.observability import current_request_id, request_logger, sane_request_id

HEADER = "X-Request-ID"
PROBE_PATHS = frozenset({"/healthz", "/readyz"})


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        static_url = settings.STATIC_URL or ""
        self.static_prefix = static_url if static_url.startswith("/") else None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get(HEADER, "")
        rid = supplied if sane_request_id(supplied) else uuid.uuid4().hex
        request.request_id = rid
        token = current_request_id.set(rid)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[HEADER] = rid
            if not (self.static_prefix and request.path.startswith(self.static_prefix)):
                log_request(request, response, time.monotonic() - started)
                # Django would log a 4xx or 5xx response once more, outside this middleware and so
                # without the id; this line says it all (an exception's traceback is logged apart).
                response._has_been_logged = True
            return response
        finally:
            current_request_id.reset(token)


def log_request(request: HttpRequest, response: HttpResponse, seconds: float) -> None:
    status = response.status_code
    if request.path_info in PROBE_PATHS:
        # Asked every few seconds; not ready (503) is a state to notice, not an error of ours.
        level = logging.WARNING if status >= 400 else logging.DEBUG
    elif status >= 500:
        level = logging.ERROR
    elif status >= 400:
        level = logging.WARNING
    else:
        level = logging.INFO
    path = escape_uri_path(request.path)
    duration_ms = round(seconds * 1000, 1)
    request_logger.log(
        level,
        "%s %s %s %sms",
        request.method,
        path,
        status,
        duration_ms,
        extra={
            "method": request.method,
            "path": path,
            "status": status,
            "duration_ms": duration_ms,
            "user_id": _user_id(request),
            "request_id": request.request_id,
        },
    )


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id if the request already knows it; looking it up would be a query."""
    user = getattr(request, "user", None)
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None
