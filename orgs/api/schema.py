"""drf-spectacular hooks: document the error answers every endpoint can give."""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True},
            },
            "required": ["code", "message", "details"],
        }
    },
    "required": ["error"],
}

ERRORS = {
    "400": "Bad input; nothing changed.",
    "401": "No or invalid credentials.",
    "403": "Your access level (or a read-only token) does not allow this.",
    "404": "No such object, or not in an organization you belong to.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "413": "Request body too large.",
    "415": "Unsupported media type.",
    "429": "Too many requests; retry later.",
}


def document_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": ref}}}
                )
            if method != "get" and "{matrix_id}" in path:
                responses.setdefault(
                    "409",
                    {
                        "description": "The matrix is archived (code `matrix_archived`): restore it to draft "
                        "first. Nothing changed.",
                        "content": {"application/json": {"schema": ref}},
                    },
                )
            for code in ("409", "412"):
                if code in responses:
                    responses[code].setdefault("content", {"application/json": {"schema": ref}})
    return result
