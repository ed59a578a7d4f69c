from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import MatrixFactory, MembershipFactory, OrganizationFactory


def test_home_lists_my_organizations_only(client, org, owner, outsider):
    MembershipFactory(user=owner, organization=OrganizationFactory(name="Beta", slug="beta"))
    client.force_login(owner)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Acme" in response.content
    assert b"Elsewhere" not in response.content


def test_home_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_sign_in_page_renders(client, db):
    assert client.get(reverse("account_login")).status_code == 200


@pytest.mark.parametrize("member", ["owner", "editor", "viewer"])
def test_members_see_the_organization_page_with_its_matrices(client, org, member, request):
    MatrixFactory(organization=org, name="Who does what")
    client.force_login(request.getfixturevalue(member))
    response = client.get(reverse("organization-detail", args=[org.slug]))
    assert response.status_code == 200
    assert b"Who does what" in response.content


def test_outsider_gets_404_for_the_organization_page(client, org, outsider):
    client.force_login(outsider)
    assert client.get(reverse("organization-detail", args=[org.slug])).status_code == 404


def test_unknown_organization_gets_the_same_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("organization-detail", args=["nope"])).status_code == 404


def test_health_endpoint_answers_without_sign_in(client, db):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_admin_login_page_renders(client, db):
    assert client.get(reverse("admin:login")).status_code == 200
