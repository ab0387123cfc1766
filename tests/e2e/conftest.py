"""End-to-end journeys in a real Chromium (Debian's package), driven by Playwright.

Playwright's own browser download does not work on intranet machines, so we launch the
system Chromium (CHROMIUM_PATH, default /usr/bin/chromium). Outside CI the journeys are
skipped when it is missing; in CI (CI=true) a missing browser is a failure.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # tests' own set-up are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server):
    # An English browser: the portal must still speak Indonesian by default.
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def login(page):
    def sign_in(username: str, password: str = "correct-horse-battery"):
        page.goto("/accounts/login/")
        page.get_by_label("Nama pengguna").fill(username)
        page.get_by_label("Sandi").fill(password)
        page.get_by_role("button", name="Masuk").click()

    return sign_in


@pytest.fixture
def signed_in(browser, live_server):
    """A new browser session per user: signed_in("planner") returns that user's page."""
    contexts = []

    def open_as(username: str, password: str = "correct-horse-battery"):
        context = browser.new_context(base_url=live_server.url, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/accounts/login/")
        page.get_by_label("Nama pengguna").fill(username)
        page.get_by_label("Sandi").fill(password)
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_as
    for context in contexts:
        context.close()
