"""The reorganization page: compose moves, see what every matrix would look like, apply.

Works without JavaScript: the moves so far travel in a hidden field, each submit adds, removes or
applies, and the impact shown is ``reorganization_preview`` of the list."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from orgs.access import Need, require_org
from orgs.models import Person
from orgs.teams import team_label, teams_of
from raci.matrices.shortcuts import web_actor
from raci.reorganization.moves import KINDS, moves_parse
from raci.reorganization.services import reorganization_apply, reorganization_preview

KIND_LABELS = {
    "move_person": "Move a person to another team",
    "move_team": "Move a team under another",
    "merge_teams": "Merge a team into another",
    "leave": "Someone leaves",
}


class MoveForm(forms.Form):
    kind = forms.ChoiceField(choices=[(k, KIND_LABELS[k]) for k in KINDS], label="Change")
    person = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    team = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Team")
    from_team = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="From team")
    to_team = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="To team (or under, or into)"
    )

    def __init__(self, *args, people, teams, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—")] + [(p.pk, p.name) for p in people]
        for name in ("team", "from_team", "to_team"):
            self.fields[name].choices = [("", "—"), *teams]


def _moves_from(request: HttpRequest) -> list:
    try:
        moves = json.loads(request.POST.get("moves") or "[]")
    except ValueError:
        return []
    return moves if isinstance(moves, list) else []


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reorganize(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.EDIT)
    organization = access.organization
    teams = teams_of(organization)
    by_id = {t.pk: t for t in teams}
    team_choices = [(t.pk, team_label(t, by_id)) for t in teams]
    people = list(Person.objects.filter(organization=organization, active=True).order_by("name"))
    moves = _moves_from(request) if request.method == "POST" else []
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = MoveForm(request.POST if action == "add" else None, people=people, teams=team_choices)
    error = ""
    if action == "add" and form.is_valid():
        candidate = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            moves_parse(organization, [*moves, candidate])
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            moves.append(candidate)
            form = MoveForm(people=people, teams=team_choices)
    elif action.startswith("remove:") and action[7:].isdecimal():
        index = int(action[7:])
        if index < len(moves):
            del moves[index]
    impact = None
    parsed = []
    if moves:
        try:
            parsed = moves_parse(organization, moves)
        except ValidationError as refusal:
            error, moves = " ".join(refusal.messages), []
    actor = web_actor(request)
    if action == "apply" and parsed:
        try:
            impact = reorganization_apply(organization=organization, moves=parsed, actor=actor)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            matrices, people = len(impact.matrices), len(impact.people)
            messages.success(
                request,
                f"Reorganized: {matrices} matri{'x' if matrices == 1 else 'ces'} changed, "
                f"{people} {'person' if people == 1 else 'people'} notified.",
            )
            return redirect("reorganize", organization.slug)
    if parsed and impact is None:
        try:
            impact = reorganization_preview(organization=organization, moves=parsed, actor=actor)
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    return render(
        request,
        "reorganization/reorganize.html",
        {
            "organization": organization,
            "access": access,
            "form": form,
            "moves": moves,
            "moves_json": json.dumps(moves),
            "impact": impact,
            "error": error,
        },
        status=400 if error else 200,
    )
