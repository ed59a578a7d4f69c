"""The README's screenshots: the demo served from a fresh SQLite database, captured by Debian's chromium.

    .venv/bin/python bench/screenshots.py        (or: make screenshots)

Writes docs/img/editor-desktop.png (the editor at 1440 x 900) and docs/img/phone-who-does-what.png
(at 390 px: "who owns pricing?" searched, and the task found, with who does what on it).
Nothing is fetched from another host: the database is build/screenshots.sqlite3, rebuilt on every
run with `migrate`, `load_frameworks` and `seed_demo`, then served by `runserver` on a free local
port.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "img"
DATABASE = ROOT / "build" / "screenshots.sqlite3"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
# Each PNG stays under this many bytes (the README is read on slow connections too).
MAX_BYTES = 300_000


def main() -> int:
    # Settings for this script's own imports (the demo's login, the browser's flags): the same
    # database as the server it starts.
    os.environ.update(
        DEBUG="true", DATABASE_URL=f"sqlite:///{DATABASE}", DJANGO_SETTINGS_MODULE="raci.settings"
    )
    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from raci.management.demo import DEMO_PASSWORD_DEFAULT, DEMO_USERNAME
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    OUT.mkdir(parents=True, exist_ok=True)
    DATABASE.parent.mkdir(parents=True, exist_ok=True)
    DATABASE.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{DATABASE}",
        "LOG_LEVEL": "ERROR",
        "CELERY_BROKER_URL": "",
    }
    for command in (
        ["migrate", "--noinput", "--verbosity", "0"],
        ["load_frameworks", "--verbosity", "0"],
        ["seed_demo"],
    ):
        subprocess.run(
            [PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            desktop = chromium.new_context(viewport={"width": 1440, "height": 900})
            page = desktop.new_page()
            sign_in(page, base, DEMO_USERNAME, DEMO_PASSWORD_DEFAULT)
            page.goto(f"{base}/o/acme/")
            page.locator("a[href*='/m/']").first.click()
            page.locator("#grid[data-complete]").wait_for(state="attached")
            page.locator("#grid tr[data-task] > td").nth(2).click()
            page.keyboard.press("Escape")
            page.mouse.move(0, 0)
            shoot(page, "editor-desktop.png")

            phone = chromium.new_context(
                viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
            )
            page = phone.new_page()
            sign_in(page, base, DEMO_USERNAME, DEMO_PASSWORD_DEFAULT)
            # "Who owns pricing?" typed in the search box, then the task it finds: who does what on it.
            page.goto(f"{base}/o/acme/search/?q=pricing")
            page.locator("main").get_by_role("link", name="Pricing").first.click()
            top = page.locator("main h1").evaluate("h => h.getBoundingClientRect().top + window.scrollY")
            page.mouse.wheel(0, top - 12)
            page.wait_for_timeout(300)
            shoot(page, "phone-who-does-what.png")
            chromium.close()
    finally:
        server.terminate()
        server.wait()
    return 0


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/**")


def shoot(page, name: str) -> None:
    path = OUT / name
    page.screenshot(path=str(path), full_page=False)
    size = path.stat().st_size
    print(f"{path.relative_to(ROOT)}: {size / 1000:.0f} kB")
    if size > MAX_BYTES:
        raise SystemExit(f"{name} is {size:,} bytes, over {MAX_BYTES:,}: shrink the viewport")


if __name__ == "__main__":
    sys.exit(main())
