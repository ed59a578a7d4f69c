"""Invitations: an owner invites by email; the link, read back from the email, creates the account
or attaches an existing one, makes the membership and links the person. Unusable links change
nothing and say why; nothing of another organization shows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orgs.invitations import invitation_create
from orgs.models import Invitation, Membership, Person
from tests.factories import MembershipFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a much longer passphrase 42"
User = get_user_model()


def invite(org, owner, client, mailoutbox, django_capture_on_commit_callbacks, **data) -> str:
    """The owner invites through the members page; returns the link's path read from the email."""
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("settings-invite", args=[org.slug]), {"level": "editor", **data})
    assert response.status_code == 302, response.content
    client.logout()
    return re.search(r"http://testserver(/invitations/\S+)", mailoutbox[-1].body).group(1)


@pytest.fixture
def link(org, owner, client, mailoutbox, django_capture_on_commit_callbacks):
    return invite(org, owner, client, mailoutbox, django_capture_on_commit_callbacks, email="kim@example.com")


def state(org):
    return (
        sorted(Membership.objects.filter(organization=org).values_list("user__username", "level")),
        sorted(Person.objects.filter(organization=org).values_list("name", "user_id")),
        sorted(Invitation.objects.filter(organization=org).values_list("email", "accepted_at", "revoked_at")),
        User.objects.count(),
    )


def test_the_invitation_email_goes_to_the_address_with_the_organization_and_level(
    org, owner, client, mailoutbox, django_capture_on_commit_callbacks
):
    invite(org, owner, client, mailoutbox, django_capture_on_commit_callbacks, email="kim@example.com")
    message = mailoutbox[-1]
    assert message.to == ["kim@example.com"]
    assert "Acme" in message.subject
    assert "as editor" in message.body


