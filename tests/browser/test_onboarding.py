"""Getting an organization in, in a real browser: a new user signs up and verifies their email,
creates an organization, adds a role and a matrix, invites a colleague; the colleague accepts in a
second browser, signing up through the link, and sees the matrix. Emails are read back from the
test mail backend."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a much longer passphrase 42"


def last_link(live_server, path: str) -> str:
    body = mail.outbox[-1].body
    return re.search(rf"{re.escape(live_server.url)}({re.escape(path)}\S+)", body).group(1)


def fill_sign_up(page, *, email: str, username: str) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()


def test_sign_up_create_an_organization_invite_a_colleague_who_sees_the_matrix(
    page, browser, live_server, offline, settings, mailoutbox, screenshot
):
    settings.SIGNUP_MODE = "open"

    # Sign up and verify the address from the email.
    page.goto(f"{live_server.url}/accounts/signup/")
    fill_sign_up(page, email="founder@globex.example", username="founder")
    expect(page.get_by_role("heading", name=re.compile("Verify", re.I))).to_be_visible()
    page.goto(live_server.url + last_link(live_server, "/accounts/confirm-email/"))
    page.get_by_role("button", name=re.compile("Confirm", re.I)).click()

    # No organization yet: the start page says what to do.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Create your organization").click()
    page.get_by_label("Name").fill("Globex")
    page.get_by_label("Address").fill("globex")
    page.get_by_label("Headcount").fill("12")
    page.get_by_role("button", name="Create organization").click()
    expect(page.get_by_role("heading", name="Globex")).to_be_visible()
    screenshot(page, "onboarding-empty-organization")

    # The empty states lead on: roles first, then a blank matrix.
    page.get_by_role("link", name="Add your roles").click()
    page.get_by_label("Code").fill("PM")
    page.get_by_label("Name").fill("Product manager")
    page.get_by_role("button", name=re.compile("Add", re.I)).click()
    page.goto(f"{live_server.url}/o/globex/")
    page.get_by_role("link", name="Start a blank matrix").click()
    page.get_by_label("Name of the new matrix").fill("Who does what")
    page.get_by_role("button", name="Create matrix").click()
    expect(page.get_by_text("started")).to_be_visible()

    # Invite a colleague by email.
    page.goto(f"{live_server.url}/o/globex/settings/members/")
    invite = page.locator("#invite")
    invite.get_by_label("Email").fill("colleague@globex.example")
    invite.get_by_label("Level").select_option("viewer")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to colleague@globex.example")).to_be_visible()
    link = last_link(live_server, "/invitations/")

    # The colleague, in another browser, accepts by signing up through the link.
    settings.SIGNUP_MODE = "invitation"
    other = browser.new_context()
    colleague = other.new_page()
    colleague.goto(live_server.url + link)
    expect(colleague.get_by_role("heading", name="Join Globex")).to_be_visible()
    colleague.get_by_role("link", name="Create an account").click()
    fill_sign_up(colleague, email="colleague@globex.example", username="colleague")
    colleague.get_by_role("button", name="Join Globex").click()
    expect(colleague.get_by_role("heading", name="Globex")).to_be_visible()
    colleague.get_by_role("link", name="Who does what").first.click()
    expect(colleague.get_by_role("heading", name=re.compile("Who does what"))).to_be_visible()
    screenshot(colleague, "onboarding-colleague-sees-the-matrix")
    other.close()
