"""Search: tasks, roles and people matching every meaningful word of a question."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orgs.access import require_org
from raci.insights.selectors import (
    organization_search,
)
from raci.insights.views.common import base_context
from raci.matrices.shortcuts import pages_show_drafts

# How a role's letters read as a heading on the role page: "Accountable for", "Consulted on".
# --- Search ----------------------------------------------------------------------------------


@login_required
def search(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug)
    query = request.GET.get("q", "").strip()
    drafts = pages_show_drafts(request)
    results = organization_search(organization=access.organization, query=query, draft=drafts)
    return render(
        request,
        "insights/search.html",
        base_context(access, search_query=query, results=results, drafts=drafts),
    )
