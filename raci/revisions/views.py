"""Pages for a matrix's history and revisions: publish, compare, restore, sign off, acknowledge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from orgs.access import Need, may_act_for
from orgs.models import Person
from raci import rules
from raci.discussion.selectors import open_thread_count, threads_resolved_in
from raci.matrices.changes import MatrixArchived
from raci.matrices.models import Matrix
from raci.matrices.readings import READ_PUBLISHED, matrix_read
from raci.matrices.selectors import column_people, matrix_grid_get
from raci.matrices.shortcuts import error_text, file_download, matrix_for_page, web_actor
from raci.parsing import parse_id
from raci.revisions import services as revisions
from raci.revisions.models import Revision, SignOff
from raci.revisions.selectors import revision_diff, signoff_state, snapshot_grid
from raci.rules.findings import Severity


def _revision(matrix, number: int) -> Revision:
    return get_object_or_404(
        Revision.objects.select_related("published_by").prefetch_related(
            "signoffs__person", "acknowledgements"
        ),
        matrix=matrix,
        number=number,
    )


def _context(access, matrix, **extra) -> dict:
    return {"organization": access.organization, "access": access, "matrix": matrix, **extra}


def _int(value: str) -> int | None:
    return parse_id(value)


@login_required
def revision_list(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    need = Need.EDIT if request.method == "POST" else Need.VIEW
    access, matrix = matrix_for_page(request, org_slug, matrix_id, need)
    draft = matrix_grid_get(matrix=matrix)
    # The same analysis matrix_publish runs: its errors block publishing without a reason.
    blocking = [finding for finding in rules.analyse(draft).findings if finding.severity == Severity.ERROR]
    errors = len(blocking)
    form_errors: list[str] = []
    if request.method == "POST":
        try:
            revision = revisions.matrix_publish(
                matrix=matrix,
                actor=web_actor(request),
                note=request.POST.get("note", ""),
                require_signoff=bool(request.POST.get("require_signoff")),
                override_reason=request.POST.get("override_reason", ""),
            )
        except ValidationError as exc:
            form_errors = exc.messages
        except MatrixArchived as exc:
            form_errors = [str(exc)]
        else:
            messages.success(request, f"Published revision {revision.number}.")
            return redirect(reverse("revision-detail", args=[org_slug, matrix.pk, revision.number]))
    items = [
        (revision, signoff_state(revision))
        for revision in matrix.revisions.select_related("published_by")
        .defer("snapshot")
        .prefetch_related("signoffs")
    ]
    return render(
        request,
        "revisions/revisions.html",
        _context(
            access,
            matrix,
            items=items,
            errors=errors,
            blocking=blocking,
            # What publishing now would change for readers (None before the first publication).
            pending=revision_diff(matrix_read(matrix=matrix, reading=READ_PUBLISHED, people=False)[0], draft)
            if matrix.published_revision_id
            else None,
            form_errors=form_errors,
            post=request.POST,
            # Threads still open on the draft: worth settling before publishing (not a blocker).
            open_threads=open_thread_count(matrix=matrix) if access.can_edit else 0,
        ),
        status=(409 if matrix.status == Matrix.Status.ARCHIVED else 400) if form_errors else 200,
    )


@login_required
def revision_detail(request: HttpRequest, org_slug: str, matrix_id: int, number: int) -> HttpResponse:
    access, matrix = matrix_for_page(request, org_slug, matrix_id)
    revision = _revision(matrix, number)
    grid = snapshot_grid(revision)
    codes_with_letters = {code for (_, code) in grid.cells}
    # The people behind the columns with letters, in the matrix's team (orgs.teams resolution).
    behind = column_people(columns={matrix.team_id: {role.id: role.code for role in grid.roles}})[
        matrix.team_id
    ]
    people = list(
        Person.objects.filter(
            organization=access.organization,
            active=True,
            pk__in=[p.id for p in behind if p.role_codes & codes_with_letters],
        ).order_by("name")
    )
    acknowledged = {a.person_id: a.at for a in revision.acknowledgements.all()}
    me = next((p for p in people if p.user_id == request.user.pk), None)
    return render(
        request,
        "revisions/revision_detail.html",
        _context(
            access,
            matrix,
            revision=revision,
            state=signoff_state(revision),
            grid=grid,
            groups=grid.stage_groups(),
            people=[(p, acknowledged.get(p.pk)) for p in people],
            unacknowledged=sum(1 for p in people if p.pk not in acknowledged),
            me=me,
            me_acknowledged=me is not None and me.pk in acknowledged,
            decidable={
                signoff.pk
                for signoff in revision.signoffs.all()
                if may_act_for(request.user, signoff.person, owners_may=True, access=access)
            },
            previous=revision.number - 1 if revision.number > 1 else None,
            # The discussion this revision settled (threads resolved before it was published).
            settled=threads_resolved_in(matrix=matrix, number=revision.number),
        ),
    )


@login_required
@require_POST
def revision_restore(request: HttpRequest, org_slug: str, matrix_id: int, number: int) -> HttpResponse:
    _, matrix = matrix_for_page(request, org_slug, matrix_id, Need.EDIT)
    revision = _revision(matrix, number)
    revision.matrix = matrix
    try:
        revisions.revision_restore(revision=revision, actor=web_actor(request))
    except MatrixArchived as exc:
        messages.error(request, error_text(exc))
        return redirect(reverse("revision-detail", args=[org_slug, matrix.pk, number]))
    messages.success(request, f"Revision {number} is the new draft.")
    return redirect(reverse("matrix-detail", args=[org_slug, matrix.pk]))


@login_required
def revision_export(
    request: HttpRequest, org_slug: str, matrix_id: int, number: int, kind: str
) -> HttpResponse:
    _, matrix = matrix_for_page(request, org_slug, matrix_id)
    return file_download(snapshot_grid(_revision(matrix, number)), kind, tag=f"r{number}")


@login_required
def revision_compare(request: HttpRequest, org_slug: str, matrix_id: int) -> HttpResponse:
    access, matrix = matrix_for_page(request, org_slug, matrix_id)
    numbers = list(matrix.revisions.order_by("number").values_list("number", flat=True))
    a, b = _int(request.GET.get("a", "")), _int(request.GET.get("b", ""))
    if a is None and "a" not in request.GET and numbers:
        # Opened without a choice: what publishing the draft would change.
        a = numbers[-1]
    diff = None
    if a is not None:
        if a not in numbers or (b is not None and b not in numbers):
            raise Http404("No such revision.")
        old = snapshot_grid(_revision(matrix, a))
        new = snapshot_grid(_revision(matrix, b)) if b is not None else matrix_grid_get(matrix=matrix)
        diff = revision_diff(old, new)
    return render(
        request,
        "revisions/revision_compare.html",
        _context(access, matrix, numbers=numbers, a=a, b=b, diff=diff),
    )


@login_required
@require_POST
def signoff_decide(request: HttpRequest, org_slug: str, matrix_id: int, number: int, signoff_id: int):
    """Record a sign-off decision. A plain POST redirects to the revision with a message; an htmx
    POST (the button on "my responsibilities") answers the decision in place, or the form again
    with the reason it was refused (400, or 403 when the user may not decide for that person)."""
    _, matrix = matrix_for_page(request, org_slug, matrix_id)
    signoff = get_object_or_404(SignOff, pk=signoff_id, revision=_revision(matrix, number))
    decision, comment = request.POST.get("decision", ""), request.POST.get("comment", "")
    if request.htmx:
        context = {
            "slug": org_slug,
            "matrix_id": matrix.pk,
            "matrix_name": matrix.name,
            "number": number,
            "signoff_id": signoff.pk,
            "comment": comment,
        }
        try:
            decided = revisions.signoff_decide(
                signoff=signoff, user=request.user, decision=decision, comment=comment
            )
        except (ValidationError, PermissionDenied) as exc:
            status = 403 if isinstance(exc, PermissionDenied) else 400
            return render(
                request,
                "revisions/_me_actions.html#signoff-form",
                {**context, "error": error_text(exc)},
                status=status,
            )
        return render(request, "revisions/_me_actions.html#signoff-decided", {**context, "signoff": decided})
    try:
        revisions.signoff_decide(signoff=signoff, user=request.user, decision=decision, comment=comment)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "Recorded.")
    return redirect(reverse("revision-detail", args=[org_slug, matrix.pk, number]))


@login_required
@require_POST
def acknowledge(request: HttpRequest, org_slug: str, matrix_id: int, number: int) -> HttpResponse:
    """The linked person acknowledges the revision. A plain POST redirects to the revision with a
    message; an htmx POST (the person page, "my responsibilities") answers the acknowledged state in
    place, or the refusal (403) as a message."""
    access, matrix = matrix_for_page(request, org_slug, matrix_id)
    person = Person.objects.filter(organization=access.organization, user=request.user).first()
    try:
        if person is None:
            raise PermissionDenied("Your account is not linked to a person of this organization.")
        acknowledgement = revisions.acknowledge(
            revision=_revision(matrix, number), person=person, user=request.user
        )
    except (ValidationError, PermissionDenied) as exc:
        if not request.htmx:
            raise
        status = 403 if isinstance(exc, PermissionDenied) else 400
        return render(
            request, "revisions/_me_actions.html#refused", {"error": error_text(exc)}, status=status
        )
    if request.htmx:
        context = {
            "acknowledgement": acknowledgement,
            "matrix_id": matrix.pk,
            "number": number,
            "on_me": request.POST.get("shown_on") == "me",
        }
        return render(request, "revisions/_me_actions.html#acknowledged", context)
    messages.success(request, "Thank you: your acknowledgement is recorded.")
    return redirect(reverse("revision-detail", args=[org_slug, matrix.pk, number]))
