"""One error shape for every 4xx and 5xx answer of the API:

{"error": {"code": "invalid", "message": "Human sentence.", "details": {"field": ["..."]}}}
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from orgs.exceptions import Conflict as DomainConflict

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Someone else changed this first."
    default_code = "conflict"

    def __init__(self, detail=None, *, code: str | None = None, extra: dict | None = None):
        super().__init__(detail, code)
        self.extra = extra or {}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The matrix changed since the version in If-Match."
    default_code = "precondition_failed"

    def __init__(self, detail=None, *, extra: dict | None = None):
        super().__init__(detail)
        self.extra = extra or {}


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def error_body(code: str, message: str, details=None, **extra) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}, **extra}}


def _flatten(detail) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            text = _flatten(value)
            return text if key in ("non_field_errors", "__all__", "detail") else f"{key}: {text}"
        return "Invalid input."
    if isinstance(detail, list):
        return _flatten(detail[0]) if detail else "Invalid input."
    return str(detail)


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DomainConflict):
        exc = Conflict(exc.message, code=exc.code)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    if isinstance(exc, exceptions.ValidationError):
        details = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        body = error_body("invalid", _flatten(detail), details)
    else:
        body = error_body(_code(exc), _flatten(detail))
    body["error"].update(getattr(exc, "extra", {}))
    response.data = body
    return response


def api_not_found(request, exception=None) -> JsonResponse:
    return JsonResponse(error_body("not_found", "No such endpoint or object."), status=404)


def api_server_error(request) -> JsonResponse:
    return JsonResponse(error_body("server_error", "Something went wrong on our side."), status=500)


def error_response(code: str, message: str, status_code: int, **extra) -> Response:
    return Response(error_body(code, message, **extra), status=status_code)
