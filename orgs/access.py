"""The one access policy: who may see and change an organization's data.

Every organization-scoped view, endpoint and command resolves the organization
through ``require_org``. Levels are ordered view < edit < own. Someone who is not
a member gets ``Http404`` whether or not the organization exists, so its
existence is not revealed; a member below the needed level gets
``PermissionDenied`` (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from orgs.models import Membership, Organization


class Need(IntEnum):
    VIEW = 1
    EDIT = 2
    OWN = 3


LEVEL_GRANTS = {
    Membership.Level.VIEWER: Need.VIEW,
    Membership.Level.EDITOR: Need.EDIT,
    Membership.Level.OWNER: Need.OWN,
}


@dataclass(frozen=True)
class OrgAccess:
    organization: Organization
    level: str

    @property
    def can_edit(self) -> bool:
        return LEVEL_GRANTS[self.level] >= Need.EDIT

    @property
    def can_own(self) -> bool:
        return LEVEL_GRANTS[self.level] >= Need.OWN


def organizations_for(user) -> QuerySet[Organization]:
    """The organizations ``user`` is a member of; empty for anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user)


def require_org(user, slug: str, need: Need = Need.VIEW) -> OrgAccess:
    """Resolve ``slug`` for ``user`` at level ``need`` or raise 404/403 (one query)."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such organization.")
    membership = (
        Membership.objects.select_related("organization").filter(user=user, organization__slug=slug).first()
    )
    if membership is None:
        raise Http404("No such organization.")
    if LEVEL_GRANTS[membership.level] < need:
        raise PermissionDenied(f"This needs {need.name.lower()} access to {membership.organization.name}.")
    return OrgAccess(organization=membership.organization, level=membership.level)
