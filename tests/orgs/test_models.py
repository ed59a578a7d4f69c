"""Database constraints hold even when code forgets to validate."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from orgs.models import Membership, Person, Role
from orgs.services import person_create, role_create
from tests.factories import MembershipFactory, OrganizationFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_a_second_membership_for_the_same_user_and_organization():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=membership.user, organization=membership.organization, level="owner")


def test_database_refuses_an_unknown_access_level():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=membership.pk).update(level="god")


def test_database_refuses_a_duplicate_role_code_in_one_organization():
    role = RoleFactory(code="PM")
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(organization=role.organization, code="PM", name="Another PM")


def test_same_role_code_is_fine_in_two_organizations():
    RoleFactory(code="PM")
    RoleFactory(code="PM")
    assert Role.objects.filter(code="PM").count() == 2


def test_database_refuses_a_lowercase_role_code():
    organization = OrganizationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(organization=organization, code="pm", name="Product")


def test_role_create_uppercases_the_code():
    organization = OrganizationFactory()
    assert role_create(organization=organization, code=" pmm ", name="Product marketing").code == "PMM"


def test_role_create_explains_a_duplicate_code():
    role = RoleFactory(code="PM")
    with pytest.raises(ValidationError, match="A role PM already exists") as raised:
        role_create(organization=role.organization, code="PM", name="Again")
    assert "code" in raised.value.message_dict


def test_role_create_explains_a_malformed_code():
    with pytest.raises(ValidationError, match="capital letters"):
        role_create(organization=OrganizationFactory(), code="P M!", name="Bad")


def test_database_refuses_two_people_with_the_same_email_in_one_organization_whatever_the_case():
    person = PersonFactory(email="ana@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(organization=person.organization, name="Ana again", email="ANA@example.com")


def test_several_people_without_email_are_fine():
    organization = OrganizationFactory()
    PersonFactory(organization=organization, email="")
    PersonFactory(organization=organization, email="")
    assert organization.people.count() == 2


def test_a_person_may_hold_several_roles_and_a_role_several_people():
    organization = OrganizationFactory()
    pm = RoleFactory(organization=organization, code="PM")
    pmm = RoleFactory(organization=organization, code="PMM")
    founder = person_create(organization=organization, name="Founder", roles=[pm, pmm])
    PersonFactory(organization=organization, roles=[pm])
    assert set(founder.roles.values_list("code", flat=True)) == {"PM", "PMM"}
    assert pm.people.count() == 2


def test_a_person_cannot_hold_a_role_of_another_organization():
    foreign_role = RoleFactory()
    with pytest.raises(ValidationError, match="own organization"):
        person_create(organization=OrganizationFactory(), name="Mixed", roles=[foreign_role])
    assert not Person.objects.filter(name="Mixed").exists()
