"""The editor in a real browser: sign in, adopt, edit with mouse and keyboard, watch findings."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from frameworks.services import frameworks_load_builtin
from orgs.models import Membership
from raci.management.demo import DEMO_PASSWORD_DEFAULT, demo_seed
from raci.matrices.cells import assignment_set
from raci.matrices.models import Assignment, ChangeRecord, Task
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
    """A cell of the editor: the task's row, the role's column (a cell carries nothing but its letters)."""
    codes = page.locator("#grid thead th[data-role]").evaluate_all("ths => ths.map(th => th.dataset.role)")
    return page.locator(f"#task-{task.pk} > td").nth(codes.index(code))


def select(page: Page, target) -> None:
    """Put the grid's cursor on a cell as a user does: click it, close the letter menu."""
    target.click()
    page.keyboard.press("Escape")
    expect(target).to_be_focused()


def settled(page: Page) -> None:
    """Wait until the server has answered every change on screen (cells show letters at once)."""
    expect(page.locator("#grid[data-saving]")).to_have_count(0)


def slashed(letters: str) -> str:
    """How a cell writes its letters: "AR" -> "A/R"."""
    return "/".join(letters)


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
    before = target.text_content().replace("/", "")
    target.click()
    page.locator("#cell-menu").get_by_role("button", name=re.compile("^I Informed")).click()
    expect(cell(page, task, "ENG")).to_have_text(slashed("I" if before != "I" else ""))
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
    select(page, cell(page, task, "PM"))
    page.keyboard.press("Delete")
    expect(cell(page, task, "PM")).to_have_text(slashed(""))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("a")  # PMM: C -> A (A may not share a cell with C, so it replaces it)
    expect(cell(page, task, "PMM")).to_have_text(slashed("A"))
    expect(badge).not_to_contain_text("has no Accountable")
    page.keyboard.press("a")  # toggles A off again: nobody is accountable now
    expect(cell(page, task, "PMM")).to_have_text(slashed(""))
    expect(badge).to_contain_text("has no Accountable")
    expect(page.locator("#findings")).to_contain_text("'Market problems' has no Accountable role")

    page.keyboard.press("ArrowLeft")
    page.keyboard.press("a")
    page.keyboard.press("r")
    expect(cell(page, task, "PM")).to_have_text(slashed("AR"))
    expect(badge).not_to_contain_text("has no Accountable")
    settled(page)
    assert Assignment.objects.get(task=task, role__code="PM").letters == "AR"


def test_a_conflicting_edit_shows_the_other_persons_letters(page, live_server, demo):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    open_editor(page, live_server, demo)
    task = Task.objects.get(matrix=demo.matrix, name="Asset assessment")
    # Someone else sets the cell after this page was loaded.
    assignment_set(matrix=demo.matrix, task=task, role=demo.organization.roles.get(code="CS"), letters="I")
    select(page, cell(page, task, "CS"))
    page.keyboard.press("c")
    expect(cell(page, task, "CS")).to_have_attribute("data-state", "conflict")
    expect(cell(page, task, "CS")).to_have_text(slashed("I"))
    expect(page.locator("#save-status")).to_contain_text("Someone else changed this cell")


def test_a_viewer_cannot_edit(page, live_server, demo):
    viewer = UserFactory(username="reader")
    Membership.objects.create(user=viewer, organization=demo.organization, level="viewer")
    sign_in(page, live_server, "reader", "correct horse battery staple")
    open_editor(page, live_server, demo)
    expect(page.locator("#grid[data-editable]")).to_have_count(0)
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


def paste(page: Page, text: str) -> None:
    """What the browser does on Ctrl+V with ``text`` on the clipboard."""
    page.evaluate(
        """(text) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            const event = new ClipboardEvent("paste", {clipboardData: data, bubbles: true});
            document.activeElement.dispatchEvent(event);
        }""",
        text,
    )


def grid_tasks(demo) -> list[Task]:
    return list(Task.objects.filter(matrix=demo.matrix, archived=False).order_by("order", "id"))


def grid_codes(page: Page) -> list[str]:
    return page.locator("#grid thead th[data-role]").evaluate_all("ths => ths.map(th => th.dataset.role)")


