"""The README's screenshots at a phone's width, from the demo data.

Skipped unless SCREENSHOTS names a folder: SCREENSHOTS=docs/screenshots make test
PYTEST_ARGS=tests/e2e/test_screenshots.py
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from planning.models import Priority
from programs.models import Program
from tests.e2e.conftest import sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("SCREENSHOTS"), reason="SCREENSHOTS is not set"),
]


def test_phone_screenshots_of_the_program_form_and_the_priority_page(audited):
    folder = Path(os.environ["SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    call_command("seed_demo")
    draft = Program.objects.filter(
        status__in=Program.EDITABLE, company__name="PT Krakatau Posco"
    ).first()
    shots = [
        ("officer", f"/programs/{draft.pk}/edit/", "program-form-390.png"),
        ("planner", Priority.objects.get(code="RUTILAHU").get_absolute_url(), "priority-390.png"),
    ]
    for username, url, name in shots:
        page = audited.page(width=390, height=844)
        sign_in(page, username, "demo12345")
        page.goto(url)
        page.screenshot(path=str(folder / name), full_page=True)
    assert audited.violations() == [], audited.summary()


def test_desk_screenshots_of_the_dashboard_and_the_equity_map(audited):
    folder = Path(os.environ["SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    call_command("seed_demo")
    page = audited.page(width=1366, height=900)
    page.goto("/public/map/")
    page.screenshot(path=str(folder / "equity-map.png"))
    sign_in(page, "planner", "demo12345")
    page.goto("/")
    page.screenshot(path=str(folder / "dashboard.png"), full_page=True)
    assert audited.violations() == [], audited.summary()
