"""The matrix editor: the grid, cell edits (htmx), tasks, columns and the matrix's settings."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from orgs.access import Need, OrgAccess
from raci import rules
from raci.matrices import editor, services
from raci.matrices.cells import BatchInvalid, CellChange, CellConflict, grid_apply_changes
from raci.matrices.changes import MatrixArchived
from raci.matrices.editing import cells_edit
from raci.matrices.forms import CellBatchForm, CellForm, MatrixSettingsForm, TaskEditForm, TaskForm
from raci.matrices.models import Matrix, Task
from raci.matrices.readings import Shown, matrix_read, publication_state
from raci.matrices.shortcuts import (
    editor_url,
    error_text,
    matrix_for_page,
    page_reading,
    reader_default,
    web_actor,
)
from raci.rules.analyses import Analysis
from raci.rules.grid import MatrixGrid


def _edit_url_pattern(organization_slug: str, matrix_id: int) -> str:
    """The task page's URL with ``{id}`` for the task: one reverse() instead of one per row."""
    return reverse("task-edit", args=[organization_slug, matrix_id, 0]).replace("/t/0/", "/t/{id}/")


def _panel(request: HttpRequest, grid, analysis, matrix: Matrix, *, can_edit: bool) -> dict:
    """What the findings panel, the health and the rows' badges need, on the page and after an edit."""
    shown = editor.findings_shown(analysis.findings)
    fix_url = reverse("matrix-fix", args=[matrix.organization.slug, matrix.pk]) if can_edit else None
    return {
        "findings_digest": editor.findings_digest(shown, len(analysis.findings)),
        "analysis": analysis,
        "counts": analysis.counts(),
        "findings": shown,
        "findings_list": mark_safe(  # findings_list_html escapes every value
            editor.findings_list_html(
                shown, fix_url=fix_url, csrf_token=get_token(request) if fix_url else ""
            )
        ),
        "findings_total": len(analysis.findings),
        "task_names": {t.id: t.name for t in grid.tasks},
    }


@dataclass(frozen=True)
class _EditorRead:
    access: OrgAccess
    matrix: Matrix
    grid: MatrixGrid
    shown: Shown
    analysis: Analysis
    filters: editor.Filters
    groups: list[editor.StageGroup]
    editing: bool
    can_edit: bool

    @property
    def rows(self) -> int:
        return sum(len(group.rows) for group in self.groups)


def _editor_read(request: HttpRequest, org_slug: str, matrix_id: int) -> _EditorRead:
    """What the editor page and its remaining rows both read: the same state, findings and filters."""
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
    return _EditorRead(
        access=access,
        matrix=matrix,
        grid=grid,
        shown=shown,
        analysis=analysis,
        filters=filters,
        groups=editor.editor_groups(grid, analysis.findings, filters),
        editing=editing,
        can_edit=editing and matrix.status != Matrix.Status.ARCHIVED,
    )


def _body(read: _EditorRead, org_slug: str, start: int, stop: int | None) -> str:
    edit_url = _edit_url_pattern(org_slug, read.matrix.pk) if read.can_edit else None
    return editor.grid_body_html(read.grid, read.groups, edit_url, start, stop)


