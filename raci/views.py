"""The matrix editor and adopting a framework. Thin views: check access, call a
selector or service, render; the same services as the API."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from frameworks.models import Framework
from frameworks.selectors import framework_with_activities, frameworks_visible_to
from orgs.access import Need, require_org
from raci import editor, exchange, rules, services
from raci.forms import AdoptForm, CellForm, ImportForm, MatrixSettingsForm, TaskEditForm, TaskForm
from raci.history import Actor
from raci.models import Channel, Matrix, Task
from raci.selectors import matrices_for_organization, matrix_get, matrix_grid_get


def _matrix(request: HttpRequest, org_slug: str, matrix_id: int, need: Need = Need.VIEW):
    access = require_org(request.user, org_slug, need)
    return access, matrix_get(organization=access.organization, matrix_id=matrix_id)


def _editor_url(matrix: Matrix) -> str:
    return reverse("matrix-detail", args=[matrix.organization.slug, matrix.pk])


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.user, channel=Channel.WEB)


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def organization_home(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organization's matrices with status, health and open errors; its roles and people."""
    access = require_org(request.user, org_slug)
    organization = access.organization
    matrices = []
    for matrix in matrices_for_organization(organization=organization):
        analysis = rules.analyse(matrix_grid_get(matrix=matrix))
        matrices.append({"matrix": matrix, "health": analysis.health, "counts": analysis.counts()})
    return render(
        request,
        "orgs/organization_detail.html",
        {
            "access": access,
            "organization": organization,
            "matrices": matrices,
            "roles": organization.roles.prefetch_related("people"),
            "people_count": organization.people.filter(active=True).count(),
        },
    )


