"""Pages that answer "who does what" and show the analyses; read-only for everyone."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orgs.access import require_org


@login_required
def search(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug)
    query = request.GET.get("q", "").strip()
    return render(
        request,
        "raci/insights/search.html",
        {"organization": access.organization, "access": access, "search_query": query},
    )
