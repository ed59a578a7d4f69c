"""Reading the discussion: threads with their comments, counts of open threads for the publish
form, and the editor's badges. Each in a fixed number of queries, whatever the number of threads."""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.http import Http404

from raci.discussion.models import Comment, Thread
from raci.matrices.models import Matrix

OPEN, RESOLVED, ALL = "open", "resolved", "all"
STATES = (OPEN, RESOLVED, ALL)


def _threads(matrix: Matrix):
    """Threads of ``matrix`` with what a page or the API shows of them (two queries when listed:
    the threads with task, role and people; the comments with their authors)."""
    return (
        Thread.objects.filter(matrix=matrix)
        .select_related("task", "role", "created_by", "resolved_by")
        .prefetch_related(
            Prefetch(
                "comments", queryset=Comment.objects.select_related("author").order_by("created_at", "id")
            )
        )
    )


def threads_filtered(
    *, matrix: Matrix, state: str = OPEN, task_id: int | None = None, role_code: str | None = None
):
    """The threads of ``matrix`` in ``state``, on ``task_id`` (and its cell in column ``role_code``;
    ``""`` for the task's own threads), newest first. A queryset: the API paginates it."""
    threads = _threads(matrix)
    if state == OPEN:
        threads = threads.filter(resolved_at__isnull=True)
    elif state == RESOLVED:
        threads = threads.filter(resolved_at__isnull=False)
    if task_id is not None:
        threads = threads.filter(task_id=task_id)
    if role_code == "":
        threads = threads.filter(role__isnull=True)
    elif role_code is not None:
        threads = threads.filter(role__code__iexact=role_code)
    return threads.order_by("-created_at", "-id")


def thread_get(*, matrix: Matrix, thread_id) -> Thread:
    """Thread ``thread_id`` of ``matrix`` with its comments, else 404 (another matrix's id too)."""
    # Ids past the database's range are simply not there (SQLite would overflow).
    found = isinstance(thread_id, int) and 0 < thread_id < 10**18
    thread = _threads(matrix).filter(pk=thread_id).first() if found else None
    if thread is None:
        raise Http404("No such thread.")
    return thread


def threads_resolved_in(*, matrix: Matrix, number: int) -> list[Thread]:
    """The threads of ``matrix`` resolved for revision ``number`` (two queries): what the discussion
    settled before that revision was published."""
    return list(_threads(matrix).filter(resolved_revision=number).order_by("resolved_at", "id"))


def open_thread_count(*, matrix: Matrix) -> int:
    """Open threads on ``matrix`` (one query): the publish form's "3 open threads"."""
    return Thread.objects.filter(matrix=matrix, resolved_at__isnull=True).count()


def thread_badges(*, matrix: Matrix) -> dict:
    """What the editor marks (one query): open threads per cell (``"<task id>:<role code>"``) and
    per task (the task's own threads, not its cells')."""
    rows = (
        Thread.objects.filter(matrix=matrix)
        .values("task_id", "role__code")
        .filter(resolved_at__isnull=True)
        .annotate(open=Count("id"))
        .order_by()
    )
    cells: dict[str, int] = {}
    tasks: dict[str, int] = {}
    for row in rows:
        if row["role__code"]:
            key = f"{row['task_id']}:{row['role__code']}"
            cells[key] = cells.get(key, 0) + row["open"]
        else:
            tasks[str(row["task_id"])] = tasks.get(str(row["task_id"]), 0) + row["open"]
    return {"cells": cells, "tasks": tasks}
