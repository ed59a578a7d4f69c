"""The agreement in a real browser: an owner edits a published matrix, the banner counts the
unpublished changes, a viewer keeps reading the published letters until the owner publishes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from orgs.models import Membership
from raci.management.demo import DEMO_PASSWORD_DEFAULT, demo_seed
from raci.matrices.models import Task
from raci.revisions.models import Acknowledgement
from tests.browser.test_editor import cell, select, sign_in, slashed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_viewer_reads_the_published_letters_until_the_draft_is_published(
    page, browser, live_server, offline, screenshot
):
    demo = demo_seed()
    Membership.objects.create(
        user=UserFactory(username="reader"), organization=demo.organization, level="viewer"
    )
    matrix_url = f"{live_server.url}/o/acme/m/{demo.matrix.pk}/"
    task = Task.objects.get(matrix=demo.matrix, name="Market problems")

    # The owner edits the draft: the banner counts the change at once.
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    page.goto(matrix_url)
    expect(page.locator("#publication")).to_contain_text("no unpublished changes")
    select(page, cell(page, task, "SALES"))
    before = cell(page, task, "SALES").text_content().replace("/", "")
    page.keyboard.press("i")
    expect(page.locator("#save-status")).to_have_text("Saved")
    expect(page.locator("#publication")).to_contain_text("1 unpublished change")
    after = cell(page, task, "SALES").text_content().replace("/", "")
    assert after != before
    screenshot(page, "agreement-draft")

    # A viewer, in another browser, still reads the published letters.
    reader_context = browser.new_context()
    reader = reader_context.new_page()
    sign_in(reader, live_server, "reader", "correct horse battery staple")
    reader.goto(matrix_url)
    expect(reader.locator("#publication")).to_contain_text("Revision 1")
    expect(cell(reader, task, "SALES")).to_have_text(slashed(before))
    screenshot(reader, "agreement-published")
    reader.get_by_role("link", name="See the draft").click()
    expect(cell(reader, task, "SALES")).to_have_text(slashed(after))

    # The owner publishes; the viewer now reads the new letters.
    page.goto(f"{matrix_url}revisions/")
    expect(page.locator(".publish-preview")).to_contain_text("Market problems")
    reason = page.get_by_label("Reason to publish anyway")
    if reason.count():
        reason.fill("Still deciding pricing.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published revision 2.")).to_be_visible()

    reader.goto(matrix_url)
    expect(reader.locator("#publication")).to_contain_text("Revision 2")
    expect(cell(reader, task, "SALES")).to_have_text(slashed(after))
    reader_context.close()


def test_acknowledging_from_my_responsibilities_stays_on_the_page(page, live_server, offline):
    demo = demo_seed()
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    page.goto(f"{live_server.url}/me/")
    expect(page.get_by_role("heading", name="My responsibilities")).to_be_visible()
    expect(page.get_by_text("Market problems").first).to_be_visible()

    page.get_by_role("button", name="I have read my responsibilities").first.click()

    expect(page.get_by_text(re.compile("Acknowledged on")).first).to_be_visible()
    assert page.url == f"{live_server.url}/me/"
    founder = demo.organization.people.get(user__username="demo")
    assert Acknowledgement.objects.filter(person=founder, revision__matrix=demo.matrix).exists()


def test_my_responsibilities_pages_by_matrix_and_acknowledges_a_matrix_of_another_page(
    page, live_server, offline
):
    from orgs.models import Person
    from raci.revisions.services import matrix_publish
    from tests.builders import matrix_build
    from tests.factories import OrganizationFactory

    user = UserFactory(username="reader")
    org = OrganizationFactory(name="Acme", slug="acme-pages")
    Membership.objects.create(user=user, organization=org, level="viewer")
    for i in range(7):
        matrix = matrix_build(organization=org, name=f"Plan {i}", tasks=2, roles=["PM"])
        matrix_publish(matrix=matrix, override_reason="test")
    person = Person.objects.create(organization=org, name="Reader", user=user)
    person.roles.add(org.roles.get(code="PM"))
    sign_in(page, live_server, "reader", "correct horse battery staple")
    page.goto(f"{live_server.url}/me/")
    expect(page.get_by_role("heading", name="Plan 4")).to_be_visible()
    expect(page.get_by_role("heading", name="Plan 5")).to_have_count(0)

    page.get_by_role("link", name="Next matrices →").click()

    expect(page.get_by_role("heading", name="Plan 5")).to_be_visible()
    expect(page.get_by_role("heading", name="Plan 0")).to_have_count(0)
    second = page.url
    # The summary still lists every matrix waiting: Plan 0's button (page 1) works from here.
    page.get_by_role("button", name="I have read my responsibilities").first.click()
    expect(page.get_by_text(re.compile("Acknowledged on")).first).to_be_visible()
    assert page.url == second
    assert Acknowledgement.objects.filter(person=person, revision__matrix__name="Plan 0").exists()
    page.get_by_role("link", name="← Previous matrices").click()
    expect(page.get_by_role("heading", name="Plan 0")).to_be_visible()
