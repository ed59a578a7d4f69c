"""The company-wide map page: who owns each activity across every published matrix, by team."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import slugify

from orgs.access import require_org
from orgs.teams import team_label, team_of, teams_of
from raci.exchange import formula_quote
from raci.insights.company_map import company_map
from raci.insights.views.common import base_context
from raci.parsing import parse_id

ACTIVITIES_PER_PAGE = 25


@login_required
def organization_map(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug)
    organization = access.organization
    team = None
    if value := request.GET.get("team"):
        try:
            team = team_of(organization, parse_id(value))
        except ValidationError:
            team = None
        if team is None:  # not an id, or no team of this organization
            return HttpResponseBadRequest("No such team in this organization: choose one from the list.")
    result = company_map(organization=organization, team=team)
    if request.GET.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        for row in result.rows():
            writer.writerow([formula_quote(value) for value in row])
        answer = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        name = slugify(f"{organization.slug} map {result.scope}") or "map"
        answer["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return answer
    teams = teams_of(organization)
    by_id = {t.pk: t for t in teams}
    # Hundreds of activities, each owned in tens of matrices: a page of them at a time; the gaps
    # and duplicates above always cover the whole map.
    page = Paginator(result.activities, ACTIVITIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "insights/company_map.html",
        base_context(
            access,
            result=result,
            page=page,
            team=team,
            team_choices=[(t.pk, team_label(t, by_id)) for t in teams],
            # Links built from one reverse() each, not one per row.
            matrix_prefix=reverse("matrix-detail", args=[organization.slug, 0])[:-2],
        ),
    )
