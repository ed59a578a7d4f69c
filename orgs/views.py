from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orgs.access import organizations_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    organizations = organizations_for(request.user).order_by("name")
    return render(request, "orgs/home.html", {"organizations": organizations})