def test_a_range_selected_with_shift_and_arrows_takes_a_pasted_3_by_4_block_as_one_batch(
    page, live_server, offline, demo
):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    open_editor(page, live_server, demo)
    tasks, codes = grid_tasks(demo)[:3], grid_codes(page)[:4]
    select(page, cell(page, tasks[0], codes[0]))
    for key in (
        "Shift+ArrowDown",
        "Shift+ArrowDown",
        "Shift+ArrowRight",
        "Shift+ArrowRight",
        "Shift+ArrowRight",
    ):
        page.keyboard.press(key)
    expect(page.locator('#grid td[aria-selected="true"]')).to_have_count(12)
    version = demo.matrix.version

    # As Excel and Google Sheets put it on the clipboard: tabs between cells, CRLF between rows.
    paste(page, "A/R\tC\t\tI\r\nR\ta, r\tI\tc\r\n\ti\tC\tR\r\n")

    expect(page.locator("#save-status")).to_contain_text("Saved")
    expected = [["AR", "C", "", "I"], ["R", "AR", "I", "C"], ["", "I", "C", "R"]]
    for task, row in zip(tasks, expected, strict=True):
        for code, letters in zip(codes, row, strict=True):
            expect(cell(page, task, code)).to_have_text(slashed(letters))
    stored = {
        (a.task_id, a.role.code): a.letters
        for a in Assignment.objects.filter(task__in=tasks, role__code__in=codes).select_related("role")
    }
    assert stored == {
        (task.pk, code): letters
        for task, row in zip(tasks, expected, strict=True)
        for code, letters in zip(codes, row, strict=True)
        if letters
    }
    demo.matrix.refresh_from_db()
    assert demo.matrix.version == version + 1


def test_a_pasted_cell_with_a_letter_outside_the_scheme_changes_nothing_and_says_why(page, live_server, demo):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    open_editor(page, live_server, demo)
    task, code = grid_tasks(demo)[0], grid_codes(page)[0]
    before = cell(page, task, code).text_content()
    select(page, cell(page, task, code))
    paste(page, "R\tX\n")
    expect(page.locator("#save-status")).to_contain_text('Nothing pasted: "X"')
    expect(cell(page, task, code)).to_have_text(before)


def stored(task: Task, code: str) -> str:
    return (
        Assignment.objects.filter(task=task, role__code=code).values_list("letters", flat=True).first() or ""
    )


def test_undo_and_redo_of_my_last_batch_go_through_the_writer(page, live_server, offline, demo):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    open_editor(page, live_server, demo)
    task = Task.objects.get(matrix=demo.matrix, name="Market problems")
    target = cell(page, task, "ENG")
    before = target.text_content().replace("/", "")
    select(page, target)
    page.keyboard.press("Delete" if before else "i")
    settled(page)
    expect(page.locator("#save-status")).to_have_text("Saved")
    changed = "" if before else "I"
    assert stored(task, "ENG") == changed

    page.keyboard.press("Control+z")
    settled(page)
    expect(page.locator("#save-status")).to_have_text("Saved")
    expect(target).to_have_text(slashed(before))
    assert stored(task, "ENG") == before

    page.keyboard.press("Control+Shift+z")
    settled(page)
    expect(page.locator("#save-status")).to_have_text("Saved")
    expect(target).to_have_text(slashed(changed))
    assert stored(task, "ENG") == changed
    history = ChangeRecord.objects.filter(matrix=demo.matrix, kind="cell", task=task, role_code="ENG")
    assert history.count() == 3


def test_clicking_a_finding_focuses_and_highlights_its_row_in_view(page, live_server, offline, demo):
    task = Task.objects.get(matrix=demo.matrix, name="Market problems")
    assignment_set(matrix=demo.matrix, task=task, role=demo.organization.roles.get(code="PM"), letters="R")
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    open_editor(page, live_server, demo)
    page.locator("#findings").get_by_role("link", name="'Market problems' has no Accountable role").click()
    head = page.locator(f"#task-{task.pk} > th")
    expect(head).to_be_focused()
    expect(head).to_have_class(re.compile("highlight"))
    expect(head).to_be_in_viewport()


def test_rows_after_the_first_screen_arrive_and_can_be_edited(page, live_server, offline, demo, build_matrix):
    big = build_matrix(
        organization=demo.organization, tasks=120, roles=["PM", "PMM"], name="Big", stages="Market"
    )
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    page.goto(f"{live_server.url}/o/acme/m/{big.pk}/")
    expect(page.locator("#grid[data-complete]")).to_be_attached()
    expect(page.locator("#grid tr[data-task]")).to_have_count(120)
    last = Task.objects.get(matrix=big, name="Task 119")
    select(page, cell(page, last, "PMM"))
    page.keyboard.press("c")
    settled(page)
    expect(page.locator("#save-status")).to_have_text("Saved")
    assert Assignment.objects.get(task=last, role__code="PMM").letters == "C"


def test_ctrl_c_copies_the_selected_range_as_tab_separated_letters(page, live_server, demo):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    open_editor(page, live_server, demo)
    tasks, codes = grid_tasks(demo)[:2], grid_codes(page)[:2]
    select(page, cell(page, tasks[0], codes[0]))
    page.keyboard.press("Shift+ArrowDown")
    page.keyboard.press("Shift+ArrowRight")
    copied = page.evaluate(
        """() => {
            const data = new DataTransfer();
            const event = new ClipboardEvent("copy", {clipboardData: data, bubbles: true});
            document.activeElement.dispatchEvent(event);
            return data.getData("text/plain");
        }"""
    )
    expected = "\n".join("\t".join(slashed(stored(task, code)) for code in codes) for task in tasks)
    assert copied == expected