@login_required
def matrix_detail(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    read = _editor_read(request, org_slug, matrix_id)
    access, matrix, grid, analysis = read.access, read.matrix, read.grid, read.analysis
    columns = {c.code for c in grid.roles}
    loads = editor.column_loads(grid, {role.role_code: role.counts for role in analysis.workload.roles})
    holders = editor.column_holders(grid)
    context = {
        "access": access,
        "organization": access.organization,
        "matrix": matrix,
        "grid": grid,
        **_panel(request, grid, analysis, matrix, can_edit=read.can_edit),
        "has_rows": bool(read.groups),
        # The first rows only: the rest arrive from matrix_rows once the page is usable.
        "grid_body": mark_safe(_body(read, org_slug, 0, editor.FIRST_ROWS)),  # escaped by grid_body_html
        "rows_left": max(0, read.rows - editor.FIRST_ROWS),
        "columns": [(role, loads[role.code], holders[role.code]) for role in grid.roles],
        "filters": read.filters,
        "stages": editor.stages(grid),
        "combinations": editor.combinations_attr(grid),
        "can_edit": read.can_edit,
        "shown": read.shown,
        "publication": publication_state(matrix=matrix),
        "other_roles": [r for r in access.organization.roles.all() if r.code not in columns]
        if read.editing
        else [],
        "archived_tasks": list(matrix.tasks.filter(archived=True).values("id", "name"))
        if read.editing
        else [],
        **_add_task_form(request, matrix),
    }
    return render(request, "matrices/matrix_detail.html", context)


def _add_task_key(matrix: Matrix) -> str:
    return f"add-task:{matrix.pk}"


def _add_task_form(request: HttpRequest, matrix: Matrix) -> dict:
    """The add-task form, with the error and values of a refused attempt (kept in the session by
    ``task_add``): shown in the form itself, its name field focused, not at the top of the page."""
    refused = request.session.pop(_add_task_key(matrix), None)  # marks the session changed only if there
    if not refused:
        return {"task_form": TaskForm()}
    form = TaskForm(initial={"name": refused["name"], "stage": refused["stage"]})
    form.fields["name"].widget.attrs.update(
        {"autofocus": True, "aria-invalid": "true", "aria-describedby": "add-task-error"}
    )
    return {"task_form": form, "add_task_error": refused["error"]}


# Compressed, unlike pages: these rows hold no CSRF token or other secret and echo nothing from the
# request (the filters select rows, they are not written back), so BREACH has nothing to guess.
@gzip_page
@login_required
def matrix_rows(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    """The editor's rows after the first ``FIRST_ROWS``, for the same state and filters as the page."""
    read = _editor_read(request, org_slug, matrix_id)
    return HttpResponse(_body(read, org_slug, editor.FIRST_ROWS, None))


@login_required
@require_POST
def cell_update(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    """Apply a batch of cell changes (one cell, a paste, a cleared range, an undo) with the same
    conflict rule as the API's batch PATCH, all or nothing, and answer with every cell of the batch
    as stored now and the findings that changed, as fragments htmx swaps in place."""
    access, matrix = matrix_for_page(request, org_slug, matrix_id, Need.EDIT)
    if "changes" in request.POST:
        form = CellBatchForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(error_text(form.errors))
        raw = form.cleaned_data["changes"]
    else:
        form = CellForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest("Malformed cell change.")
        raw = [form.cleaned_data]
    changes = [
        CellChange(task=c["task"], role=c["role"].upper(), expected=c["expected"], letters=c["letters"])
        for c in raw
    ]
    state, message = "saved", "Saved"
    # The writer leaves ``matrix`` at its new version; the grid is read and analysed once.
    edited = cells_edit(actor=web_actor(request), matrix=matrix, changes=changes)
    grid, analysis, refused = edited.grid, edited.analysis, edited.refused
    if isinstance(refused, CellConflict):
        state, message = (
            "conflict",
            "Someone else changed "
            + ("this cell" if len(changes) == 1 else "some of these cells")
            + " first; nothing was saved and the cells now show their letters.",
        )
    elif isinstance(refused, BatchInvalid):
        state = "failed"
        message = "Not saved: " + "; ".join(
            dict.fromkeys(msg for errors in refused.errors.values() for msg in errors.values())
        )
    elif isinstance(refused, MatrixArchived):
        state, message = "failed", str(refused)
    if state == "saved" and len(changes) > 1:
        message = f"Saved {len(changes)} cells"
    tasks = {t.id for t in grid.tasks}
    roles = {r.code for r in grid.roles}
    if state == "failed" and not any(c.task in tasks and c.role in roles for c in changes):
        return HttpResponseBadRequest(message)
    badges = editor.badges_by_task(analysis.findings)
    cells = [
        {"task": c.task, "role": c.role, "letters": grid.letters(c.task, c.role)}
        for c in changes
        if c.task in tasks and c.role in roles
    ]
    changed_tasks = dict.fromkeys(c["task"] for c in cells)
    panel = _panel(request, grid, analysis, matrix, can_edit=matrix.status != Matrix.Status.ARCHIVED)
    context = {
        "organization": access.organization,
        "matrix": matrix,
        "grid": grid,
        **panel,
        # The panel is sent again only when it differs from the one the editor shows.
        "send_findings": request.POST.get("findings") != panel["findings_digest"],
        "badges": mark_safe(  # editor.badge_html escapes every value
            "".join(editor.badge_html(t, badges.get(t, editor.Badge()), oob=True) for t in changed_tasks)
        ),
        "cells_json": json.dumps(cells),
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
    error = None
    if form.is_valid():
        known_stage = Task.objects.filter(matrix=matrix, stage=form.cleaned_data["stage"].strip()).exists()
        try:
            task = services.task_create(actor=web_actor(request), matrix=matrix, **form.cleaned_data)
        except MatrixArchived as exc:
            # An archived matrix shows no add-task form: the page's messages say why.
            messages.error(request, str(exc))
        except ValidationError as exc:
            error = error_text(exc)
        else:
            new_stage = f" in a new stage '{task.stage}'" if task.stage and not known_stage else ""
            messages.success(request, f"Added '{task.name}'{new_stage}.")
    else:
        error = error_text(form.errors)
    if error:
        request.session[_add_task_key(matrix)] = {
            "error": error,
            "name": request.POST.get("name", "")[:200],
            "stage": request.POST.get("stage", "")[:120],
        }
        # No #fragment: it would keep the browser from focusing the name field (autofocus).
        return redirect(editor_url(matrix))
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
            "team": matrix.team_id,
        },
        organization=access.organization,
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
