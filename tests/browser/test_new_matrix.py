"""Starting a matrix from a pasted table, and the editor's forms, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from orgs.models import Role
from raci.management.demo import DEMO_PASSWORD_DEFAULT, demo_seed
from raci.matrices.models import Assignment, Matrix
from tests.browser.test_axe import violations
from tests.browser.test_editor import open_editor, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TSV = "Stage\tTask\tPM\tFINANCE\nPlan\tBudget\tA/R\tC\nPlan\tForecast\tI\tA/R\n"


@pytest.fixture
def demo(db):
    return demo_seed()


def test_pasting_a_table_previews_then_creates_the_matrix_and_the_ticked_role(
    page: Page, live_server, offline, demo
):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    page.goto(f"{live_server.url}/o/acme/new/")
    page.get_by_role("link", name="From a file or a pasted table").click()
    page.get_by_label("Name of the new matrix").fill("Budget cycle")
    page.get_by_label("Or paste a table from Excel or Google Sheets").fill(TSV)
    page.get_by_role("button", name="Preview").click()

    expect(page.get_by_role("heading", name="The matrix that would be created")).to_be_visible()
    expect(page.locator(".preview-grid")).to_contain_text("Forecast")
    expect(page.get_by_label("Create FINANCE")).to_be_checked()
    page.get_by_label("named").fill("Finance")
    assert not Matrix.objects.filter(name="Budget cycle").exists()
    page.get_by_role("button", name="Create the matrix").click()

    expect(page.get_by_role("heading", name="Budget cycle")).to_be_visible()
    assert Role.objects.get(organization__slug="acme", code="FINANCE").name == "Finance"
    matrix = Matrix.objects.get(name="Budget cycle")
    assert (
        Assignment.objects.get(task__matrix=matrix, task__name="Forecast", role__code="FINANCE").letters
        == "AR"
    )


def test_a_bad_pasted_table_shows_its_problem_and_creates_nothing(page: Page, live_server, offline, demo):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    page.goto(f"{live_server.url}/o/acme/new/table/")
    page.get_by_label("Name of the new matrix").fill("Broken")
    page.get_by_label("Or paste a table from Excel or Google Sheets").fill("Task\tPM\nBudget\tZ\n")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("alert")).to_contain_text("Line 2")
    assert not Matrix.objects.filter(name="Broken").exists()


def test_the_add_task_error_is_in_view_next_to_the_form(page: Page, live_server, offline, demo):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    open_editor(page, live_server, demo)
    existing = demo.matrix.tasks.order_by("order").first().name
    form = page.locator("#add-task")
    form.get_by_label("Task").fill(existing)
    form.get_by_role("button", name="Add task").click()
    error = page.locator("#add-task-error")
    expect(error).to_be_visible()
    expect(page.locator("#grid[data-complete]")).to_have_count(1)
    expect(error).to_be_in_viewport()
    expect(form.get_by_label("Task")).to_be_focused()


def test_typing_a_new_stage_says_it_will_be_created(page: Page, live_server, offline, demo):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    open_editor(page, live_server, demo)
    page.locator("#add-task-stage").fill("Aftercare")
    expect(page.locator("#stage-hint")).to_have_text(re.compile("new stage: it will be created"))


def test_the_revision_page_prints_without_navigation_or_buttons(page: Page, live_server, offline, demo):
    from raci.revisions.models import Revision

    revision = Revision.objects.filter(matrix=demo.matrix).order_by("number").first()
    if revision is None:
        pytest.skip("the demo has no revision")
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    page.goto(f"{live_server.url}/o/acme/m/{demo.matrix.pk}/revisions/{revision.number}/")
    page.emulate_media(media="print")
    expect(page.locator("table.grid")).to_be_visible()
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("button").first).to_be_hidden()
    assert (
        page.locator("table.grid thead").evaluate("t => getComputedStyle(t).display") == "table-header-group"
    )


def test_the_table_preview_has_no_axe_violation(axe_page, live_server, demo):
    sign_in(axe_page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    axe_page.goto(f"{live_server.url}/o/acme/new/table/")
    axe_page.get_by_label("Name of the new matrix").fill("Budget cycle")
    axe_page.get_by_label("Or paste a table from Excel or Google Sheets").fill(TSV)
    axe_page.get_by_role("button", name="Preview").click()
    expect(axe_page.get_by_role("heading", name="The matrix that would be created")).to_be_visible()
    assert violations(axe_page) == []
