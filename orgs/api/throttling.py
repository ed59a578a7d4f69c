from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from orgs.models import ApiToken


class _SettingsRate:
    """Read the rate from settings at request time (DRF binds it at import)."""

    def get_rate(self):
        return settings.RACI_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_SettingsRate, AnonRateThrottle):
    scope = "anon"


class TokenThrottle(_SettingsRate, SimpleRateThrottle):
    """Per-token budget for scripts; browser sessions are not throttled here."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}


class FailedTokenThrottle(_SettingsRate, SimpleRateThrottle):
    """Counts failed Bearer authentications per client address, at the anonymous rate.

    Permissions run before throttles in DRF, so a request with a wrong token is answered 401
    without ever reaching AnonThrottle; this keeps guessing tokens rate-limited too.
    """

    scope = "anon"
    cache_format = "throttle_failed_token_%(ident)s"

    def get_cache_key(self, request, view):
        return self.cache_format % {"ident": self.get_ident(request)}
