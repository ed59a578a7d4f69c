from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from orgs.access import organizations_for


def navigation(request) -> dict:
    """The organization switcher's list, queried only when a page shows it."""
    user = getattr(request, "user", None)
    return {"nav_organizations": SimpleLazyObject(lambda: list(organizations_for(user).order_by("name")))}
