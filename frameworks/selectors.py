"""Reads of the framework library: what a user may see and adopt."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from frameworks.models import Activity, Framework, Stage
from orgs.access import organizations_for


def frameworks_visible_to(user) -> QuerySet[Framework]:
    """Built-in frameworks plus those of the user's organizations."""
    return Framework.objects.filter(
        Q(organization__isnull=True) | Q(organization__in=organizations_for(user))
    )


def framework_with_activities(queryset: QuerySet[Framework]) -> QuerySet[Framework]:
    """Stages and their activities in order, in three queries in all."""
    return queryset.prefetch_related(
        Prefetch(
            "stages",
            queryset=Stage.objects.order_by("order", "id").prefetch_related(
                Prefetch("activities", queryset=Activity.objects.order_by("order", "id"))
            ),
        )
    )