@login_required
def matrix_detail(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    access, matrix = _matrix(request, org_slug, matrix_id)
    grid = matrix_grid_get(matrix=matrix)
    analysis = rules.analyse(grid)
    filters = editor.Filters(
        stage=request.GET.get("stage", ""),
        role=request.GET.get("role", "").upper(),
        letter=request.GET.get("letter", "").upper()[:1],
        text=request.GET.get("q", "").strip(),
    )
    shown = {c.code for c in grid.roles}
    context = {
        "access": access,
        "organization": access.organization,
        "matrix": matrix,
        "grid": grid,
        "analysis": analysis,
        "counts": analysis.counts(),
        "groups": editor.editor_groups(grid, analysis.findings, filters),
        "filters": filters,
        "stages": editor.stages(grid),
        "combinations": editor.combinations_attr(grid),
        "can_edit": access.can_edit and matrix.status != Matrix.Status.ARCHIVED,
        "task_names": {t.id: t.name for t in grid.tasks},
        "other_roles": [r for r in access.organization.roles.all() if r.code not in shown]
        if access.can_edit
        else [],
        "archived_tasks": list(matrix.tasks.filter(archived=True).values("id", "name"))
        if access.can_edit
        else [],
        "task_form": TaskForm(),
    }
    return render(request, "raci/matrix_detail.html", context)


@login_required
@require_POST
def cell_update(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    """Set one cell (same conflict rule as the API) and answer with the cell and the
    findings that changed, as fragments htmx swaps in place."""
    access, matrix = _matrix(request, org_slug, matrix_id, Need.EDIT)
    form = CellForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Malformed cell change.")
    data = form.cleaned_data
    state, message = "saved", "Saved"
    change = services.CellChange(
        task=data["task"], role=data["role"].upper(), expected=data["expected"], letters=data["letters"]
    )
    try:
        services.grid_apply_changes(actor=_actor(request), matrix=matrix, changes=[change])
    except services.CellConflict:
        state, message = "conflict", "Someone else changed this cell first; it now shows their letters."
    except services.BatchInvalid as exc:
        state = "failed"
        message = "; ".join(msg for errors in exc.errors.values() for msg in errors.values())
    matrix.refresh_from_db(fields=["version"])
    grid = matrix_grid_get(matrix=matrix)
    if change.task not in {t.id for t in grid.tasks} or change.role not in {r.code for r in grid.roles}:
        return HttpResponseBadRequest(message)
    analysis = rules.analyse(grid)
    task = next(t for t in grid.tasks if t.id == change.task)
    role = next(r for r in grid.roles if r.code == change.role)
    context = {
        "organization": access.organization,
        "matrix": matrix,
        "grid": grid,
        "analysis": analysis,
        "counts": analysis.counts(),
        "task_names": {t.id: t.name for t in grid.tasks},
        "task": task,
        "cell": editor.Cell(role, grid.letters(task.id, role.code)),
        "badge": editor.badge_for(task.id, analysis.findings),
        "can_edit": True,
        "state": state,
        "message": message,
    }
    return render(request, "raci/matrix_detail.html#cell-update", context)


@login_required
@require_POST
def task_add(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    _, matrix = _matrix(request, org_slug, matrix_id, Need.EDIT)
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            task = services.task_create(actor=_actor(request), matrix=matrix, **form.cleaned_data)
            messages.success(request, f"Added '{task.name}'.")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(request, "A task needs a name.")
    return redirect(_editor_url(matrix) + "#add-task")


@login_required
def task_edit(request: HttpRequest, org_slug: str, matrix_id: int, task_id: int) -> HttpResponse:
    access, matrix = _matrix(request, org_slug, matrix_id, Need.EDIT)
    task = get_object_or_404(Task, pk=task_id, matrix=matrix)
    form = TaskEditForm(
        request.POST or None,
        initial={
            "name": task.name,
            "stage": task.stage,
            "description": task.description,
            "archived": task.archived,
        },
    )
    if request.method == "POST" and form.is_valid():
        task.matrix = matrix
        try:
            services.task_update(actor=_actor(request), task=task, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, f"Saved '{task.name}'.")
            return redirect(_editor_url(matrix))
    return render(
        request,
        "raci/task_edit.html",
        {"organization": access.organization, "access": access, "matrix": matrix, "task": task, "form": form},
    )


@login_required
@require_POST
def task_move(request: HttpRequest, org_slug: str, matrix_id: int, task_id: int) -> HttpResponse:
    _, matrix = _matrix(request, org_slug, matrix_id, Need.EDIT)
    ids = list(matrix.tasks.order_by("order", "id").values_list("id", flat=True))
    if task_id not in ids:
        return HttpResponseBadRequest("No such task in this matrix.")
    index = ids.index(task_id)
    step = -1 if request.POST.get("direction") == "up" else 1
    if 0 <= index + step < len(ids):
        ids[index], ids[index + step] = ids[index + step], ids[index]
        services.tasks_reorder(actor=_actor(request), matrix=matrix, task_ids=ids)
    return redirect(_editor_url(matrix) + f"#task-{task_id}")


@login_required
@require_POST
def task_restore(request: HttpRequest, org_slug: str, matrix_id: int, task_id: int) -> HttpResponse:
    _, matrix = _matrix(request, org_slug, matrix_id, Need.EDIT)
    task = get_object_or_404(Task, pk=task_id, matrix=matrix)
    task.matrix = matrix
    services.task_update(actor=_actor(request), task=task, archived=False)
    messages.success(request, f"Restored '{task.name}'.")
    return redirect(_editor_url(matrix) + f"#task-{task_id}")


@login_required
@require_POST
def columns_update(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    """Add, remove or move one role column."""
    _, matrix = _matrix(request, org_slug, matrix_id, Need.EDIT)
    codes = list(matrix.columns.order_by("order", "id").values_list("role__code", flat=True))
    action, code = request.POST.get("action", ""), request.POST.get("role", "").upper()
    if action == "add" and code and code not in codes:
        codes.append(code)
    elif action == "remove" and code in codes:
        codes.remove(code)
    elif action in ("left", "right") and code in codes:
        i = codes.index(code)
        j = i - 1 if action == "left" else i + 1
        if 0 <= j < len(codes):
            codes[i], codes[j] = codes[j], codes[i]
    else:
        messages.error(request, "Choose a role and what to do with its column.")
        return redirect(_editor_url(matrix))
    try:
        services.matrix_update(actor=_actor(request), matrix=matrix, columns=codes)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect(_editor_url(matrix))


@login_required
def matrix_settings(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    access, matrix = _matrix(request, org_slug, matrix_id, Need.EDIT)
    form = MatrixSettingsForm(
        request.POST or None,
        initial={
            "name": matrix.name,
            "status": matrix.status,
            "review_interval_days": matrix.review_interval_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.matrix_update(actor=_actor(request), matrix=matrix, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(request, "Saved.")
            return redirect(_editor_url(matrix))
    return render(
        request,
        "raci/matrix_settings.html",
        {"organization": access.organization, "access": access, "matrix": matrix, "form": form},
    )


@login_required
def matrix_export(request: HttpRequest, org_slug: str, matrix_id: int, kind: str) -> HttpResponse:
    _, matrix = _matrix(request, org_slug, matrix_id)
    return download(matrix_grid_get(matrix=matrix), kind)


def download(grid, kind: str, *, tag: str | None = None) -> HttpResponse:
    """The grid as a CSV or XLSX attachment (the API's export uses the same exchange code)."""
    try:
        content, content_type, filename = exchange.export_file(grid, kind, tag=tag)
    except exchange.ExchangeError as exc:
        return HttpResponseBadRequest(exc.message)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _import_session_key(matrix: Matrix) -> str:
    return f"import:{matrix.pk}"


@login_required
def matrix_import(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    """Upload, preview what would change (a dry run), then apply — all or nothing."""
    access, matrix = _matrix(request, org_slug, matrix_id, Need.EDIT)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"organization": access.organization, "access": access, "matrix": matrix, "form": form}
    key = _import_session_key(matrix)
    if request.method == "POST" and request.POST.get("apply"):
        pending = request.session.pop(key, None)
        if pending is None:
            messages.error(request, "The preview expired; upload the file again.")
            return redirect(reverse("matrix-import", args=[org_slug, matrix.pk]))
        try:
            result = services.matrix_import(
                actor=_actor(request),
                matrix=matrix,
                data=base64.b64decode(pending["data"]),
                filename=pending["name"],
            )
        except services.ImportRejected as exc:
            context["issues"] = exc.issues
            return render(request, "raci/matrix_import.html", context, status=400)
        messages.success(
            request, "Imported." if result["applied"] else "Nothing to change: the matrix already matches."
        )
        return redirect(_editor_url(matrix))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            result = services.matrix_import(
                actor=_actor(request), matrix=matrix, data=data, filename=upload.name, dry_run=True
            )
        except services.ImportRejected as exc:
            context["issues"] = exc.issues
            return render(request, "raci/matrix_import.html", context, status=400)
        request.session[key] = {"data": base64.b64encode(data).decode(), "name": upload.name}
        context["preview"] = result["changes"]
    return render(request, "raci/matrix_import.html", context)


@login_required
def adopt_library(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug)
    frameworks = framework_with_activities(frameworks_visible_to(request.user).order_by("name"))
    return render(
        request,
        "raci/adopt_library.html",
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
                    matrix = services.matrix_adopt(
                        organization=organization,
                        framework=framework,
                        name=form.cleaned_data["name"],
                        include=sorted(selected),
                        role_map={code: (target or None) for code, target in mapping.items()},
                    )
                except ValidationError as exc:
                    form.add_error(None, _errors(exc))
                else:
                    messages.success(
                        request,
                        f"Adopted {framework.name} as '{matrix.name}'. Review the letters, then publish.",
                    )
                    return redirect(_editor_url(matrix))
    return render(
        request,
        "raci/adopt_framework.html",
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
