"""An organization's home: its matrices with their health, its roles and people."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orgs.access import require_org
from orgs.models import RoleHolding
from raci import rules
from raci.matrices.readings import publication_states
from raci.matrices.selectors import matrices_for_organization, matrix_grids_get


def _overdue_first(item: dict) -> tuple:
    publication = item["publication"]
    return (0, publication.review_due) if publication.review_overdue else (1,)


# The home names this many holders of each role and links to the role's page for the rest: the page
# costs the same for ten people as for 50,000.
HOLDERS_SHOWN = 5


def _roles_with_holders(organization) -> list[dict]:
    # A person holding the role for two teams has two holdings: only their first names them, so each
    # person is named once (and the first HOLDERS_SHOWN are people, not holdings).
    first_holdings = (
        RoleHolding.objects.exclude(
            Exists(
                RoleHolding.objects.filter(
                    person_id=OuterRef("person_id"), role_id=OuterRef("role_id"), pk__lt=OuterRef("pk")
                )
            )
        )
        .select_related("person")
        .order_by("person__name", "person_id")
    )
    roles = organization.roles.annotate(holders=Count("people", distinct=True)).prefetch_related(
        Prefetch("holdings", queryset=first_holdings[:HOLDERS_SHOWN], to_attr="shown")
    )
    result = []
    for role in roles:
        shown = [holding.person for holding in role.shown]
        result.append({"role": role, "shown": shown, "more": role.holders - len(shown)})
    return result


@login_required
def organization_home(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The organization's matrices — overdue reviews first — with where each stands (published
    revision, unpublished changes, next review), health and open errors; its roles and people."""
    access = require_org(request.user, org_slug)
    organization = access.organization
    listed = list(matrices_for_organization(organization=organization))
    # Health is stored on each matrix after every change (raci.matrices.standing); only matrices
    # never analysed since (created before the field existed) are analysed here, all in the same
    # few queries.
    unanalysed = [m for m in listed if m.health_version is None]
    grids = matrix_grids_get(matrices=unanalysed) if unanalysed else {}
    states = publication_states(matrices=listed)
    matrices = []
    for matrix in listed:
        if matrix.health_version is None:
            analysis = rules.analyse(grids[matrix.pk], fixes=False)
            health, counts = analysis.health, analysis.counts()
        else:
            health, counts = matrix.health, matrix.finding_counts
        matrices.append(
            {"matrix": matrix, "health": health, "counts": counts, "publication": states[matrix.pk]}
        )
    # Reviews that are overdue come first, the longest overdue at the top; the rest stay by name.
    matrices.sort(key=_overdue_first)
    return render(
        request,
        "matrices/organization_home.html",
        {
            "access": access,
            "organization": organization,
            "matrices": matrices,
            "roles": _roles_with_holders(organization),
            "people_count": organization.people.filter(active=True).count(),
        },
    )
