"""Writes to organizations, their members, roles and people.

Keyword-only arguments, one transaction each, ``full_clean()`` before saving, so
bad input raises ``ValidationError`` with a readable message and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from orgs.models import Membership, Organization, Person, Role


@transaction.atomic
def organization_create(*, name: str, slug: str, owner, headcount: int | None = None) -> Organization:
    """Create an organization; its creator becomes its owner."""
    organization = Organization(name=name, slug=slug, headcount=headcount)
    organization.full_clean()
    organization.save()
    Membership.objects.create(user=owner, organization=organization, level=Membership.Level.OWNER)
    return organization


@transaction.atomic
def membership_set(*, organization: Organization, user, level: str) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"level": level}
    )
    if membership.level != level:
        membership.level = level
        membership.full_clean()
        membership.save(update_fields=["level"])
    return membership


@transaction.atomic
def role_create(
    *, organization: Organization, code: str, name: str, description: str = "", order: int | None = None
) -> Role:
    if order is None:
        order = organization.roles.count()
    role = Role(
        organization=organization, code=code.strip().upper(), name=name, description=description, order=order
    )
    role.full_clean()
    role.save()
    return role


@transaction.atomic
def person_create(
    *,
    organization: Organization,
    name: str,
    email: str = "",
    roles: Iterable[Role] = (),
    active: bool = True,
    user=None,
) -> Person:
    roles = list(roles)
    if any(role.organization_id != organization.pk for role in roles):
        raise ValidationError({"roles": "A person can only hold roles of their own organization."})
    person = Person(organization=organization, name=name, email=email, active=active, user=user)
    person.full_clean()
    person.save()
    person.roles.set(roles)
    return person
