"""Accounts through django-allauth: sign-up with a verified email, login by username or email,
password reset by email, the sign-up modes, login throttling. Every email is read back from the
test backend (locmem)."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a much longer passphrase 42"
User = get_user_model()


def link_in(message) -> str:
    """The path of the one link of this site in an email."""
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def sign_up(client, *, email="new@example.com", username="newbie"):
    return client.post(
        "/accounts/signup/",
        {"email": email, "username": username, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def test_open_sign_up_signs_in_only_after_the_emailed_link_is_confirmed(client, settings, mailoutbox):
    settings.SIGNUP_MODE = "open"
    response = sign_up(client)
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert [message.to for message in mailoutbox] == [["new@example.com"]]

    confirm = link_in(mailoutbox[0])
    assert client.get(confirm).status_code == 200  # a page with a button: a GET confirms nothing
    assert not EmailAddress.objects.get(email="new@example.com").verified
    response = client.post(confirm)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new@example.com").verified
    assert signed_in_user_id(client) == str(User.objects.get(username="newbie").pk)


def test_an_unverified_account_cannot_sign_in(client, settings, mailoutbox):
    settings.SIGNUP_MODE = "open"
    sign_up(client)
    client.logout()
    response = client.post("/accounts/login/", {"login": "newbie", "password": NEW_PASSWORD})
    assert signed_in_user_id(client) is None
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"


def test_sign_up_is_closed_by_default_in_invitation_mode(client, settings):
    settings.SIGNUP_MODE = "invitation"
    response = client.get("/accounts/signup/")
    assert b"Accounts here are by invitation" in response.content
    sign_up(client)
    assert not User.objects.filter(username="newbie").exists()


def test_closed_mode_refuses_sign_up(client, settings):
    settings.SIGNUP_MODE = "closed"
    assert b"created by an administrator" in client.get("/accounts/signup/").content
    sign_up(client)
    assert not User.objects.filter(username="newbie").exists()


def test_the_sign_in_page_offers_sign_up_only_when_it_is_open(client, settings):
    settings.SIGNUP_MODE = "open"
    assert b'href="/accounts/signup/"' in client.get("/accounts/login/").content
    settings.SIGNUP_MODE = "invitation"
    assert b'href="/accounts/signup/"' not in client.get("/accounts/login/").content


@pytest.mark.parametrize("login", ["ana", "ana@example.com", "ANA@example.com"])
def test_existing_accounts_sign_in_by_username_or_email(client, login):
    user = UserFactory(username="ana", email="ana@example.com")
    response = client.post("/accounts/login/", {"login": login, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_a_wrong_password_is_refused_with_a_clear_message(client):
    UserFactory(username="ana")
    response = client.post("/accounts/login/", {"login": "ana", "password": "wrong"})
    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert b"not correct" in response.content


def test_password_reset_by_email_sets_a_new_password(client, mailoutbox):
    user = UserFactory(username="ana", email="ana@example.com")
    client.post("/accounts/password/reset/", {"email": "ana@example.com"})
    assert [message.to for message in mailoutbox] == [["ana@example.com"]]

    form_url = client.get(link_in(mailoutbox[0])).url  # the key moves from the URL to the session
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_answers_as_for_a_known_one(client, mailoutbox):
    user = UserFactory(username="ana", email="ana@example.com")
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response.url == "/accounts/password/reset/done/"
    assert [message.to for message in mailoutbox] == [["nobody@example.com"]]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# Throttling (allauth's rate limits: 5 failures per login in 5 minutes, 20 per address a minute) --


def test_five_wrong_passwords_lock_that_login_even_for_the_right_password(client):
    user = UserFactory(username="ana")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "ana", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "ana", "password": PASSWORD})
    assert signed_in_user_id(client) is None
    assert b"Too many failed sign-in attempts" in response.content
    # Another account from the same address still signs in.
    other = UserFactory(username="ben")
    client.post("/accounts/login/", {"login": "ben", "password": PASSWORD})
    assert signed_in_user_id(client) == str(other.pk)
    assert user.pk != other.pk


def test_an_owner_lifts_a_members_sign_in_lock(client, org, owner):
    ana = MembershipFactory(organization=org, user__username="ana", user__email="ana@example.com").user
    for _ in range(5):
        client.post("/accounts/login/", {"login": "ana", "password": "wrong"})
    helper = Client()
    helper.force_login(owner)
    membership = ana.memberships.get()
    answer = helper.post(f"/o/{org.slug}/settings/members/{membership.pk}/unlock/")
    assert answer.status_code == 302
    client.post("/accounts/login/", {"login": "ana", "password": PASSWORD})
    assert signed_in_user_id(client) == str(ana.pk)


def test_only_an_owner_lifts_a_sign_in_lock(client, org, editor):
    membership = MembershipFactory(organization=org, user__username="ana").user.memberships.get()
    client.force_login(editor)
    assert client.post(f"/o/{org.slug}/settings/members/{membership.pk}/unlock/").status_code == 403


def test_twenty_failures_from_one_address_lock_every_login_from_it(client):
    UserFactory(username="ana")
    for n in range(20):
        client.post("/accounts/login/", {"login": f"guess{n}", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "ana", "password": PASSWORD})
    assert signed_in_user_id(client) is None
    assert b"Too many failed sign-in attempts" in response.content


def test_the_api_token_throttle_is_unchanged(settings):
    assert settings.RACI_THROTTLE_RATES["token"] == "1200/min"
    assert "orgs.api.throttling.TokenThrottle" in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
