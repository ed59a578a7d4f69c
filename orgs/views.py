from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from orgs.access import organizations_for


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    organizations = organizations_for(request.user).order_by("name")
    return render(request, "orgs/home.html", {"organizations": organizations})
