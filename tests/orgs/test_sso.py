"""Single sign-on by domain: an organization names the domain whose verified addresses join it as
viewers; owners set it on the members page or the API. (The sign-in itself, against a real
provider, is tests/browser/test_sso.py.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from orgs.models import Membership, Organization
from orgs.sso import sso_join
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.helpers import API, assert_error

pytestmark = pytest.mark.django_db


def test_a_verified_address_at_the_domain_joins_as_viewer():
    globex = OrganizationFactory(sso_domain="globex.example")
    user = UserFactory(email="kim@globex.example")
    sso_join(user=user, verified_addresses=["Kim@Globex.example"])
    assert Membership.objects.get(user=user).organization == globex
    assert Membership.objects.get(user=user).level == "viewer"


def test_other_domains_and_subdomains_join_nothing():
    OrganizationFactory(sso_domain="globex.example")
    user = UserFactory()
    assert sso_join(user=user, verified_addresses=["kim@eu.globex.example", "kim@initech.example"]) == []
    assert not Membership.objects.filter(user=user).exists()


def test_a_member_keeps_their_level():
    globex = OrganizationFactory(sso_domain="globex.example")
    user = MembershipFactory(organization=globex, level="owner").user
    sso_join(user=user, verified_addresses=["kim@globex.example"])
    assert Membership.objects.get(user=user).level == "owner"


def test_owner_sets_the_domain_on_the_members_page(client, org, owner):
    client.force_login(owner)
    response = client.post(reverse("settings-sso-domain", args=[org.slug]), {"sso_domain": "Acme.Example"})
    assert response.status_code == 302
    assert Organization.objects.get(pk=org.pk).sso_domain == "acme.example"


@pytest.mark.parametrize("domain", ["@acme.example", "http://acme.example", "acme", "a b.example"])
def test_a_malformed_domain_is_400_and_changes_nothing(client, org, owner, domain):
    client.force_login(owner)
    response = client.post(reverse("settings-sso-domain", args=[org.slug]), {"sso_domain": domain})
    assert response.status_code == 400
    assert Organization.objects.get(pk=org.pk).sso_domain == ""


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_set_the_domain(client, org, who, status, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("settings-sso-domain", args=[org.slug]), {"sso_domain": "x.example"})
    assert response.status_code == status
    assert Organization.objects.get(pk=org.pk).sso_domain == ""


def test_owner_sets_the_domain_over_the_api(org, owner, token_client):
    response = token_client(owner).patch(
        f"{API}orgs/{org.slug}/", {"sso_domain": "acme.example"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["sso_domain"] == "acme.example"


def test_a_malformed_domain_over_the_api_is_400(org, owner, token_client):
    assert_error(
        token_client(owner).patch(f"{API}orgs/{org.slug}/", {"sso_domain": "@x"}, format="json"), 400
    )
    assert Organization.objects.get(pk=org.pk).sso_domain == ""


def _sso_login(*addresses: tuple[str, bool]):
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialLogin
    from django.contrib.auth import get_user_model

    return SocialLogin(
        user=get_user_model()(),
        email_addresses=[EmailAddress(email=email, verified=verified) for email, verified in addresses],
    )


@pytest.mark.parametrize(
    ("mode", "address", "verified", "open_"),
    [
        ("invitation", "kim@globex.example", True, True),
        ("invitation", "kim@globex.example", False, False),  # the provider did not verify it
        ("invitation", "kim@initech.example", True, False),  # no organization accepts that domain
        ("open", "kim@initech.example", False, True),
        ("closed", "kim@globex.example", True, False),
    ],
)
def test_sso_sign_up_is_open_to_verified_addresses_at_an_accepted_domain(
    rf, settings, mode, address, verified, open_
):
    from orgs.accounts import SocialAccountAdapter

    OrganizationFactory(sso_domain="globex.example")
    settings.SIGNUP_MODE = mode
    request = rf.get("/")
    request.session = {}
    adapter = SocialAccountAdapter(request)
    assert adapter.is_open_for_signup(request, _sso_login((address, verified))) is open_
