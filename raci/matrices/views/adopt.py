"""Starting a matrix: adopting a framework (the library, then a preview with stages to keep and role
codes to map) or a blank one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from frameworks.models import Framework
from frameworks.selectors import framework_with_activities, frameworks_visible_to
from orgs.access import Need, require_org
from raci.matrices.adoption import matrix_adopt
from raci.matrices.forms import AdoptForm, MatrixNewForm
from raci.matrices.services import matrix_create
from raci.matrices.shortcuts import editor_url, error_text, web_actor


@login_required
def adopt_library(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug)
    frameworks = framework_with_activities(frameworks_visible_to(request.user).order_by("name"))
    return render(
        request,
        "matrices/adopt_library.html",
        {"access": access, "organization": access.organization, "frameworks": frameworks},
    )


@login_required
def adopt_framework(request: HttpRequest, org_slug: str, framework_slug: str) -> HttpResponse:
    """Preview a framework, tick the stages and activities to keep, map its role codes, create the matrix."""
    access = require_org(request.user, org_slug, Need.EDIT)
    organization = access.organization
    framework: Framework = get_object_or_404(
        framework_with_activities(frameworks_visible_to(request.user)), slug=framework_slug
    )
    roles = list(organization.roles.all())
    codes = {r.code for r in roles}
    framework_codes = sorted(
        set(framework.role_names)
        | {
            code
            for stage in framework.stages.all()
            for a in stage.activities.all()
            for code in a.suggested_letters
        }
    )
    form = AdoptForm(request.POST or None, initial={"name": framework.name})
    mapping = {code: (code if code in codes else "") for code in framework_codes}
    selected = {str(a.pk) for stage in framework.stages.all() for a in stage.activities.all()}
    if request.method == "POST":
        mapping = {code: request.POST.get(f"map-{code}", "") for code in framework_codes}
        selected = set(request.POST.getlist("activity"))
        if form.is_valid():
            if not selected:
                form.add_error(None, "Keep at least one activity.")
            else:
                try:
                    matrix = matrix_adopt(
                        actor=web_actor(request),
                        organization=organization,
                        framework=framework,
                        name=form.cleaned_data["name"],
                        include=sorted(selected),
                        role_map={code: (target or None) for code, target in mapping.items()},
                    )
                except ValidationError as exc:
                    form.add_error(None, error_text(exc))
                else:
                    messages.success(
                        request,
                        f"Adopted {framework.name} as '{matrix.name}'. Review the letters, then publish.",
                    )
                    return redirect(editor_url(matrix))
    return render(
        request,
        "matrices/adopt_framework.html",
        {
            "access": access,
            "organization": organization,
            "framework": framework,
            "form": form,
            "roles": roles,
            "mapping": [
                (code, framework.role_names.get(code, code), mapping[code]) for code in framework_codes
            ],
            "selected": selected,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def matrix_new(request: HttpRequest, org_slug: str) -> HttpResponse:
    """Start a blank matrix: every role of the organization as a column, no tasks yet."""
    access = require_org(request.user, org_slug, Need.EDIT)
    organization = access.organization
    form = MatrixNewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            matrix = matrix_create(actor=web_actor(request), organization=organization, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, f"Matrix '{matrix.name}' started. Add its tasks, then assign letters.")
            return redirect(editor_url(matrix))
    return render(
        request,
        "matrices/matrix_new.html",
        {
            "access": access,
            "organization": organization,
            "form": form,
            "has_roles": organization.roles.exists(),
        },
        status=400 if form.errors else 200,
    )
