"""The teams pages: the tree, and one team's members and the roles held for it.

View access reads them, edit access changes them (as for roles and people)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from orgs import teams as services
from orgs.access import Need, require_org
from orgs.forms import add_service_errors
from orgs.models import Person, RoleHolding, Team
from orgs.team_forms import TeamForm, TeamHoldingForm, TeamMembersForm

INVALID = 400
SAFE = ("GET", "HEAD")


def _access(request: HttpRequest, org_slug: str):
    return require_org(request.user, org_slug, Need.VIEW if request.method in SAFE else Need.EDIT)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def teams(request: HttpRequest, org_slug: str) -> HttpResponse:
    access = _access(request, org_slug)
    organization = access.organization
    form = TeamForm(request.POST if request.method == "POST" else None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(organization=organization, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Team {team.name} added.")
            return redirect("settings-team", organization.slug, team.pk)
    # Three queries whatever the size of the tree: the teams with their counts, the holdings.
    tree = list(
        Team.objects.filter(organization=organization)
        .annotate(member_count=Count("members", distinct=True))
        .order_by("path")
        .prefetch_related(
            Prefetch(
                "holdings",
                queryset=RoleHolding.objects.select_related("person", "role").order_by("role__order"),
            )
        )
    )
    return render(
        request,
        "orgs/settings/teams.html",
        {"organization": organization, "access": access, "teams": tree, "form": form},
        status=INVALID if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def team_detail(request: HttpRequest, org_slug: str, team_id: int) -> HttpResponse:
    access = _access(request, org_slug)
    organization = access.organization
    team = get_object_or_404(
        Team.objects.select_related("organization"), pk=team_id, organization=organization
    )
    posted = request.POST if request.method == "POST" else None
    action = posted.get("action") if posted else None
    edit = TeamForm(
        posted if action == "edit" else None,
        organization=organization,
        team=team,
        initial={"name": team.name, "parent": team.parent_id},
    )
    members = TeamMembersForm(
        posted if action == "members" else None,
        organization=organization,
        initial={"people": list(team.members.values_list("pk", flat=True))},
    )
    holding = TeamHoldingForm(posted if action == "hold" else None, organization=organization)
    form = {"edit": edit, "members": members, "hold": holding}.get(action)
    if form is not None and form.is_valid():
        try:
            done = _apply(action, team, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("settings-team", organization.slug, team.pk)
    by_id = {t.pk: t for t in services.teams_of(organization)}
    return render(
        request,
        "orgs/settings/team_detail.html",
        {
            "organization": organization,
            "access": access,
            "team": team,
            "label": services.team_label(team, by_id),
            "children": [t for t in by_id.values() if t.parent_id == team.pk],
            "ancestors": [by_id[pk] for pk in team.lineage_ids[:-1] if pk in by_id],
            "people": Person.objects.filter(teams=team).order_by("name"),
            "holdings": RoleHolding.objects.filter(team=team)
            .select_related("person", "role")
            .order_by("role__order", "person__name"),
            "edit": edit,
            "members": members,
            "hold": holding,
        },
        status=INVALID if form is not None and form.errors else 200,
    )


def _apply(action: str, team: Team, data: dict) -> str:
    if action == "edit":
        if data["parent"] != team.parent:
            services.team_move(team=team, parent=data["parent"])
        services.team_update(team=team, name=data["name"])
        return f"Team {team.name} saved."
    if action == "members":
        services.team_members_set(team=team, people=data["people"])
        return f"Members of {team.name} saved."
    services.holding_add(person=data["person"], role=data["role"], team=team)
    return f"{data['person'].name} holds {data['role'].code} for {team.name}."


@login_required
@require_POST
def team_holding_remove(request: HttpRequest, org_slug: str, team_id: int, holding_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.EDIT)
    holding = get_object_or_404(
        RoleHolding.objects.select_related("person", "role", "team"),
        pk=holding_id,
        team_id=team_id,
        team__organization=access.organization,
    )
    services.holding_remove(person=holding.person, role=holding.role, team=holding.team)
    messages.success(
        request, f"{holding.person.name} no longer holds {holding.role.code} for {holding.team.name}."
    )
    return redirect("settings-team", access.organization.slug, team_id)


@login_required
@require_POST
def team_delete(request: HttpRequest, org_slug: str, team_id: int) -> HttpResponse:
    access = require_org(request.user, org_slug, Need.EDIT)
    team = get_object_or_404(Team, pk=team_id, organization=access.organization)
    try:
        services.team_delete(team=team)
    except services.TeamInUse as refusal:
        messages.error(request, refusal.message)
        return redirect("settings-team", access.organization.slug, team.pk)
    messages.success(request, f"Team {team.name} deleted.")
    return redirect("settings-teams", access.organization.slug)
