from __future__ import annotations

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """Claims a company's identity provider gives: the user's address, which it has verified."""

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "email_verified": True,
            "preferred_username": user.username,
            "name": user.get_full_name() or user.username,
        }
