"""Single sign-on: who joins which organization because of the address their provider verified.

An organization that sets ``sso_domain`` lets anyone signing in through single sign-on with a
verified address at that domain join as a viewer (owners raise levels later). Members keep their
level; only verified addresses count, and only exact domains (not subdomains).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from orgs.models import Membership, Organization
from orgs.services import membership_set


def _domains(addresses: Iterable[str]) -> set[str]:
    return {address.rsplit("@", 1)[1].lower() for address in addresses if "@" in address}


def organizations_open_to(addresses: Iterable[str]):
    """The organizations that let these verified addresses join (one query)."""
    domains = _domains(addresses)
    if not domains:
        return Organization.objects.none()
    return Organization.objects.filter(sso_domain__in=domains)


@transaction.atomic
def sso_join(*, user, verified_addresses: Iterable[str]) -> list[Membership]:
    """Make ``user`` a viewer of every organization open to their verified addresses that they are
    not a member of yet; returns the new memberships."""
    joined = []
    member_of = set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
    for organization in organizations_open_to(verified_addresses):
        if organization.pk not in member_of:
            joined.append(membership_set(organization=organization, user=user, level=Membership.Level.VIEWER))
    return joined
