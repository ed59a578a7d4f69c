"""The one access policy: who may see and change an organization's data.

Every organization-scoped view, endpoint and command resolves the organization
through ``require_org``. Levels are ordered view < edit < own. Someone who is not
a member gets ``Http404`` whether or not the organization exists, so its
existence is not revealed; a member below the needed level gets
``PermissionDenied`` (403).

It also answers who may act for a person (``may_act_for``) and who owns an organization
(``owners_of``, ``owner_emails``), so other modules need not compare membership levels.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from django.contrib.auth import get_user_model
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

    @property
    def can_comment(self) -> bool:
        """Comment on a draft's threads: editors and owners, and viewers if the organization lets them."""
        return self.can_edit or self.organization.viewers_may_comment


def organizations_for(user) -> QuerySet[Organization]:
    """The organizations ``user`` is a member of; empty for anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return Organization.objects.none()
    return Organization.objects.filter(memberships__user=user)


def _levels_granting(need: Need) -> list[str]:
    return [level for level, grants in LEVEL_GRANTS.items() if grants >= need]


def owners_of(organization: Organization) -> QuerySet:
    """The users who own ``organization``, by id: whom notices about it go to."""
    return (
        get_user_model()
        .objects.filter(
            memberships__organization=organization, memberships__level__in=_levels_granting(Need.OWN)
        )
        .order_by("pk")
    )


def owner_emails(organization: Organization) -> list[str]:
    """The email addresses of ``organization``'s owners who have one, by user id (one query)."""
    return list(owners_of(organization).exclude(email="").values_list("email", flat=True))


def may_act_for(user, person, *, owners_may: bool, access: OrgAccess | None = None) -> bool:
    """Whether ``user`` may act for ``person`` (sign off, acknowledge): they are the person's user,
    or, when ``owners_may``, they own the person's organization. One query at most; none when
    the person is theirs, owners may not, or the caller passes the ``access`` it already resolved
    for the person's organization (a page deciding for many people at once)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if person.user_id is not None and person.user_id == user.pk:
        return True
    if access is not None and access.organization.pk == person.organization_id:
        return owners_may and access.can_own
    return (
        owners_may
        and Membership.objects.filter(
            user=user, organization_id=person.organization_id, level__in=_levels_granting(Need.OWN)
        ).exists()
    )


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
