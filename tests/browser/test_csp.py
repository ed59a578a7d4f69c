"""The Content-Security-Policy in a real browser: every page works under it, and nothing it blocks
is asked for — no violation event, no console error, no uncaught script error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from raci.management.demo import DEMO_PASSWORD_DEFAULT, demo_seed
from raci.matrices.models import Assignment, Task
from tests.browser.test_editor import cell, select, settled, sign_in, slashed

pytestmark = pytest.mark.django_db(transaction=True)

# Before any script of the page runs: every violation of the policy is kept in window.__cspViolations.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} blocked ${blocked} at ${where}`);
});
"""


class CspWatch:
    """What the browser reported while the test ran, page by page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _console(self, message) -> None:
        text = message.text
        if message.type == "error" or "Content Security Policy" in text or "Content-Security-Policy" in text:
            self.console.append(f"{message.type}: {text}")

    def violations(self) -> list[str]:
        """The violations of the page shown now (the list starts again with each page)."""
        return self.page.evaluate("window.__cspViolations || []")

    def goto(self, url: str) -> None:
        """Open ``url``, check it carries the policy, and that loading it broke none of it."""
        response = self.page.goto(url)
        assert response is not None, url
        assert response.ok, url
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, (url, policy)
        assert "style-src 'self'" in policy, (url, policy)
        assert "'unsafe-inline'" not in policy, (url, policy)
        self.page.wait_for_load_state("networkidle")
        self.assert_clean(url)

    def assert_clean(self, where: str) -> None:
        assert self.violations() == [], where
        assert self.console == [], where
        assert self.errors == [], where


@pytest.fixture
def watch(page) -> CspWatch:
    return CspWatch(page)


@pytest.fixture
def demo(db):
    return demo_seed()


def test_the_listener_sees_what_the_policy_blocks(page, live_server, watch, demo):
    """The other tests' "no violation" means something: an inline style is blocked and reported."""
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    watch.goto(f"{live_server.url}/")
    page.evaluate("""document.body.insertAdjacentHTML("beforeend", '<p id="x" style="color: red">x</p>')""")
    expect(page.locator("#x")).to_be_attached()
    page.wait_for_function("window.__cspViolations.length > 0")
    assert any("style-src" in violation for violation in watch.violations())
    assert page.locator("#x").evaluate("el => getComputedStyle(el).color") != "rgb(255, 0, 0)"


def test_editing_a_cell_with_the_keyboard_under_the_policy(page, live_server, offline, watch, demo):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    watch.goto(f"{live_server.url}/o/acme/m/{demo.matrix.pk}/")
    task = Task.objects.get(matrix=demo.matrix, name="Market problems")
    select(page, cell(page, task, "SALES"))
    before = cell(page, task, "SALES").text_content().replace("/", "")
    page.keyboard.press("i")
    expect(page.locator("#save-status")).to_have_text("Saved")
    after = cell(page, task, "SALES").text_content().replace("/", "")
    assert "I" in after
    assert after != before
    # The letter menu, opened with the keyboard and placed by script, takes the I off again.
    page.keyboard.press("Enter")
    page.locator("#cell-menu").get_by_role("button", name=re.compile("^I Informed")).click()
    expect(cell(page, task, "SALES")).to_have_text(slashed(after.replace("I", "")))
    settled(page)
    assert Assignment.objects.filter(task=task, role__code="SALES", letters__contains="I").exists() is False
    watch.assert_clean("editor after editing")


def test_the_workload_heat_map_keeps_its_colours(page, live_server, offline, watch, demo):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    watch.goto(f"{live_server.url}/o/acme/m/{demo.matrix.pk}/workload/")
    shaded = page.locator("table.heat td.heat-10")
    expect(shaded.first).to_be_visible()
    # The largest value of a column gets the deepest shade, from the stylesheet.
    assert shaded.first.evaluate("el => getComputedStyle(el).backgroundColor") == "rgba(36, 87, 197, 0.58)"
    unshaded = page.locator("table.heat td.heat-0")
    if unshaded.count():
        assert unshaded.first.evaluate("el => getComputedStyle(el).backgroundColor") in (
            "rgba(0, 0, 0, 0)",
            "transparent",
        )
    watch.assert_clean("workload")


def test_overlap_me_and_revisions_pages_under_the_policy(page, live_server, offline, watch, demo):
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    watch.goto(f"{live_server.url}/o/acme/m/{demo.matrix.pk}/overlap/")
    expect(page.locator("svg[role=img]")).to_be_visible()

    watch.goto(f"{live_server.url}/me/")
    expect(page.get_by_role("heading", name="My responsibilities")).to_be_visible()
    # The htmx action stays on the page and swaps its answer in.
    page.get_by_role("button", name="I have read my responsibilities").first.click()
    expect(page.get_by_text(re.compile("Acknowledged on")).first).to_be_visible()
    watch.assert_clean("/me/ after acknowledging")

    watch.goto(f"{live_server.url}/o/acme/m/{demo.matrix.pk}/revisions/")
    expect(page.get_by_role("heading", name=re.compile("Revisions"))).to_be_visible()


def test_every_other_page_under_the_policy(page, live_server, offline, watch, demo):
    watch.goto(f"{live_server.url}/accounts/login/")
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    organization, matrix = demo.organization, demo.matrix
    person = organization.people.get(name="Ana Alvarez")
    role = organization.roles.get(code="PM")
    task = Task.objects.get(matrix=matrix, name="Market problems")
    for path in (
        "/",
        "/orgs/new/",
        "/o/acme/",
        f"/o/acme/people/{person.pk}/",
        f"/o/acme/roles/{role.pk}/",
        f"/o/acme/m/{matrix.pk}/t/{task.pk}/",
        "/o/acme/search/?q=pricing",
        f"/o/acme/m/{matrix.pk}/what-if/?remove_role=PM",
        f"/o/acme/m/{matrix.pk}/revisions/1/",
        f"/o/acme/m/{matrix.pk}/revisions/compare/",
        f"/o/acme/m/{matrix.pk}/history/",
        f"/o/acme/m/{matrix.pk}/settings/",
        f"/o/acme/m/{matrix.pk}/import/",
        "/o/acme/adopt/",
        "/o/acme/settings/roles/",
        "/o/acme/settings/people/",
        "/o/acme/settings/members/",
        "/o/acme/settings/webhooks/",
        "/account/tokens/",
        "/accounts/password/change/",
    ):
        watch.goto(live_server.url + path)


def test_the_api_docs_under_the_policy(page, live_server, offline, watch, db):
    watch.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("RACI API")
    # The operations are listed, and one opens.
    operation = page.locator(".opblock-summary").first
    expect(operation).to_be_visible()
    operation.click()
    expect(page.locator(".opblock-body").first).to_be_visible()
    watch.assert_clean("API docs")
