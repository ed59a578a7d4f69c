"""My responsibilities: the signed-in user's home across their organizations (read-only; the
acknowledge and sign-off buttons post to the revision pages' own URLs through htmx)."""

from __future__ import annotations

from html import escape

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from raci.insights.me import CHANGED, GAINED, MATRICES_PER_PAGE, MyMatrix, my_responsibilities
from raci.insights.selectors import CursorInvalid
from raci.rules.grid import collector_paused

CHANGE_TAGS = {GAINED: ' <span class="tag">new</span>', CHANGED: ' <span class="tag">changed</span>'}


def _task_url_prefix(slug: str, matrix_id: int) -> str:
    """The task page's URL without the task id: ``/o/<slug>/m/<id>/t/``, reversed once per matrix."""
    url = reverse("task-detail", args=[slug, matrix_id, 0])
    assert url.endswith("/0/"), url
    return url[:-2]


def task_lines(slug: str, matrix: MyMatrix) -> SafeString:
    """A matrix's stages and task lines as HTML. Built here rather than in the template: a person
    on every task of 20 matrices of 500 tasks has 10,000 lines, which the template language renders
    in most of a second; this is the same markup (every value escaped) in a few milliseconds."""
    prefix = escape(_task_url_prefix(slug, matrix.id))
    out: list[str] = []
    for stage in matrix.stages:
        out.append(f'<h4>{escape(stage.name or "No stage")}</h4>\n<ul class="duties">')
        for task in stage.tasks:
            line = (
                f'<li><a href="{prefix}{task.id}/">{escape(task.name)}</a>: '
                f'<span class="letters">{escape(task.letters)}</span> {escape(task.words)}'
            )
            if len(task.roles) > 1:
                line += (
                    ' <span class="with">('
                    + ", ".join(f"{escape(held.role)}: {escape(held.letters)}" for held in task.roles)
                    + ")</span>"
                )
            line += CHANGE_TAGS.get(task.change, "")
            if task.co_owners:
                line += (
                    ' <span class="with">— with '
                    + ", ".join(f"{escape(code)}: {escape(letters)}" for code, letters in task.co_owners)
                    + "</span>"
                )
            out.append(line + "</li>")
        out.append("</ul>")
    return mark_safe("\n".join(out))  # every value above is escaped


@login_required
def my_responsibilities_page(request: HttpRequest) -> HttpResponse:
    # No organization to resolve: everything read is the user's own, in organizations they are a
    # member of (``my_responsibilities`` starts from ``organizations_for``).
    # The render walks as many objects as the read builds: both with the collector paused.
    # A page holds MATRICES_PER_PAGE whole matrices; ``?cursor=`` from its next/previous links.
    try:
        with collector_paused():
            me = my_responsibilities(request.user, cursor=request.GET.get("cursor") or None)
            lines = {m.id: task_lines(org.slug, m) for org in me.organizations for m in org.matrices}
            return render(
                request,
                "insights/my_responsibilities.html",
                {"me": me, "task_lines": lines, "page_size": MATRICES_PER_PAGE},
            )
    except CursorInvalid as error:
        return HttpResponseBadRequest(str(error))
