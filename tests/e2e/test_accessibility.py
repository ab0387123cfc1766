"""WCAG 2.1 AA on every page of the portal, for every role, at desk and phone widths.

The pages are the permission matrix's (tests/core/test_permissions.py: every named URL has a
row there, so a new page is checked here without further ado): each URL a role may GET is
loaded in Chromium at 1366 and 390 px wide and checked by axe-core, and no page may scroll
sideways at 390 or 320 px. Pages showing a form's errors are checked too.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse

from csrportal.demo.seed import BOUNDARIES
from planning.models import Priority
from tests.core.test_permissions import MATRIX, ROLES
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Named URLs that answer a GET with something other than a page (a file, plain text, a
# fragment drawn into a page: the kelurahan outline, checked inside the program form by the
# journeys).
NOT_PAGES = {
    "insight:village_outline",
    "healthz",
    "planning:import_template",
    "programs:attachment",
    "programs:strategy_file",
    "programs:need_units_export",
    "delivery:evidence",
    "opendata:iati_xml",
    "api:root",
    "api:regions",
    "api:priorities",
    "api:needs",
    "api:programs",
    "api:program",
    "api:villages",
    "api:schema",
    "api:own_programs",
    "api:own_reports",
    "api:own_compliance",
    "api:own_report",
    "api:own_program_reports",
    "opendata:iati_json",
    "opendata:iati_all_xml",
    "opendata:iati_all_json",
    "insight:round_workbook_file",
}
WIDTHS = [1366, 390]
PASSWORD = "correct-horse-battery"


def pages_for(role: str, world) -> list[str]:
    urls = []
    for name, (args, get_statuses, _post) in MATRIX.items():
        if get_statuses[ROLES.index(role)] == 200 and name not in NOT_PAGES:
            urls.append(reverse(name, args=[world.get(a, a) for a in args]))
    return urls


def visit(page, audited, url: str) -> None:
    """Load `url` and wait until axe has reported on it."""
    before = len(audited.reports)
    page.goto(url)
    page.wait_for_function("() => document.readyState === 'complete'", timeout=15_000)
    for _ in range(100):
        if len(audited.reports) > before:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"axe did not report on {url}")


# The elements wider than the screen, to name in the failure (empty when none is).
WIDER_THAN_SCREEN = """() => Array.from(document.querySelectorAll("body *"))
  .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1
    && !e.closest(".table-responsive"))
  .slice(0, 3).map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
    + (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : ""))"""


def sideways(page) -> list[str]:
    if page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"):
        return []
    return page.evaluate(WIDER_THAN_SCREEN) or ["(the page)"]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_meets_wcag_21_aa_for_every_role_at_both_widths(role, world, audited):
    call_command("import_boundaries", str(BOUNDARIES), verbosity=0)  # the map is drawn
    user = world["users"][role]
    if user is not None:
        user.set_password(PASSWORD)
        user.save()
    scrolling = []
    for width in WIDTHS:
        page = audited.page(width=width)
        if user is not None:
            sign_in(page, user.username, PASSWORD)
        for url in pages_for(role, world):
            visit(page, audited, url)
            if width < 576:
                for narrow in (390, 320):
                    page.set_viewport_size({"width": narrow, "height": 800})
                    if wide := sideways(page):
                        scrolling.append((narrow, url, wide))
                page.set_viewport_size({"width": width, "height": 800})
    assert audited.violations() == [], audited.summary()
    assert scrolling == []


FORM_ERRORS = [
    ("officer_a", "programs:create", [], "Simpan draf"),
    ("planner", "planning:need_create", [], "Simpan"),
    ("planner", "planning:import", [], "Periksa berkas"),
    ("officer_a", "companies:edit", ["company"], "Simpan"),
    ("planner", "programs:round_create", [], "Buka putaran dan undang"),
]


@pytest.mark.parametrize(("role", "name", "args", "button"), FORM_ERRORS)
def test_a_form_with_errors_meets_wcag_21_aa(role, name, args, button, world, audited):
    user = world["users"][role]
    user.set_password(PASSWORD)
    user.save()
    for width in WIDTHS:
        page = audited.page(width=width)
        sign_in(page, user.username, PASSWORD)
        page.goto(reverse(name, args=[world[a] for a in args]))
        for field in page.locator("main input[type=text], main input[type=number]").all()[:3]:
            field.fill("x" * 300 if field.get_attribute("type") == "text" else "-1")
        before = len(audited.reports)
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state("load")
        for _ in range(100):
            if len(audited.reports) > before:
                break
            page.wait_for_timeout(100)
    assert audited.violations() == [], audited.summary()


def admin_forms(world) -> list[str]:
    """The add form of every model the operator may add, and the change form of one object of
    every model that has one in the world (its list's first row)."""
    from django.contrib import admin

    urls = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        if model_admin.has_add_permission(_Request(world["users"]["staff"])):
            urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(
                reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            )
    return urls


class _Request:
    def __init__(self, user):
        self.user = user


def test_the_admins_forms_meet_wcag_21_aa_at_both_widths(world, audited):
    """The operator's add and change forms, Django's admin as the portal configures it."""
    staff = world["users"]["staff"]
    staff.set_password(PASSWORD)
    staff.save()
    for width in WIDTHS:
        page = audited.page(width=width)
        sign_in(page, staff.username, PASSWORD)
        for url in admin_forms(world):
            visit(page, audited, url)
    assert audited.violations() == [], audited.summary()


# Tables whose content is wider than their scroller: a figure cut off behind an overlay
# scrollbar (the section that holds each, by its heading).
CLIPPED_TABLES = """() => Array.from(document.querySelectorAll(".table-responsive"))
  .filter((box) => box.scrollWidth > box.clientWidth + 1)
  .map((box) => box.closest("section") ? box.closest("section").getAttribute("aria-labelledby") : "table")"""


@pytest.mark.slow
def test_demo_pages_keep_their_figures_in_view(audited):
    """With the demo's real figures and page counts: at a desk the priority page's tables show
    every column (a gap of 329 once read "32"), the public kelurahan page shows the gap on a
    phone, and the paged lists do not scroll sideways at 320 px."""
    call_command("seed_demo")
    page = audited.page(width=1366)
    sign_in(page, "planner", "demo12345")
    priority = Priority.objects.get(code="RUTILAHU").get_absolute_url()
    visit(page, audited, priority)
    assert page.evaluate(CLIPPED_TABLES) == []

    page.set_viewport_size({"width": 390, "height": 800})
    visit(page, audited, "/public/villages/36.72.04.1002/")
    assert page.evaluate(CLIPPED_TABLES) == []

    for url in ("/programs/?page=2", "/plan/needs/?page=2"):
        page.set_viewport_size({"width": 320, "height": 800})
        visit(page, audited, url)
        assert page.locator(".pagination").count() == 1
        assert sideways(page) == [], url
    assert audited.violations() == [], audited.summary()
