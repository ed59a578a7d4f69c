from __future__ import annotations

from rest_framework import permissions

from orgs.models import ApiToken


class TokenScope(permissions.BasePermission):
    """A read-only token may only read, whatever its owner's access level."""

    message = "This token is read-only."

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ApiToken) and request.auth.read_only:
            return request.method in permissions.SAFE_METHODS
        return True
