"""Chat channels in a real browser: an owner opens a team channel's page from the list, changes its
events and team, and the list shows the change."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from orgs.models import Membership
from raci.delivery.models import ChatChannel
from tests.browser.test_csp import CspWatch
from tests.browser.test_editor import sign_in
from tests.factories import MembershipFactory, OrganizationFactory, TeamFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_owner_edits_a_channels_events_and_team_from_the_list(page, live_server, offline):
    org = OrganizationFactory(name="Acme", slug="acme")
    product = TeamFactory(organization=org, name="Product")
    TeamFactory(organization=org, name="Mobile", parent=product)
    channel = ChatChannel.objects.create(
        organization=org,
        platform="slack",
        name="#leads",
        url="https://hooks.slack.com/services/T/B/x",
        events=["publication"],
    )
    user = MembershipFactory(organization=org, level=Membership.Level.OWNER, user__username="own").user
    user.set_password("a long test password")
    user.save()
    watch = CspWatch(page)
    sign_in(page, live_server, "own", "a long test password")

    watch.goto(f"{live_server.url}/o/acme/settings/chat/")
    page.get_by_role("link", name="Edit #leads").click()
    page.get_by_label("A matrix is due for its review").check()
    page.get_by_label("People are reminded to acknowledge a published revision").check()
    page.get_by_label("Team").select_option(label="Product / Mobile")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Slack: #leads saved.")).to_be_visible()
    expect(page.locator("#chat-channels td.channel-team")).to_have_text("Product / Mobile")
    channel.refresh_from_db()
    assert channel.events == ["publication", "review.due", "acknowledgement.reminder"]
    assert channel.team.name == "Mobile"
    watch.assert_clean("after editing a channel")
