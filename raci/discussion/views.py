"""Discussion pages of a matrix: its threads (and starting one on a task or cell), one thread with
its replies, resolve and reopen, and the editor's badges (JSON fetched by static/js/discussion.js,
so the editor, below this package, need not import it).

Access: members read; they comment if ``OrgAccess.can_comment``; editors and owners resolve and
reopen; outsiders 404 (``matrix_for_page`` -> ``require_org``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from orgs.access import Need
from orgs.exceptions import Conflict
from orgs.forms import add_service_errors
from raci.discussion import selectors, services
from raci.discussion.forms import CommentForm
from raci.discussion.models import COMMENT_MAX_LENGTH
from raci.matrices.models import Matrix, MatrixRole, Task
from raci.matrices.shortcuts import matrix_for_page
from raci.parsing import parse_id

NO_COMMENTS = "Viewers of this organization may read the discussion but not comment."


@dataclass(frozen=True)
class Target:
    """What a page of threads is about: a task, one of its cells, or (neither) the whole matrix."""

    task: Task | None = None
    role_code: str | None = None

    @property
    def task_id(self) -> int | None:
        return self.task.pk if self.task is not None else None


def cell_target(matrix: Matrix, source) -> Target:
    """The task (``task``) and column (``role``) named in ``source``; one query when a task is named."""
    task_id = parse_id(source.get("task"))
    task = Task.objects.filter(matrix=matrix, pk=task_id, archived=False).first() if task_id else None
    if task is None:
        return Target()
    role_code = str(source.get("role") or "").strip()[:16] or None
    return Target(task=task, role_code=role_code.upper() if role_code else None)


STATE_LABELS = ((selectors.OPEN, "Open"), (selectors.RESOLVED, "Resolved"), (selectors.ALL, "All"))


def _context(access, matrix, **extra) -> dict:
    return {
        "organization": access.organization,
        "access": access,
        "matrix": matrix,
        "page": "discussion",
        "states": STATE_LABELS,
        "comment_max": COMMENT_MAX_LENGTH,
        **extra,
    }


def _refused(form: CommentForm, error: ValidationError | Conflict) -> None:
    if isinstance(error, ValidationError):
        add_service_errors(form, error)
    else:
        form.add_error(None, error.message)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def threads(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    """The matrix's threads (``?state=open|resolved|all``, ``?task=`` and ``?role=`` for one task or
    cell) and, for those who may comment, a form to start a thread on that task or cell."""
    access, matrix = matrix_for_page(request, org_slug, matrix_id)
    source = request.POST if request.method == "POST" else request.GET
    target = cell_target(matrix, source)
    form = CommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not access.can_comment:
            raise PermissionDenied(NO_COMMENTS)
        if form.is_valid():
            try:
                thread = services.thread_start(
                    matrix=matrix,
                    task_id=target.task_id,
                    role_code=target.role_code,
                    body=form.cleaned_data["body"],
                    author=request.user,
                )
            except (ValidationError, Conflict) as error:
                _refused(form, error)
            else:
                messages.success(request, "Thread started.")
                return redirect("discussion-thread", access.organization.slug, matrix.pk, thread.pk)
    state = request.GET.get("state", selectors.OPEN)
    if state not in selectors.STATES:
        state = selectors.OPEN
    listed = list(
        selectors.threads_filtered(
            matrix=matrix,
            state=state,
            task_id=target.task_id,
            role_code=target.role_code if target.task_id else None,
        )
    )
    choose = access.can_comment and target.task is None and matrix.status != Matrix.Status.ARCHIVED
    return render(
        request,
        "discussion/threads.html",
        _context(
            access,
            matrix,
            threads=listed,
            state=state,
            target=target,
            form=form,
            # Without a task in the URL the form offers every task and column (two queries).
            tasks=list(matrix.tasks.filter(archived=False).order_by("order", "id")) if choose else [],
            columns=list(MatrixRole.objects.filter(matrix=matrix).select_related("role").order_by("order"))
            if choose
            else [],
        ),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def thread_detail(request: HttpRequest, org_slug: str, matrix_id: int, thread_id: int) -> HttpResponse:
    """One thread with its comments; POST replies."""
    access, matrix = matrix_for_page(request, org_slug, matrix_id)
    thread = selectors.thread_get(matrix=matrix, thread_id=thread_id)
    form = CommentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not access.can_comment:
            raise PermissionDenied(NO_COMMENTS)
        if form.is_valid():
            try:
                comment = services.comment_add(
                    thread=thread, body=form.cleaned_data["body"], author=request.user
                )
            except (ValidationError, Conflict) as error:
                _refused(form, error)
            else:
                url = reverse("discussion-thread", args=[access.organization.slug, matrix.pk, thread.pk])
                return redirect(f"{url}#comment-{comment.pk}")
    return render(
        request,
        "discussion/thread.html",
        _context(access, matrix, thread=thread, form=form),
        status=400 if form.errors else 200,
    )


def _settle(request: HttpRequest, org_slug: str, matrix_id: int, thread_id: int, *, resolve: bool):
    access, matrix = matrix_for_page(request, org_slug, matrix_id, Need.EDIT)
    thread = selectors.thread_get(matrix=matrix, thread_id=thread_id)
    try:
        if resolve:
            services.thread_resolve(thread=thread, user=request.user)
        else:
            services.thread_reopen(thread=thread, user=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Thread resolved." if resolve else "Thread reopened.")
    return redirect("discussion-thread", access.organization.slug, matrix.pk, thread.pk)


@login_required
@require_POST
def thread_resolve(request: HttpRequest, org_slug: str, matrix_id: int, thread_id: int) -> HttpResponse:
    return _settle(request, org_slug, matrix_id, thread_id, resolve=True)


@login_required
@require_POST
def thread_reopen(request: HttpRequest, org_slug: str, matrix_id: int, thread_id: int) -> HttpResponse:
    return _settle(request, org_slug, matrix_id, thread_id, resolve=False)


@login_required
@require_safe
def badges(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    """Open threads per cell and per task, for the editor's badges (static/js/discussion.js)."""
    access, matrix = matrix_for_page(request, org_slug, matrix_id)
    data = selectors.thread_badges(matrix=matrix)
    data["threads_url"] = reverse("discussion-threads", args=[access.organization.slug, matrix.pk])
    response = JsonResponse(data)
    response["Cache-Control"] = "private, no-cache"
    return response
