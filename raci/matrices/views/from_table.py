"""A new matrix from a file or a pasted table: upload or paste, preview (the matrix, its health, the
unknown role codes to create), then create — all or nothing."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from orgs.access import Need, require_org
from raci.matrices.forms import MatrixFromTableForm
from raci.matrices.from_table import matrix_from_table, matrix_table_preview
from raci.matrices.imports import ImportRejected
from raci.matrices.shortcuts import editor_url, error_text, web_actor

# Rows of the would-be matrix shown in the preview; the rest is counted.
PREVIEW_ROWS = 50
PREVIEW_FINDINGS = 20


def _session_key(organization) -> str:
    return f"new-table:{organization.pk}"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def matrix_new_table(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.EDIT)
    organization = access.organization
    key = _session_key(organization)
    context = {"access": access, "organization": organization}
    if request.method == "POST" and request.POST.get("apply"):
        pending = request.session.get(key)
        if pending is None:
            messages.error(request, "The preview expired; upload or paste the table again.")
            return redirect("matrix-new-table", organization.slug)
        data = base64.b64decode(pending["data"])
        chosen = {
            code: request.POST.get(f"role-name-{code}", code)
            for code in pending["new_roles"]
            if request.POST.get(f"create-{code}")
        }
        name = request.POST.get("name", "").strip() or pending["name"]
        try:
            matrix = matrix_from_table(
                actor=web_actor(request),
                organization=organization,
                name=name,
                data=data,
                filename=pending["filename"],
                scheme=pending["scheme"],
                new_roles=chosen,
            )
        except ImportRejected as exc:
            request.session.pop(key, None)
            context.update(form=MatrixFromTableForm(), issues=exc.issues)
            return render(request, "matrices/matrix_new_table.html", context, status=400)
        except ValidationError as exc:
            preview = matrix_table_preview(
                organization=organization, data=data, filename=pending["filename"], scheme=pending["scheme"]
            )
            context.update(_preview_context(preview, name=name, chosen=chosen), apply_error=error_text(exc))
            return render(request, "matrices/matrix_new_table.html", context, status=400)
        request.session.pop(key, None)
        messages.success(request, f"Matrix '{matrix.name}' created from the table. Review it, then publish.")
        return redirect(editor_url(matrix))

    form = MatrixFromTableForm(request.POST or None, request.FILES or None)
    context["form"] = form
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "matrices/matrix_new_table.html", context, status=400)
        upload = form.cleaned_data["file"]
        if upload:
            data, filename = upload.read(), upload.name
        else:
            data, filename = form.cleaned_data["pasted"].encode(), None
        scheme = form.cleaned_data["scheme"]
        try:
            preview = matrix_table_preview(
                organization=organization, data=data, filename=filename, scheme=scheme
            )
        except ImportRejected as exc:
            context["issues"] = exc.issues
            return render(request, "matrices/matrix_new_table.html", context, status=400)
        name = form.cleaned_data["name"]
        request.session[key] = {
            "data": base64.b64encode(data).decode(),
            "filename": filename,
            "scheme": scheme,
            "name": name,
            "new_roles": list(preview.plan.new_roles),
        }
        context.update(_preview_context(preview, name=name, chosen=None))
    return render(request, "matrices/matrix_new_table.html", context)


def _preview_context(preview, *, name: str, chosen: dict[str, str] | None) -> dict:
    """``chosen`` None: every new role ticked, named by its code (the first preview)."""
    columns = preview.columns
    new_roles = [
        (
            code,
            chosen.get(code, code) if chosen is not None else code,
            chosen is None or code in chosen,
        )
        for code, _, new in columns
        if new
    ]
    rows = preview.plan.plan.rows
    return {
        "preview": preview,
        "name": name,
        "columns": columns,
        "new_roles": new_roles,
        "rows": [(row, [row.cells.get(code, "") for code, _, _ in columns]) for row in rows[:PREVIEW_ROWS]],
        "more_rows": max(0, len(rows) - PREVIEW_ROWS),
        "findings": preview.analysis.findings[:PREVIEW_FINDINGS],
        "more_findings": max(0, len(preview.analysis.findings) - PREVIEW_FINDINGS),
        "counts": preview.analysis.counts(),
    }
