from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from orgs.access import require_org
from raci.models import Matrix
from raci.selectors import matrix_grid_get


@login_required
def matrix_detail(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug)
    matrix = get_object_or_404(
        Matrix.objects.select_related("organization"), pk=matrix_id, organization=access.organization
    )
    grid = matrix_grid_get(matrix=matrix)
    return render(
        request,
        "raci/matrix_detail.html",
        {"access": access, "organization": access.organization, "matrix": matrix, "grid": grid},
    )


@login_required
def adopt_library(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug)
    return render(request, "raci/adopt_library.html", {"access": access, "organization": access.organization})
