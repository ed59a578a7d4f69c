from __future__ import annotations

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from orgs.access import organizations_for


def navigation(request) -> dict:
    """The organization switcher's list, queried only when a page shows it; whether sign-up is open
    to this visitor and the invitation they opened (account pages), likewise only when shown."""
    from orgs.accounts import AccountAdapter, session_invitation

    user = getattr(request, "user", None)
    return {
        "nav_organizations": SimpleLazyObject(lambda: list(organizations_for(user).order_by("name"))),
        "signup_open": SimpleLazyObject(lambda: AccountAdapter(request).is_open_for_signup(request)),
        "invitation": SimpleLazyObject(lambda: session_invitation(request)),
        "signup_mode": settings.SIGNUP_MODE,
    }
