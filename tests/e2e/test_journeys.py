import pytest

from tests.factories import PlannerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_planner_signs_in_and_sees_the_home_page_in_indonesian(page, login):
    PlannerFactory(username="planner", first_name="Nurul")

    login("planner")

    page.get_by_role("heading", name="Selamat datang, Nurul").wait_for()
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("link", name="Perusahaan").first.is_visible()
    # No console error: every asset is self-hosted and allowed by the CSP.
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto("/companies/")
    assert errors == []
    if shot := __import__("os").environ.get("E2E_SCREENSHOT"):
        page.screenshot(path=shot, full_page=True)


def test_a_wrong_password_gets_a_clear_message(page, login):
    PlannerFactory(username="planner")
    login("planner", "salah-sekali")
    # Django's Indonesian "Masukkan nama pengguna dan sandi yang benar ..."
    assert "benar" in page.locator(".alert-danger").inner_text()
    assert page.url.endswith("/accounts/login/")
