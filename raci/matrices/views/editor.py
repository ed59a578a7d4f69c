"""The matrix editor: the grid, cell edits (htmx), tasks, columns and the matrix's settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from orgs.access import Need
from raci import rules
from raci.matrices import editor, services
from raci.matrices.cells import BatchInvalid, CellChange, CellConflict, grid_apply_changes
from raci.matrices.changes import MatrixArchived
from raci.matrices.forms import CellForm, MatrixSettingsForm, TaskEditForm, TaskForm
from raci.matrices.models import Matrix, Task
from raci.matrices.readings import Shown, matrix_read, publication_state
from raci.matrices.selectors import matrix_grid_get
from raci.matrices.shortcuts import (
    editor_url,
    error_text,
    matrix_for_page,
    page_reading,
    reader_default,
    web_actor,
)


@login_required
def matrix_detail(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    access, matrix = matrix_for_page(request, org_slug, matrix_id)
    reading = page_reading(request, default=reader_default(access))
    grid, shown = matrix_read(matrix=matrix, reading=reading, fallback_to_draft=True)
    # Only the draft is edited; a revision is shown read-only, whoever asks.
    editing = shown.draft and access.can_edit
    analysis = rules.analyse(grid)
    filters = editor.Filters(
        stage=request.GET.get("stage", ""),
        role=request.GET.get("role", "").upper(),
        letter=request.GET.get("letter", "").upper()[:1],
        text=request.GET.get("q", "").strip(),
    )
    columns = {c.code for c in grid.roles}
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
        "can_edit": editing and matrix.status != Matrix.Status.ARCHIVED,
        "shown": shown,
        "publication": publication_state(matrix=matrix),
        "task_names": {t.id: t.name for t in grid.tasks},
        "other_roles": [r for r in access.organization.roles.all() if r.code not in columns]
        if editing
        else [],
        "archived_tasks": list(matrix.tasks.filter(archived=True).values("id", "name")) if editing else [],
        "task_form": TaskForm(),
    }
    return render(request, "matrices/matrix_detail.html", context)


@login_required
@require_POST
def cell_update(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    """Set one cell (same conflict rule as the API) and answer with the cell and the
    findings that changed, as fragments htmx swaps in place."""
    access, matrix = matrix_for_page(request, org_slug, matrix_id, Need.EDIT)
    form = CellForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Malformed cell change.")
    data = form.cleaned_data
    state, message = "saved", "Saved"
    change = CellChange(
        task=data["task"], role=data["role"].upper(), expected=data["expected"], letters=data["letters"]
    )
    try:
        grid_apply_changes(actor=web_actor(request), matrix=matrix, changes=[change])
    except CellConflict:
        state, message = "conflict", "Someone else changed this cell first; it now shows their letters."
    except BatchInvalid as exc:
        state = "failed"
        message = "; ".join(msg for errors in exc.errors.values() for msg in errors.values())
    except MatrixArchived as exc:
        state, message = "failed", str(exc)
    # The writer left ``matrix`` at its new version; the grid is read once, for the findings.
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
        "can_edit": matrix.status != Matrix.Status.ARCHIVED,
        "access": access,
        "shown": Shown(draft=True, version=matrix.version),
        "publication": publication_state(matrix=matrix),
        "state": state,
        "message": message,
    }
    return render(request, "matrices/matrix_detail.html#cell-update", context)


# A suggested fix touches the cells of one task: a handful, never thousands.
MAX_FIX_CHANGES = 50


@login_required
@require_POST
def fix_apply(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    """Apply a finding's suggested fix: its cell edits as one conflict-checked batch, as the API's
    grid PATCH takes them, so a fix computed on a view someone has since changed is refused."""
    _, matrix = matrix_for_page(request, org_slug, matrix_id, Need.EDIT)
    changes = editor.fix_changes(request.POST.get("changes", ""), limit=MAX_FIX_CHANGES)
    if changes is None:
        return HttpResponseBadRequest("Malformed fix.")
    try:
        grid_apply_changes(
            actor=web_actor(request), matrix=matrix, changes=[CellChange(**change) for change in changes]
        )
    except CellConflict:
        messages.error(
            request, "Someone changed these cells since the fix was suggested; nothing was applied."
        )
    except (BatchInvalid, MatrixArchived) as exc:
        messages.error(
            request, error_text(exc) if isinstance(exc, MatrixArchived) else "The fix no longer fits."
        )
    else:
        messages.success(request, "Fix applied.")
    return redirect(editor_url(matrix) + "#findings")


@login_required
@require_POST
def task_add(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    _, matrix = matrix_for_page(request, org_slug, matrix_id, Need.EDIT)
    form = TaskForm(request.POST)
    if form.is_valid():
        try:
            task = services.task_create(actor=web_actor(request), matrix=matrix, **form.cleaned_data)
            messages.success(request, f"Added '{task.name}'.")
        except (ValidationError, MatrixArchived) as exc:
            messages.error(request, error_text(exc))
    else:
        messages.error(request, error_text(form.errors))
    return redirect(editor_url(matrix) + "#add-task")


@login_required
def task_edit(request: HttpRequest, org_slug: str, matrix_id: int, task_id: int) -> HttpResponse:
    access, matrix = matrix_for_page(request, org_slug, matrix_id, Need.EDIT)
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
            services.task_update(actor=web_actor(request), task=task, **form.cleaned_data)
        except (ValidationError, MatrixArchived) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, f"Saved '{task.name}'.")
            return redirect(editor_url(matrix))
    return render(
        request,
        "matrices/task_edit.html",
        {"organization": access.organization, "access": access, "matrix": matrix, "task": task, "form": form},
    )


@login_required
@require_POST
def task_move(request: HttpRequest, org_slug: str, matrix_id: int, task_id: int) -> HttpResponse:
    _, matrix = matrix_for_page(request, org_slug, matrix_id, Need.EDIT)
    ids = list(matrix.tasks.order_by("order", "id").values_list("id", flat=True))
    if task_id not in ids:
        return HttpResponseBadRequest("No such task in this matrix.")
    index = ids.index(task_id)
    step = -1 if request.POST.get("direction") == "up" else 1
    if 0 <= index + step < len(ids):
        ids[index], ids[index + step] = ids[index + step], ids[index]
        try:
            services.tasks_reorder(actor=web_actor(request), matrix=matrix, task_ids=ids)
        except MatrixArchived as exc:
            messages.error(request, error_text(exc))
    return redirect(editor_url(matrix) + f"#task-{task_id}")


@login_required
@require_POST
def task_restore(request: HttpRequest, org_slug: str, matrix_id: int, task_id: int) -> HttpResponse:
    _, matrix = matrix_for_page(request, org_slug, matrix_id, Need.EDIT)
    task = get_object_or_404(Task, pk=task_id, matrix=matrix)
    task.matrix = matrix
    try:
        services.task_update(actor=web_actor(request), task=task, archived=False)
    except MatrixArchived as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"Restored '{task.name}'.")
    return redirect(editor_url(matrix) + f"#task-{task_id}")


@login_required
@require_POST
def columns_update(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    """Add, remove or move one role column."""
    _, matrix = matrix_for_page(request, org_slug, matrix_id, Need.EDIT)
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
        return redirect(editor_url(matrix))
    try:
        services.matrix_update(actor=web_actor(request), matrix=matrix, columns=codes)
    except (ValidationError, MatrixArchived) as exc:
        messages.error(request, error_text(exc))
    return redirect(editor_url(matrix))


@login_required
def matrix_settings(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    access, matrix = matrix_for_page(request, org_slug, matrix_id, Need.EDIT)
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
            services.matrix_update(actor=web_actor(request), matrix=matrix, **form.cleaned_data)
        except (ValidationError, MatrixArchived) as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, "Saved.")
            return redirect(editor_url(matrix))
    return render(
        request,
        "matrices/matrix_settings.html",
        {"organization": access.organization, "access": access, "matrix": matrix, "form": form},
    )
