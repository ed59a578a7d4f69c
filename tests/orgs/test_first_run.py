"""A new user's first steps: create an organization in the browser, land in it, and be told what
to do next on every empty page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orgs.models import Membership, Organization
from raci.matrices.models import Matrix
from tests.factories import MembershipFactory, OrganizationFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_without_organization_is_offered_to_create_one(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert reverse("organization-create").encode() in response.content


def test_a_user_with_a_single_organization_lands_in_it(client, org, owner):
    client.force_login(owner)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("organization-detail", args=[org.slug])


def test_a_user_with_several_organizations_chooses(client, org, owner):
    MembershipFactory(user=owner, organization=OrganizationFactory(name="Beta"))
    client.force_login(owner)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Beta" in response.content
    assert b"Acme" in response.content


def test_creating_an_organization_makes_the_creator_its_owner_and_leads_to_starting_a_matrix(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("organization-create"), {"name": "Globex", "slug": "globex", "headcount": "12"}, follow=True
    )
    organization = Organization.objects.get(slug="globex")
    assert organization.headcount == 12
    assert Membership.objects.get(organization=organization, user=user).level == "owner"
    page = response.content.decode()
    assert reverse("adopt-library", args=["globex"]) in page
    assert reverse("matrix-new", args=["globex"]) in page
    assert reverse("settings-roles", args=["globex"]) in page
    assert reverse("settings-people", args=["globex"]) in page


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "slug": "globex"},
        {"name": "Globex", "slug": "not a slug"},
        {"name": "Globex", "slug": "globex", "headcount": "-3"},
        {"name": "Globex", "slug": "acme-test"},  # taken
    ],
)
def test_bad_organization_input_is_400_and_creates_nothing(client, org, data):
    client.force_login(UserFactory())
    before = Organization.objects.count()
    response = client.post(reverse("organization-create"), data)
    assert response.status_code == 400
    assert Organization.objects.count() == before


def test_a_slug_taken_by_another_organization_says_so_without_naming_it(client, org):
    client.force_login(UserFactory())
    response = client.post(reverse("organization-create"), {"name": "X", "slug": "acme-test"})
    assert b"already exists" in response.content
    assert b"Acme" not in response.content.replace(b"acme-test", b"")


def test_viewers_of_an_empty_organization_are_told_who_starts_a_matrix(client, org, viewer):
    client.force_login(viewer)
    page = client.get(reverse("organization-detail", args=[org.slug])).content
    assert b"An editor or owner" in page
    assert reverse("matrix-new", args=[org.slug]).encode() not in page


def test_editors_start_a_blank_matrix_with_every_role_as_a_column(client, org, editor):
    RoleFactory(organization=org, code="PM")
    RoleFactory(organization=org, code="PMM")
    client.force_login(editor)
    response = client.post(reverse("matrix-new", args=[org.slug]), {"name": "Launch", "scheme": "RACI"})
    matrix = Matrix.objects.get(organization=org, name="Launch")
    assert response.status_code == 302
    assert response.url == reverse("matrix-detail", args=[org.slug, matrix.pk])
    assert list(matrix.columns.order_by("order").values_list("role__code", flat=True)) == ["PM", "PMM"]


def test_a_blank_matrix_without_roles_is_announced_on_the_form(client, org, editor):
    client.force_login(editor)
    assert b"has no roles yet" in client.get(reverse("matrix-new", args=[org.slug])).content


@pytest.mark.parametrize("data", [{"name": "", "scheme": "RACI"}, {"name": "X", "scheme": "NOPE"}])
def test_bad_blank_matrix_input_is_400_and_creates_nothing(client, org, editor, data):
    client.force_login(editor)
    assert client.post(reverse("matrix-new", args=[org.slug]), data).status_code == 400
    assert not Matrix.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("viewer", 403), ("outsider", 404)])
def test_only_editors_start_a_blank_matrix(client, org, who, status, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("matrix-new", args=[org.slug])).status_code == status
    assert client.post(reverse("matrix-new", args=[org.slug]), {"name": "X"}).status_code == status
    assert not Matrix.objects.exists()
