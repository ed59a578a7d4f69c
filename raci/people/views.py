"""The people import page: upload, preview what would change (a dry run), then apply it."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from orgs.access import Need, require_org
from orgs.people_sync import PeopleRejected
from raci.people.files import LAYOUT
from raci.people.forms import PeopleImportForm
from raci.people.services import people_import

TEMPLATE = "people/people_import.html"


def _session_key(organization) -> str:
    return f"people-import:{organization.pk}"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def people_import_page(request: HttpRequest, org_slug: str) -> HttpResponse:
    # Editors manage people (the people page's rule), so they import them too.
    access = require_org(request.user, org_slug, Need.EDIT)
    organization = access.organization
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    context = {"organization": organization, "access": access, "form": form, "layout": LAYOUT}
    key = _session_key(organization)
    if request.method == "POST" and request.POST.get("apply"):
        pending = request.session.pop(key, None)
        if pending is None:
            messages.error(request, "The preview expired; upload the file again.")
            return redirect("people-import", organization.slug)
        try:
            result = people_import(
                organization=organization,
                data=base64.b64decode(pending["data"]),
                filename=pending["name"],
                deactivate_missing=pending["deactivate_missing"],
            )
        except PeopleRejected as rejected:
            # People changed since the preview (someone took an email): show why, nothing written.
            return _refused(request, context, rejected)
        messages.success(
            request,
            f"Imported: {len(result.created)} added, {len(result.updated)} updated, "
            f"{len(result.deactivated)} deactivated, {len(result.linked)} linked to accounts.",
        )
        return redirect("settings-people", organization.slug)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        deactivate_missing = form.cleaned_data["deactivate_missing"]
        try:
            result = people_import(
                organization=organization,
                data=data,
                filename=upload.name,
                deactivate_missing=deactivate_missing,
                dry_run=True,
            )
        except PeopleRejected as rejected:
            return _refused(request, context, rejected)
        request.session[key] = {
            "data": base64.b64encode(data).decode(),
            "name": upload.name,
            "deactivate_missing": deactivate_missing,
        }
        context["preview"] = result
    status = 400 if form.errors else 200
    return render(request, TEMPLATE, context, status=status)


def _refused(request: HttpRequest, context: dict, rejected: PeopleRejected) -> HttpResponse:
    context["rejected"] = rejected
    return render(request, TEMPLATE, context, status=400)
