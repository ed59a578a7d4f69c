"""An owner declares which roles check each other on the roles settings page, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from orgs.models import Membership, Organization
from tests.browser.test_csp import CspWatch
from tests.browser.test_editor import sign_in
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_owner_declares_split_pairs_then_goes_back_to_the_default(page, live_server, offline):
    org = OrganizationFactory(name="Acme", slug="acme")
    user = MembershipFactory(organization=org, level=Membership.Level.OWNER, user__username="olga").user
    user.set_password("a long test password")
    user.save()
    watch = CspWatch(page)
    sign_in(page, live_server, "olga", "a long test password")

    watch.goto(f"{live_server.url}/o/acme/settings/roles/")
    expect(page.get_by_text("PM and PMM", exact=True)).to_be_visible()
    page.get_by_label("Use the default (PM and PMM)").uncheck()
    page.get_by_label("Pairs of roles").fill("PM PMM\nsales cs")
    page.get_by_role("button", name="Save pairs").click()

    expect(page.get_by_text("Roles that check each other: PM and PMM, SALES and CS.")).to_be_visible()
    assert Organization.objects.get(pk=org.pk).rule_settings == {
        "split_pairs": [["PM", "PMM"], ["SALES", "CS"]]
    }

    page.get_by_label("Pairs of roles").fill("PM PMM ENG")
    page.get_by_role("button", name="Save pairs").click()
    expect(page.get_by_text("Line 1: write two role codes")).to_be_visible()

    page.get_by_label("Use the default (PM and PMM)").check()
    page.get_by_role("button", name="Save pairs").click()
    expect(page.get_by_text("Roles that check each other: PM and PMM, the default.")).to_be_visible()
    assert Organization.objects.get(pk=org.pk).rule_settings == {}
