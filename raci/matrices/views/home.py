"""An organization's home: its matrices with their health, its roles and people."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orgs.access import require_org
from raci import rules
from raci.matrices.selectors import matrices_for_organization, matrix_grids_get


@login_required
def organization_home(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organization's matrices with status, health and open errors; its roles and people."""
    access = require_org(request.user, org_slug)
    organization = access.organization
    listed = list(matrices_for_organization(organization=organization))
    grids = matrix_grids_get(matrices=listed)
    matrices = []
    for matrix in listed:
        analysis = rules.analyse(grids[matrix.pk])
        matrices.append({"matrix": matrix, "health": analysis.health, "counts": analysis.counts()})
    return render(
        request,
        "matrices/organization_home.html",
        {
            "access": access,
            "organization": organization,
            "matrices": matrices,
            "roles": organization.roles.prefetch_related("people"),
            "people_count": organization.people.filter(active=True).count(),
        },
    )
