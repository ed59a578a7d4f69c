"""The history of a matrix: every change, newest first, filtered by task, role or person."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orgs.models import Person
from raci.matrices.history import CursorInvalid, history_for_matrix, history_page
from raci.matrices.shortcuts import matrix_for_page
from raci.parsing import parse_id


@login_required
def history(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    access, matrix = matrix_for_page(request, org_slug, matrix_id)
    task_id, person_id = parse_id(request.GET.get("task", "")), parse_id(request.GET.get("person", ""))
    role = request.GET.get("role", "").strip().upper()
    person = (
        Person.objects.filter(pk=person_id, organization=access.organization).first() if person_id else None
    )
    records = history_for_matrix(matrix=matrix, task_id=task_id, role_code=role, person=person)
    error = ""
    try:
        page = history_page(records, before=request.GET.get("before", ""), after=request.GET.get("after", ""))
    except CursorInvalid as refusal:
        error, page = str(refusal), history_page(records)
    return render(
        request,
        "matrices/history.html",
        {
            "organization": access.organization,
            "access": access,
            "matrix": matrix,
            "page": page,
            "tasks": matrix.tasks.order_by("order").values("id", "name"),
            "roles": access.organization.roles.values("code", "name"),
            # Only people holding a role the matrix shows: the filter reads changes by the roles a
            # person holds, and listing the whole organization grows the page with its headcount.
            "people": Person.objects.filter(organization=access.organization, roles__columns__matrix=matrix)
            .distinct()
            .order_by("name")
            .values("id", "name"),
            "filters": {"task": task_id, "role": role, "person": person_id},
            "error": error,
        },
        status=400 if error else 200,
    )
