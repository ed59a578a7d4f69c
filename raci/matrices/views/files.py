"""A matrix as a file: export, and import with a preview before anything changes."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from orgs.access import Need
from raci.matrices.changes import MatrixArchived
from raci.matrices.forms import ImportForm
from raci.matrices.imports import ImportRejected
from raci.matrices.imports import matrix_import as import_file
from raci.matrices.models import Matrix
from raci.matrices.readings import READ_DRAFT, matrix_read
from raci.matrices.shortcuts import editor_url, file_download, matrix_for_page, page_reading, web_actor


@login_required
def matrix_export(request: HttpRequest, org_slug: str, matrix_id: int, kind: str) -> HttpResponse:
    """The draft, or the revision ``?view=`` names (its file name then ends in ``r<number>``)."""
    _, matrix = matrix_for_page(request, org_slug, matrix_id)
    grid, shown = matrix_read(matrix=matrix, reading=page_reading(request, default=READ_DRAFT))
    return file_download(grid, kind, tag=None if shown.draft else f"r{shown.revision}")


def _import_session_key(matrix: Matrix) -> str:
    return f"import:{matrix.pk}"


@login_required
def matrix_import(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    """Upload, preview what would change (a dry run), then apply — all or nothing."""
    access, matrix = matrix_for_page(request, org_slug, matrix_id, Need.EDIT)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"organization": access.organization, "access": access, "matrix": matrix, "form": form}
    key = _import_session_key(matrix)
    if request.method == "POST" and request.POST.get("apply"):
        pending = request.session.pop(key, None)
        if pending is None:
            messages.error(request, "The preview expired; upload the file again.")
            return redirect(reverse("matrix-import", args=[org_slug, matrix.pk]))
        try:
            result = import_file(
                actor=web_actor(request),
                matrix=matrix,
                data=base64.b64decode(pending["data"]),
                filename=pending["name"],
            )
        except (ImportRejected, MatrixArchived) as exc:
            return _refused(request, context, exc)
        messages.success(
            request, "Imported." if result["applied"] else "Nothing to change: the matrix already matches."
        )
        return redirect(editor_url(matrix))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            result = import_file(
                actor=web_actor(request),
                matrix=matrix,
                data=data,
                filename=upload.name,
                dry_run=True,
                with_health=True,
            )
        except (ImportRejected, MatrixArchived) as exc:
            return _refused(request, context, exc)
        request.session[key] = {"data": base64.b64encode(data).decode(), "name": upload.name}
        context["preview"] = result["changes"]
        context["health"] = result["health"]
    return render(request, "matrices/matrix_import.html", context)


def _refused(request: HttpRequest, context: dict, exc: ImportRejected | MatrixArchived) -> HttpResponse:
    """The import page again, with what stopped the file: its rows' problems, or the archive."""
    if isinstance(exc, ImportRejected):
        context["issues"] = exc.issues
        return render(request, "matrices/matrix_import.html", context, status=400)
    context["issues"] = [{"message": str(exc)}]
    return render(request, "matrices/matrix_import.html", context, status=409)
