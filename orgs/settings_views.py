"""Settings pages: roles and who holds them, people, members and access levels, API tokens."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orgs.access import require_org


def _page(request: HttpRequest, org_slug: str, template: str) -> HttpResponse:
    access = require_org(request.user, org_slug)
    return render(request, template, {"organization": access.organization, "access": access})


@login_required
def roles(request: HttpRequest, org_slug: str) -> HttpResponse:
    return _page(request, org_slug, "orgs/settings/roles.html")


@login_required
def people(request: HttpRequest, org_slug: str) -> HttpResponse:
    return _page(request, org_slug, "orgs/settings/people.html")


@login_required
def members(request: HttpRequest, org_slug: str) -> HttpResponse:
    return _page(request, org_slug, "orgs/settings/members.html")


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    return render(request, "orgs/settings/api_tokens.html", {})
