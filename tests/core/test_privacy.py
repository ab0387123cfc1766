"""Households' personal data (UU 27/2022) is drawn on two pages only, for two roles only.

Every page of the permission matrix that answers a GET, as every role, its CSV export where it
has one, and both open-data feeds are scanned for the world's household: its head's name, its
masked NIK, and any NIK-shaped number. Only the need's units page and the unit's page show the
household, and only to the region's planner and to the officers of the company whose approved
pledge holds it; each such view is in the audit trail."""

import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from core import tenancy
from tests.core.test_permissions import MATRIX, ROLES

NAME = "Warga Fiktif Matriks"
MASKED = "3672••••••••0001"
NIK_SHAPED = re.compile(r"(?<![\d.])[1-9]\d{15}(?![\d.])")
PERSONAL_PAGES = {"programs:need_units", "programs:unit"}
SEES = {"planner", "officer_a"}  # the region's planner; company A's pledge took the house

PAGES = [
    (name, role)
    for name, (_args, statuses, _posts) in MATRIX.items()
    for role, status in zip(ROLES, statuses, strict=True)
    if status == 200
]


@pytest.mark.parametrize(("name", "role"), PAGES)
def test_no_page_or_export_shows_a_household_to_whom_may_not_see_it(world, client_for, name, role):
    args = MATRIX[name][0]
    with tenancy.serving("36.72"):
        url = reverse(name, args=[world.get(a, a) for a in args])
    client = client_for(world["users"][role])
    page = text_of(client.get(url))
    assert (NAME in page or MASKED in page) == (name in PERSONAL_PAGES and role in SEES), role
    assert not NIK_SHAPED.search(page), NIK_SHAPED.search(page).group(0)
    export = client.get(url, {"export": "csv"})
    if export.get("Content-Type", "").startswith("text/csv"):
        text = text_of(export)
        assert NAME not in text and MASKED not in text and not NIK_SHAPED.search(text)


def text_of(response) -> str:
    body = b"".join(response) if response.streaming else response.content
    return body.decode("utf-8", "replace")


def test_each_view_of_a_household_is_recorded(world, client_for):
    with tenancy.serving("36.72"):
        url = reverse("programs:unit", args=[world["unit"]])
    for role in ("planner", "officer_a", "officer_b"):
        client_for(world["users"][role]).get(url)
    seen = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__about=f"planning.targetunit:{world['unit']}"
    )
    assert sorted(entry.actor.username for entry in seen) == sorted(
        world["users"][role].username for role in ("planner", "officer_a")
    )
    assert all(entry.additional_data["personal_data"] == "unit page" for entry in seen)


@pytest.mark.parametrize("name", ["opendata:iati_xml", "opendata:iati_json"])
def test_open_data_never_names_a_household(world, client, name):
    with tenancy.serving("36.72"):
        response = client.get(reverse(name))
    text = text_of(response)
    assert response.status_code == 200
    assert NAME not in text and MASKED not in text and not NIK_SHAPED.search(text)
