"""The shared page in a real browser on a 390 px phone: readable without sideways scrolling, from
this host only, under the Content-Security-Policy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from raci.sharing.services import share_link_create
from tests.browser.test_csp import CspWatch
from tests.builders import matrix_build
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_shared_page_fits_a_390px_phone(browser, live_server, screenshot):
    org = OrganizationFactory(name="Acme", slug="acme")
    names = [f"Agree the launch messaging for product line {i} with every region" for i in range(12)]
    matrix = matrix_build(organization=org, tasks=names, roles=8, fill="sparse", people=True, published=True)
    PersonFactory(organization=org, name="Ana Alvarez-Brooks de la Fuente", roles=[org.roles.first()])
    _, token = share_link_create(
        matrix=matrix, name="Phone", expires_at=timezone.now() + timedelta(days=1), created_by=None
    )
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    foreign: list[str] = []
    page.on(
        "request", lambda r: None if r.url.startswith((live_server.url, "data:")) else foreign.append(r.url)
    )
    watch = CspWatch(page)

    watch.goto(live_server.url + reverse("shared-matrix", args=[token]))

    assert page.locator("h1").inner_text() == matrix.name
    assert page.get_by_text("Ana Alvarez-Brooks de la Fuente").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert foreign == []
    screenshot(page, "shared-page-390px")
    context.close()
