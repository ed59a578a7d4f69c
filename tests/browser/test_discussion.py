"""Discussion in a real browser: from the editor, open a cell's thread, post a comment, and find the
cell marked in the editor afterwards; under the page's Content-Security-Policy, nothing from elsewhere."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from raci.discussion.models import Thread
from raci.management.demo import DEMO_PASSWORD_DEFAULT, demo_seed
from tests.browser.test_csp import CspWatch
from tests.browser.test_editor import cell, open_editor, select, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(db):
    return demo_seed()


def test_discussing_a_cell_from_the_editor_marks_the_cell(page: Page, live_server, offline, demo, screenshot):
    watch = CspWatch(page)
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    open_editor(page, live_server, demo)
    task = demo.matrix.tasks.filter(archived=False).order_by("order", "id").first()
    code = demo.matrix.columns.order_by("order").first().role.code
    target = cell(page, task, code)
    expect(target).not_to_have_class("discussed")

    select(page, target)
    link = page.locator("#discuss-cell")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", re.compile(rf"\?task={task.pk}&role={code}$"))
    link.click()
    expect(page.get_by_role("heading", name=f"Start a thread on {task.name} × {code}")).to_be_visible()
    page.get_by_label("Comment").fill("Should this be <b>ours</b>? @demo")
    page.get_by_role("button", name="Start thread").click()

    expect(page.locator(".comment-body").first).to_have_text("Should this be <b>ours</b>? @demo")
    thread = Thread.objects.get(task=task, role__code=code)
    assert thread.comments.get().body == "Should this be <b>ours</b>? @demo"

    open_editor(page, live_server, demo)
    marked = cell(page, task, code)
    expect(marked).to_have_class(re.compile(r"\bdiscussed\b"))
    expect(marked).to_have_attribute("data-threads", "1")
    # The demo's own open thread on pricing, and this one.
    expect(page.locator("#discussion-open")).to_have_text("(2 open threads)")
    screenshot(page, "discussion-badge")
    watch.assert_clean("editor with a discussed cell")
