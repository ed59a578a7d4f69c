"""axe-core finds no accessibility violation on the product's pages.

axe-core is a development asset from the npm registry, installed by `make axe` into build/axe (git-ignored,
never committed, never fetched while the tests run). Without it this test is skipped, except in CI, where
.ci/run installs it first.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from raci.discussion.services import thread_start
from raci.management.demo import DEMO_PASSWORD_DEFAULT, demo_seed
from tests.browser.conftest import AXE
from tests.browser.test_editor import sign_in
from tests.browser.test_phone import read_only_pages

pytestmark = pytest.mark.django_db(transaction=True)


def violations(page) -> list[tuple[str, int, list[str]]]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map((v) => [v.id, v.nodes.length, v.nodes.slice(0, 3).map((n) => n.target.join(" "))])"""
    )


def test_axe_finds_no_violation_on_any_page(axe_page, live_server):
    demo = demo_seed()
    sign_in(axe_page, live_server, "demo", DEMO_PASSWORD_DEFAULT)
    task = demo.matrix.tasks.order_by("order").first()
    code = demo.matrix.columns.order_by("order").first().role.code
    thread = thread_start(
        matrix=demo.matrix,
        task_id=task.pk,
        role_code=code,
        body="Ours?",
        author=get_user_model().objects.get(username="demo"),
    )
    pages = {
        **read_only_pages(demo),
        "discussion": f"/o/acme/m/{demo.matrix.pk}/discussion/?state=all",
        "thread": f"/o/acme/m/{demo.matrix.pk}/discussion/{thread.pk}/",
        "history": f"/o/acme/m/{demo.matrix.pk}/history/",
        "import": f"/o/acme/m/{demo.matrix.pk}/import/",
        "settings": f"/o/acme/m/{demo.matrix.pk}/settings/",
        "new matrix": "/o/acme/new/",
        "new matrix from a table": "/o/acme/new/table/",
    }
    found = {}
    for name, path in pages.items():
        axe_page.goto(live_server.url + path)
        if name == "editor":
            axe_page.locator("#grid[data-complete]").wait_for(state="attached")
        if problems := violations(axe_page):
            found[name] = problems
    assert found == {}
