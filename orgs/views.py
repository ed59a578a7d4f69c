from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from orgs.access import organizations_for, require_org
from raci.selectors import matrices_for_organization


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    organizations = organizations_for(request.user).order_by("name")
    return render(request, "orgs/home.html", {"organizations": organizations})


@login_required
def organization_detail(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug)
    organization = access.organization
    return render(
        request,
        "orgs/organization_detail.html",
        {
            "access": access,
            "organization": organization,
            "matrices": matrices_for_organization(organization=organization),
            "roles": organization.roles.all(),
        },
    )