def test_a_new_colleague_signs_up_through_the_link_when_sign_up_is_invitation_only(
    org, owner, client, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SIGNUP_MODE = "invitation"
    person = PersonFactory(organization=org, name="Kim Park", email="")
    link = invite(
        org,
        owner,
        client,
        mailoutbox,
        django_capture_on_commit_callbacks,
        email="kim@example.com",
        person=person.pk,
    )
    sent = len(mailoutbox)

    page = client.get(link)
    assert b"Join Acme" in page.content
    response = client.post(
        f"/accounts/signup/?next={link}",
        {
            "email": "kim@example.com",
            "username": "kim",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "next": link,
        },
    )
    # Holding the link proved the address: signed in at once, no verification email.
    assert response.status_code == 302
    assert response.url == link
    assert len(mailoutbox) == sent
    kim = User.objects.get(username="kim")
    assert EmailAddress.objects.get(user=kim).verified

    response = client.post(link)

    assert response.status_code == 302
    assert response.url == reverse("organization-detail", args=[org.slug])
    assert Membership.objects.get(organization=org, user=kim).level == "editor"
    person.refresh_from_db()
    assert person.user == kim
    assert Invitation.objects.get().accepted_by == kim


def test_invitation_only_sign_up_refuses_another_address(org, owner, client, settings, link):
    settings.SIGNUP_MODE = "invitation"
    client.get(link)
    response = client.post(
        "/accounts/signup/",
        {
            "email": "else@example.com",
            "username": "kim",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert b"Sign up with the address your invitation was sent to" in response.content
    assert not User.objects.filter(username="kim").exists()


def test_closed_sign_up_stays_closed_even_with_an_invitation(org, owner, client, settings, link):
    settings.SIGNUP_MODE = "closed"
    client.get(link)
    client.post(
        "/accounts/signup/",
        {"email": "kim@example.com", "username": "kim", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert not User.objects.filter(username="kim").exists()


def test_an_existing_account_with_the_address_joins_after_signing_in(org, owner, client, link):
    kim = UserFactory(username="kim", email="Kim@Example.com")
    client.force_login(kim)
    assert b"Join Acme" in client.get(link).content
    client.post(link)
    assert Membership.objects.get(organization=org, user=kim).level == "editor"


def test_a_member_keeps_a_higher_level_when_accepting(org, owner, client, link):
    kim = UserFactory(username="kim", email="kim@example.com")
    MembershipFactory(organization=org, user=kim, level="owner")
    Invitation.objects.update(level="viewer")
    client.force_login(kim)
    client.post(link)
    assert Membership.objects.get(organization=org, user=kim).level == "owner"


def test_accepting_twice_shows_a_clear_page_and_changes_nothing(org, owner, client, link):
    kim = UserFactory(username="kim", email="kim@example.com")
    client.force_login(kim)
    client.post(link)
    before = state(org)
    response = client.post(link)
    assert response.status_code == 410
    assert b"already been accepted" in response.content
    assert state(org) == before


def test_an_expired_link_shows_a_clear_page_and_changes_nothing(org, owner, client, link):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    kim = UserFactory(username="kim", email="kim@example.com")
    client.force_login(kim)
    before = state(org)
    response = client.post(link)
    assert response.status_code == 410
    assert b"has expired" in response.content
    assert state(org) == before


def test_a_revoked_link_shows_a_clear_page_and_changes_nothing(org, owner, client, link):
    client.force_login(owner)
    client.post(reverse("settings-invitation-revoke", args=[org.slug, Invitation.objects.get().pk]))
    kim = UserFactory(username="kim", email="kim@example.com")
    client.force_login(kim)
    before = state(org)
    response = client.post(link)
    assert response.status_code == 410
    assert b"withdrawn" in response.content
    assert state(org) == before


def test_a_link_for_another_address_refuses_the_signed_in_user_without_naming_the_organization(
    org, owner, client, link
):
    client.force_login(UserFactory(username="lee", email="lee@example.com"))
    before = state(org)
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 403
        assert b"another email address" in response.content
        assert b"Acme" not in response.content
    assert state(org) == before


def test_an_altered_link_is_not_valid_and_names_nothing(org, owner, client, link):
    client.force_login(UserFactory(username="kim", email="kim@example.com"))
    before = state(org)
    response = client.post(link[:-3] + "abc/")
    assert response.status_code == 404
    assert b"not valid" in response.content
    assert b"Acme" not in response.content
    assert state(org) == before


def test_resending_renews_the_expiry_and_sends_the_same_link(
    org, owner, client, link, mailoutbox, django_capture_on_commit_callbacks
):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("settings-invitation-resend", args=[org.slug, Invitation.objects.get().pk]))
    assert Invitation.objects.get().expires_at > timezone.now() + timedelta(days=6)
    assert link in mailoutbox[-1].body


def test_inviting_a_member_or_a_pending_address_again_is_refused(org, owner, editor, client, link):
    client.force_login(owner)
    for email in ("kim@example.com", "KIM@example.com", editor.email):
        response = client.post(
            reverse("settings-invite", args=[org.slug]), {"email": email, "level": "viewer"}
        )
        assert response.status_code == 400
    assert Invitation.objects.count() == 1


def test_a_person_of_another_organization_cannot_be_handed_to_an_invitee(org, owner, outsider, client):
    stranger = PersonFactory(organization=outsider.memberships.get().organization)
    client.force_login(owner)
    response = client.post(
        reverse("settings-invite", args=[org.slug]),
        {"email": "kim@example.com", "level": "viewer", "person": stranger.pk},
    )
    assert response.status_code == 400
    assert stranger.name.encode() not in response.content
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("editor", 403), ("viewer", 403), ("outsider", 404)])
def test_only_owners_invite_resend_and_revoke(org, owner, client, link, who, status, request):
    client.force_login(request.getfixturevalue(who))
    pk = Invitation.objects.get().pk
    before = state(org)
    assert (
        client.post(reverse("settings-invite", args=[org.slug]), {"email": "x@example.com"}).status_code
        == status
    )
    assert client.post(reverse("settings-invitation-resend", args=[org.slug, pk])).status_code == status
    assert client.post(reverse("settings-invitation-revoke", args=[org.slug, pk])).status_code == status
    assert state(org) == before


def test_another_organizations_invitation_id_is_404(org, owner, outsider, client):
    elsewhere = outsider.memberships.get().organization
    theirs = invitation_create(
        organization=elsewhere, email="z@example.com", invited_by=outsider, base_url="http://testserver/"
    )
    client.force_login(owner)
    assert client.post(reverse("settings-invitation-revoke", args=[org.slug, theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_members_page_lists_pending_invitations_to_owners_in_constant_queries(org, owner, client):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("settings-members", args=[org.slug])).status_code == 200
        return len(queries)

    client.force_login(owner)
    invitation_create(organization=org, email="a@example.com", invited_by=owner, base_url="http://t/")
    one = count()
    for n in range(5):
        invitation_create(
            organization=org,
            email=f"b{n}@example.com",
            invited_by=owner,
            base_url="http://t/",
            person=PersonFactory(organization=org, email=""),
        )
    assert count() == one
    page = client.get(reverse("settings-members", args=[org.slug])).content
    assert b"b4@example.com" in page


def test_viewers_do_not_see_invitations(org, owner, viewer, client):
    invitation_create(organization=org, email="secret@example.com", invited_by=owner, base_url="http://t/")
    client.force_login(viewer)
    assert b"secret@example.com" not in client.get(reverse("settings-members", args=[org.slug])).content


def test_pending_invitations_are_one_per_address_in_the_database(org, owner):
    from django.db import IntegrityError, transaction

    invitation_create(organization=org, email="kim@example.com", invited_by=owner, base_url="http://t/")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            organization=org,
            email="KIM@example.com",
            key="other",
            sent_at=timezone.now(),
            expires_at=timezone.now(),
        )
    assert Invitation.objects.filter(Q(email__iexact="kim@example.com")).count() == 1


def test_an_anonymous_post_to_the_link_joins_nobody_and_leads_back_to_the_page(org, owner, client, link):
    before = state(org)
    response = client.post(link)
    assert response.status_code == 302
    assert response.url == link
    assert state(org) == before
