"""End-to-end journeys in a real Chromium (Debian's package), driven by Playwright.

Playwright's own browser download does not work on intranet machines, so we launch the
system Chromium (CHROMIUM_PATH, default /usr/bin/chromium). Outside CI the journeys are
skipped when it is missing; in CI (CI=true) a missing browser is a failure.

Every page any journey loads is checked by axe-core (WCAG 2.1 A and AA) as it loads: the
checker is injected into each browser context (installed from npm by `make install`, never a
CDN; the context bypasses the CSP for it, the portal's own CSP stays on) and reports through
the console; a journey fails on any violation.
"""

import json
import os
import shutil
from pathlib import Path

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
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Runs in every page after it loads; the results come back through the console.
AXE_RUNNER = """
window.addEventListener("load", () => {
  axe.run(document, {runOnly: {type: "tag", values: WCAG_TAGS}, resultTypes: ["violations"]})
    .then((result) => console.log("AXE " + JSON.stringify({
      url: location.pathname + location.search,
      violations: result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
      })),
    })));
});
""".replace("WCAG_TAGS", json.dumps(WCAG_21_AA))


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"axe-core not found at {AXE}: run make install (npm ci)")
        pytest.skip("axe-core is not installed (make install runs npm ci)")
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


class Audited:
    """Browser contexts whose every page load is checked by axe-core."""

    def __init__(self, browser, base_url: str):
        self.browser, self.base_url = browser, base_url
        self.contexts, self.reports = [], []

    def context(self, width: int = 1280, height: int = 800):
        # An English browser: the portal must still speak Indonesian by default.
        context = self.browser.new_context(
            base_url=self.base_url,
            locale="en-US",
            viewport={"width": width, "height": height},
            bypass_csp=True,  # for the injected checker only; the pages keep their CSP
        )
        context.add_init_script(AXE.read_text() + AXE_RUNNER)
        self.contexts.append(context)
        return context

    def page(self, width: int = 1280, height: int = 800):
        page = self.context(width, height).new_page()
        page.set_default_timeout(15_000)
        page.on("console", self._listen)
        return page

    def _listen(self, message):
        if message.text.startswith("AXE "):
            self.reports.append(json.loads(message.text[4:]))

    def violations(self) -> list[dict]:
        return [
            {"url": report["url"], **violation}
            for report in self.reports
            for violation in report["violations"]
        ]

    def summary(self) -> str:
        """One line per violation and page: what, how bad, where (the first nodes)."""
        return "\n".join(
            f"{v['id']} ({v['impact']}) {v['url']}: {v['help']} -> {'; '.join(v['nodes'])}"
            for v in self.violations()
        )

    def close(self):
        if report := os.environ.get("A11Y_REPORT"):  # every violation, for whoever fixes them
            with open(report, "a") as out:
                out.write(self.summary() + "\n")
        for context in self.contexts:
            context.close()


@pytest.fixture
def audited(browser, live_server):
    audit = Audited(browser, live_server.url)
    yield audit
    audit.close()


@pytest.fixture
def page(audited):
    page = audited.page()
    yield page
    assert audited.violations() == [], audited.summary()


def sign_in(page, username: str, password: str = "correct-horse-battery"):
    page.goto("/accounts/login/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


@pytest.fixture
def login(page):
    def log_in(username: str, password: str = "correct-horse-battery"):
        sign_in(page, username, password)

    return log_in


@pytest.fixture
def signed_in(audited, live_server):
    """A new browser session per user: signed_in("planner") returns that user's page."""

    def open_as(username: str, password: str = "correct-horse-battery"):
        page = audited.page()
        sign_in(page, username, password)
        page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_as
    assert audited.violations() == [], audited.summary()


def tegal_ratu(*, planner: bool = True):
    """The journeys' world: Cilegon's regions and plan, its Rutilahu priority with the 40
    houses Tegal Ratu needs, PT Krakatau Posco with its officer ("officer") and, unless told
    otherwise, a planner ("planner"). Returns the need and the company."""
    from csrportal.demo.seed import seed_regions
    from regions.models import Region
    from tests.factories import (
        MembershipFactory,
        NeedFactory,
        PlanFactory,
        PlannerFactory,
        PriorityFactory,
    )

    seed_regions()
    rutilahu = PriorityFactory(plan=PlanFactory(), code="RUTILAHU", title="Rutilahu")
    need = NeedFactory(
        priority=rutilahu,
        village=Region.objects.get(code="36.72.04.1002"),
        title="Rutilahu Tegal Ratu",
        quantity=40,
    )
    company = MembershipFactory(user__username="officer", company__name="PT Krakatau Posco").company
    if planner:
        PlannerFactory(username="planner")
    return need, company
