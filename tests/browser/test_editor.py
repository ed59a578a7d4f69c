"""The editor in a real browser: sign in, adopt, edit with mouse and keyboard, watch findings."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from frameworks.services import frameworks_load_builtin
from orgs.models import Membership
from raci.management.demo import DEMO_PASSWORD_DEFAULT, demo_seed
from raci.matrices.models import Assignment, Task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))


@pytest.fixture
def demo(db):
    return demo_seed()


def open_editor(page: Page, live_server, demo) -> None:
    page.goto(f"{live_server.url}/o/acme/m/{demo.matrix.pk}/")
    expect(page.locator("#grid")).to_be_visible()


def cell(page: Page, task: Task, code: str):
    return page.locator(f"#cell-{task.pk}-{code}")


def test_adopting_a_framework_then_editing_a_cell_with_the_mouse(page, live_server, offline, demo):
    frameworks_load_builtin()
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    page.goto(f"{live_server.url}/o/acme/adopt/")
    page.get_by_role("link", name="Product launch").first.click()
    page.get_by_label("Name of the new matrix").fill("Spring launch")
    page.get_by_role("button", name="Create the matrix").click()
    expect(page.get_by_role("heading", name="Spring launch")).to_be_visible()

    task = Task.objects.get(matrix__name="Spring launch", name="Announcement")
    target = cell(page, task, "ENG")
    before = target.get_attribute("data-letters")
    target.click()
    page.locator("#cell-menu").get_by_role("button", name=re.compile("^I Informed")).click()
    expect(cell(page, task, "ENG")).to_have_attribute("data-letters", "I" if before != "I" else "")
    expect(page.locator("#save-status")).to_have_text("Saved")
    assert Assignment.objects.filter(task=task, role__code="ENG", letters="I").exists() == (before != "I")


def test_keyboard_editing_and_the_no_accountable_badge(page, live_server, offline, demo, screenshot):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    open_editor(page, live_server, demo)
    screenshot(page, "editor")
    task = Task.objects.get(matrix=demo.matrix, name="Market problems")
    badge = page.locator(f"#badge-{task.pk}")
    expect(badge).not_to_contain_text("has no Accountable")

    # PM holds A/R on "Market problems": clear it with the keyboard, and the row says nobody is accountable.
    cell(page, task, "PM").locator("button").focus()
    page.keyboard.press("Delete")
    expect(cell(page, task, "PM")).to_have_attribute("data-letters", "")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("a")  # PMM: C -> A (A may not share a cell with C, so it replaces it)
    expect(cell(page, task, "PMM")).to_have_attribute("data-letters", "A")
    expect(badge).not_to_contain_text("has no Accountable")
    page.keyboard.press("a")  # toggles A off again: nobody is accountable now
    expect(cell(page, task, "PMM")).to_have_attribute("data-letters", "")
    expect(badge).to_contain_text("has no Accountable")
    expect(page.locator("#findings")).to_contain_text("'Market problems' has no Accountable role")

    page.keyboard.press("ArrowLeft")
    page.keyboard.press("a")
    page.keyboard.press("r")
    expect(cell(page, task, "PM")).to_have_attribute("data-letters", "AR")
    expect(badge).not_to_contain_text("has no Accountable")
    assert Assignment.objects.get(task=task, role__code="PM").letters == "AR"


def test_a_conflicting_edit_shows_the_other_persons_letters(page, live_server, demo):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    open_editor(page, live_server, demo)
    task = Task.objects.get(matrix=demo.matrix, name="Asset assessment")
    # Someone else sets the cell after this page was loaded.
    from raci.matrices.cells import assignment_set

    assignment_set(matrix=demo.matrix, task=task, role=demo.organization.roles.get(code="CS"), letters="I")
    cell(page, task, "CS").locator("button").focus()
    page.keyboard.press("c")
    expect(cell(page, task, "CS")).to_have_attribute("data-state", "conflict")
    expect(cell(page, task, "CS")).to_have_attribute("data-letters", "I")
    expect(page.locator("#save-status")).to_contain_text("Someone else changed this cell")


def test_a_viewer_cannot_edit(page, live_server, demo):
    viewer = UserFactory(username="reader")
    Membership.objects.create(user=viewer, organization=demo.organization, level="viewer")
    sign_in(page, live_server, "reader", "correct horse battery staple")
    open_editor(page, live_server, demo)
    expect(page.locator(".cell-btn")).to_have_count(0)
    expect(page.locator("#cell-menu")).to_have_count(0)
    expect(page.get_by_role("heading", name="Add a task")).to_have_count(0)


def test_person_and_overlap_pages_render(page, live_server, offline, demo, screenshot):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    founder = demo.organization.people.get(name="Ana Alvarez")
    page.goto(f"{live_server.url}/o/acme/people/{founder.pk}/")
    expect(page.get_by_role("heading", name="Ana Alvarez")).to_be_visible()
    screenshot(page, "person")
    page.goto(f"{live_server.url}/o/acme/m/{demo.matrix.pk}/overlap/")
    expect(page.locator("svg[role=img]")).to_be_visible()
    screenshot(page, "overlap")


def test_api_docs_render_without_loading_anything_from_other_hosts(page, live_server, offline, db):
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("RACI API")


def test_the_letter_menu_is_hidden_until_a_cell_is_clicked_and_after_escape(page, live_server, demo):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    open_editor(page, live_server, demo)
    menu = page.locator("#cell-menu")
    expect(menu).to_be_hidden()
    task = Task.objects.get(matrix=demo.matrix, name="Market problems")
    cell(page, task, "ENG").click()
    expect(menu).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
