"""Each region in its own words: "kota" or "kabupaten", "kelurahan" or "desa" (both where its
villages mix), from the codes; a "desa" header imports as a "kelurahan" one."""

import pytest

from core import tenancy
from planning.imports import preview_needs
from regions.models import Region, ServedRegion, village_word
from tests.factories import NeedFactory, PlanFactory, PlannerFactory, PriorityFactory


@pytest.fixture
def serang(outside_village):
    """Kabupaten Serang, served: a regency of desa."""
    city = Region.objects.get(code="36.04")
    ServedRegion.objects.create(region=city)
    priority = PriorityFactory(plan=PlanFactory(city=city, title="RPJMD Serang"), code="RTLH")
    NeedFactory(priority=priority, village=outside_village, quantity=4, title="RTLH Kamasan")
    return city


def test_the_village_word_follows_the_codes():
    assert village_word({"kelurahan": 43}) == "kelurahan"
    assert village_word({"desa": 54}) == "desa"
    assert village_word({"desa": 239, "kelurahan": 9}) == "desa/kelurahan"  # Batang
    assert village_word({"desa": 2, "kelurahan": 5}) == "kelurahan/desa"
    assert village_word({}) == "kelurahan"


def test_a_regency_of_desa_is_spoken_of_as_such(client, client_for, serang, plan):
    planner = client_for(PlannerFactory(username="planner-serang", region="36.04"))
    page = planner.get("/36.04/dashboard/").content.decode()
    assert "Desa tanpa CSR sama sekali" in page and "Kelurahan tanpa CSR" not in page
    assert "rencana pembangunan kabupaten" in page
    public = client.get("/36.04/public/").content.decode()
    assert "CSR di kabupaten ini" in public
    cilegon = client_for(PlannerFactory(username="planner-cilegon")).get("/36.72/dashboard/")
    assert "Kelurahan tanpa CSR sama sekali" in cilegon.content.decode()
    assert "CSR di kota ini" in client.get("/36.72/public/").content.decode()
    response = planner.get("/36.04/plan/needs/import/")
    assert response.status_code == 200
    form = response.content.decode()
    assert "Desa: kode atau nama, mis. 36.04.01.2001 atau Kamasan" in form


def test_a_desa_header_imports_as_a_kelurahan_one(serang):
    with tenancy.serving("36.04"):
        from planning.models import DevelopmentPlan

        plan = DevelopmentPlan.objects.current()
    table = [
        ["Kode Prioritas", "Kode/Nama Desa", "Judul", "Jumlah", "Biaya satuan"],
        ["RTLH", "Kamasan", "RTLH Kamasan 2", "3", "20000000"],
    ]
    result = preview_needs(plan, table)
    assert [row.errors for row in result.rows] == [[]]
