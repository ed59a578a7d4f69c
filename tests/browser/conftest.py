"""Browser tests: Playwright driving Debian's chromium headless against live_server.

Never downloads a browser. Skipped with a reason when chromium is absent, except in CI,
where .ci/run installs it and these tests must run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import IN_CI

# Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable
# from the test body (live_server runs the app in another thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "build" / "screenshots")
)


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or IN_CI:
        return
    skip = pytest.mark.skip(
        reason="chromium is not installed (apt-get install chromium); CI always runs these"
    )
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1440, "height": 1000}}


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=False)
        return path

    return take


@pytest.fixture
def offline(page, live_server):
    """Fail the test if the page asks any host but the live server for anything."""
    foreign: list[str] = []

    def check(request):
        if not request.url.startswith(live_server.url) and not request.url.startswith("data:"):
            foreign.append(request.url)

    page.on("request", check)
    yield foreign
    assert foreign == [], f"the page loaded from other hosts: {foreign}"


AXE = Path(__file__).resolve().parents[2] / "build" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def axe_page(browser):
    if not AXE.exists():
        if IN_CI:
            pytest.fail(f"{AXE} is missing: .ci/run installs it with `make axe`")
        pytest.skip("axe-core is not installed: run `make axe` (npm) to check accessibility")
    # axe is injected as a script the page's Content-Security-Policy would refuse; only this test's
    # browser context lifts it.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1440, "height": 1000})
    yield context.new_page()
    context.close()
