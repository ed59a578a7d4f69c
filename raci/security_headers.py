"""The Permissions-Policy header on every response: browser features no page uses are switched off.

Django's SecurityMiddleware sends the other security headers and django-csp the
Content-Security-Policy; neither sends this one. The policy is the PERMISSIONS_POLICY setting,
``{feature: [allowed origins]}``, an empty list allowing no origin at all.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Permissions-Policy"


def permissions_policy(policy: dict[str, list[str]]) -> str:
    """``{"camera": [], "usb": ["self"]}`` -> ``camera=(), usb=(self)``."""
    return ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in policy.items())


class PermissionsPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The setting is read per response (override_settings applies); a view's own header wins.
        value = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))
        if value and HEADER not in response:
            response[HEADER] = value
        return response
