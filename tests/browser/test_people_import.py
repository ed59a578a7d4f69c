"""Importing people in a real browser: from the people page, a file, its preview, then apply."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from orgs.models import Membership, Person
from tests.browser.test_csp import CspWatch
from tests.browser.test_editor import sign_in
from tests.factories import MembershipFactory, OrganizationFactory, RoleFactory

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    b"Name,Email,Title,Roles,Active\n"
    b"Ana Alvarez,ana@acme.example,CPO,PM;PMM,yes\n"
    b"Ben Okafor,ben@acme.example,,PMM,yes\n"
)


def test_an_editor_previews_and_applies_a_people_file(page, live_server, offline):
    org = OrganizationFactory(name="Acme", slug="acme")
    for code in ("PM", "PMM"):
        RoleFactory(organization=org, code=code)
    user = MembershipFactory(organization=org, level=Membership.Level.EDITOR, user__username="ed").user
    user.set_password("a long test password")
    user.save()
    watch = CspWatch(page)
    sign_in(page, live_server, "ed", "a long test password")

    watch.goto(f"{live_server.url}/o/acme/settings/people/")
    page.get_by_role("link", name="Import people from a CSV or XLSX file").click()
    page.get_by_label("CSV or XLSX file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": CSV}
    )
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name="Added (2)")).to_be_visible()
    assert not Person.objects.filter(organization=org).exists()
    page.get_by_role("button", name="Apply these changes").click()

    expect(page.get_by_text("Imported: 2 added, 0 updated, 0 deactivated")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Ana Alvarez CPO")).to_be_visible()
    assert Person.objects.get(organization=org, email="ana@acme.example").title == "CPO"
    watch.assert_clean("after the import")
