"""/api/v1/orgs/{slug}/invitations/: owners list, invite, look up, resend and revoke; everyone else
gets 403 (members) or 404 (outsiders), and nothing changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgs.invitations import invitation_create
from orgs.models import Invitation
from tests.factories import PersonFactory
from tests.helpers import API, assert_error

pytestmark = pytest.mark.django_db

URL = f"{API}orgs/acme-test/invitations/"


@pytest.fixture
def pending(org, owner):
    return invitation_create(
        organization=org, email="kim@example.com", invited_by=owner, base_url="http://t/"
    )


def test_owner_invites_with_a_level_and_a_person_and_the_link_is_emailed(
    org, owner, token_client, mailoutbox, django_capture_on_commit_callbacks
):
    person = PersonFactory(organization=org, email="")
    with django_capture_on_commit_callbacks(execute=True):
        response = token_client(owner).post(
            URL, {"email": "kim@example.com", "level": "editor", "person": person.pk}, format="json"
        )
    assert response.status_code == 201
    body = response.json()
    assert body["email"] == "kim@example.com"
    assert body["level"] == "editor"
    assert body["person"] == person.pk
    assert body["status"] == "pending"
    assert "key" not in body
    assert mailoutbox[-1].to == ["kim@example.com"]
    assert "/invitations/" in mailoutbox[-1].body


def test_owner_lists_pending_invitations_only(org, owner, token_client, pending):
    revoked = invitation_create(
        organization=org, email="old@example.com", invited_by=owner, base_url="http://t/"
    )
    revoked.revoked_at = timezone.now()
    revoked.save()
    response = token_client(owner).get(URL)
    assert response.status_code == 200
    assert [item["email"] for item in response.json()["results"]] == ["kim@example.com"]


def test_owner_revokes_and_the_invitation_says_so(owner, token_client, pending):
    client = token_client(owner)
    assert client.delete(f"{URL}{pending.pk}/").status_code == 204
    assert client.get(f"{URL}{pending.pk}/").json()["status"] == "revoked"


def test_owner_resends_an_expired_invitation_which_is_pending_again(
    owner, token_client, pending, mailoutbox, django_capture_on_commit_callbacks
):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    client = token_client(owner)
    assert client.get(f"{URL}{pending.pk}/").json()["status"] == "expired"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}{pending.pk}/resend/")
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    assert mailoutbox[-1].to == ["kim@example.com"]


def test_resending_a_revoked_invitation_is_refused(owner, token_client, pending):
    client = token_client(owner)
    client.delete(f"{URL}{pending.pk}/")
    assert_error(client.post(f"{URL}{pending.pk}/resend/"), 400)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "not an address"},
        {"email": "kim2@example.com", "level": "admin"},
        {"email": "kim2@example.com", "person": "x"},
    ],
)
def test_bad_input_is_400_and_creates_nothing(owner, token_client, body):
    assert_error(token_client(owner).post(URL, body, format="json"), 400)
    assert not Invitation.objects.exists()


def test_a_person_of_another_organization_is_400_without_revealing_it(owner, outsider, token_client):
    stranger = PersonFactory(organization=outsider.memberships.get().organization, name="Hidden Name")
    error = assert_error(
        token_client(owner).post(URL, {"email": "kim@example.com", "person": stranger.pk}, format="json"), 400
    )
    assert "Hidden Name" not in str(error)
    assert not Invitation.objects.exists()


def test_a_second_pending_invitation_for_the_address_is_400(owner, token_client, pending):
    assert_error(token_client(owner).post(URL, {"email": "KIM@example.com"}, format="json"), 400)
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_reach_invitations(who, status, token_client, pending, request):
    client = token_client(request.getfixturevalue(who))
    assert_error(client.get(URL), status)
    assert_error(client.post(URL, {"email": "x@example.com"}, format="json"), status)
    assert_error(client.get(f"{URL}{pending.pk}/"), status)
    assert_error(client.delete(f"{URL}{pending.pk}/"), status)
    assert_error(client.post(f"{URL}{pending.pk}/resend/"), status)
    pending.refresh_from_db()
    assert pending.is_pending
    assert Invitation.objects.count() == 1


def test_a_missing_invitation_is_404(owner, token_client):
    assert_error(token_client(owner).get(f"{URL}999999/"), 404)


def test_the_list_costs_the_same_queries_for_one_or_many(org, owner, token_client, pending):
    client = token_client(owner)
    client.get(URL)  # the token's first use records when it was used; later requests do not
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for n in range(5):
        invitation_create(organization=org, email=f"b{n}@example.com", invited_by=owner, base_url="http://t/")
    with CaptureQueriesContext(connection) as six:
        assert len(client.get(URL).json()["results"]) == 6
    assert len(six) == len(one)
