"""Home (where a signed-in user starts) and creating an organization."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from orgs import services
from orgs.access import organizations_for
from orgs.forms import OrganizationForm, add_service_errors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Someone in exactly one organization lands in it; otherwise the list, or what to do next."""
    organizations = list(organizations_for(request.user).order_by("name")[:2])
    if len(organizations) == 1:
        return redirect("organization-detail", organizations[0].slug)
    if organizations:
        organizations = organizations_for(request.user).order_by("name")
    return render(request, "orgs/home.html", {"organizations": organizations})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{organization.name} created. Next: adopt a framework or start a blank matrix."
            )
            return redirect("organization-detail", organization.slug)
    return render(
        request, "orgs/organization_create.html", {"form": form}, status=400 if form.errors else 200
    )
