"""At 390 px (a phone), every read-only page fits the screen: no horizontal page scroll. Wide
content (the grid, long tables) scrolls inside its own box."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from raci.management.demo import DEMO_PASSWORD_DEFAULT, demo_seed
from raci.matrices.models import Assignment
from tests.browser.test_editor import cell, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 390, "height": 844}, "has_touch": True}


def read_only_pages(demo) -> dict[str, str]:
    org, matrix = demo.organization.slug, demo.matrix
    person = demo.organization.people.order_by("name").first()
    role = demo.organization.roles.order_by("code").first()
    task = matrix.tasks.order_by("order").first()
    return {
        "organization home": reverse("organization-detail", args=[org]),
        "person": reverse("person-detail", args=[org, person.pk]),
        "role": reverse("role-detail", args=[org, role.pk]),
        "task": reverse("task-detail", args=[org, matrix.pk, task.pk]),
        "search": reverse("search", args=[org]) + "?q=pricing",
        "my responsibilities": reverse("my-responsibilities"),
        "revisions": reverse("revision-list", args=[org, matrix.pk]),
        "revision": reverse("revision-detail", args=[org, matrix.pk, 1]),
        "overlap": reverse("matrix-overlap", args=[org, matrix.pk]),
        "workload": reverse("matrix-workload", args=[org, matrix.pk]),
        "editor": reverse("matrix-detail", args=[org, matrix.pk]),
    }


def test_read_only_pages_have_no_horizontal_scroll_at_390_px(page, live_server, offline):
    demo = demo_seed()
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    too_wide = {}
    for name, path in read_only_pages(demo).items():
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            too_wide[name] = width
    assert too_wide == {}


def test_an_editor_sets_a_letter_by_tapping_a_cell_on_a_phone(page, live_server, offline):
    demo = demo_seed()
    sign_in(page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    page.goto(f"{live_server.url}/o/acme/m/{demo.matrix.pk}/")
    task = demo.matrix.tasks.get(name="Market problems")
    target = cell(page, task, "ENG")
    before = target.text_content().replace("/", "")
    target.tap()
    page.locator("#cell-menu").get_by_role("button", name=re.compile("^I Informed")).tap()
    expect(page.locator("#save-status")).to_have_text("Saved")
    after = Assignment.objects.filter(task=task, role__code="ENG").values_list("letters", flat=True).first()
    assert ("I" in (after or "")) != ("I" in before)
