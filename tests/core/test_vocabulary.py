"""Companies' sectors and the units needs are counted in are data administrators keep
(core.vocabulary): a new deployment starts with the defaults, an administrator adds a region's
own (oil and gas, plantations, groups), corrects a name, and cannot delete one in use; an
existing database keeps every value it held."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from companies.models import Sector
from core import vocabulary
from planning.models import Unit
from programs.forms import RoundForm
from tests.factories import CompanyFactory, PriorityFactory
from tests.utils import admin_form_data

BEFORE = [("companies", "0002_verbose_names"), ("planning", "0007_serve_planned_cities")]


@pytest.mark.django_db(transaction=True)
def test_an_existing_database_keeps_every_sector_and_unit_it_held():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Region, Plan = old.get_model("regions", "Region"), old.get_model("planning", "DevelopmentPlan")
    Company, Priority = old.get_model("companies", "Company"), old.get_model("planning", "Priority")
    banten = Region.objects.create(code="36", name="Banten", level=1, kind="provinsi")
    city = Region.objects.create(
        code="36.72", name="Kota Cilegon", level=2, kind="kota", parent=banten
    )
    plan = Plan.objects.create(city=city, title="RPJMD", first_year=2025, last_year=2029)
    Company.objects.create(name="PT Baja", slug="pt-baja", sector="metal_steel")
    # A value no default has (written by hand into an older database): kept, named by its code.
    Company.objects.create(name="PT Galangan", slug="pt-galangan", sector="shipyard")
    for code, unit in (("RTLH", "house"), ("SAMPAH", "ton")):
        Priority.objects.create(
            plan=plan, code=code, title=code, pillar="environment", indicator="-", unit=unit,
            target_quantity=10, agency="DLH",
        )  # fmt: skip

    call_command("migrate", verbosity=0)

    from companies.models import Company as Now
    from planning.models import Priority as PriorityNow

    vocabulary.forget_all()
    assert dict(Now.objects.values_list("slug", "sector")) == {
        "pt-baja": "metal_steel",
        "pt-galangan": "shipyard",
    }
    assert Now.objects.get(slug="pt-baja").get_sector_display() == "Logam dan baja"
    assert Now.objects.get(slug="pt-galangan").get_sector_display() == "shipyard"
    assert dict(PriorityNow.objects.values_list("code", "unit")) == {
        "RTLH": "house",
        "SAMPAH": "ton",
    }
    assert {"oil_gas", "mining", "plantations"} <= set(Sector.objects.names())  # added for all
    assert {"group", "ton"} <= set(Unit.objects.names())


def test_names_follow_the_language_and_an_unknown_code_shows_as_itself(plan):
    company = CompanyFactory(sector_id="oil_gas")
    priority = PriorityFactory(unit_id="group")
    with translation.override("id"):
        assert (company.get_sector_display(), priority.get_unit_display()) == (
            "Minyak dan gas bumi",
            "kelompok",
        )
    with translation.override("en"):
        assert (company.get_sector_display(), priority.get_unit_display()) == (
            "Oil and gas",
            "group",
        )
    assert Sector.objects.label("nope") == "nope"


def test_a_sector_an_administrator_adds_is_offered_at_once(staff_client, planner_client, db):
    response = staff_client.post(
        reverse("admin:companies_sector_add"),
        {"code": "nickel", "name": "Pengolahan nikel", "name_en": "Nickel processing"},
    )
    assert response.status_code == 302
    CompanyFactory(name="PT Smelter", sector_id="nickel")

    page = planner_client.get(reverse("companies:list"), {"sector": "nickel"})
    assert [c.name for c in page.context["companies"]] == ["PT Smelter"]
    html = page.content.decode()
    assert '<option value="nickel" selected>Pengolahan nikel</option>' in html
    assert ("nickel", "Pengolahan nikel") in RoundForm.base_fields["sectors"].choices


def test_a_corrected_name_shows_at_once_and_the_code_stays(staff_client, planner_client, db):
    CompanyFactory(name="PT Pelabuhan", sector_id="ports")
    assert "Pelabuhan" in planner_client.get(reverse("companies:list")).content.decode()
    url = reverse("admin:companies_sector_change", args=["ports"])
    data = admin_form_data(staff_client.get(url), name="Kepelabuhanan", name_en="Port services")
    response = staff_client.post(url, data)
    assert response.status_code == 302
    assert Sector.objects.get(code="ports").name == "Kepelabuhanan"  # the code could not change
    assert "Kepelabuhanan" in planner_client.get(reverse("companies:list")).content.decode()


def test_a_term_in_use_cannot_be_deleted(staff_client, plan):
    PriorityFactory(unit_id="classroom")
    response = staff_client.post(
        reverse("admin:planning_unit_delete", args=["classroom"]), {"post": "yes"}
    )
    assert response.status_code == 200  # Django's "cannot delete: these rows use it"
    assert Unit.objects.filter(code="classroom").exists()
    staff_client.post(reverse("admin:planning_unit_delete", args=["hectare"]), {"post": "yes"})
    assert not Unit.objects.filter(code="hectare").exists()  # unused: it goes


def test_an_emptied_list_is_filled_again_but_a_kept_one_is_never_touched(db):
    Sector.objects.filter(code="it").delete()
    assert vocabulary.install(Sector, [("x", "X", "X")]) == 0  # kept by an administrator
    assert not Sector.objects.filter(code__in=["it", "x"]).exists()
    Unit.objects.all().delete()
    assert vocabulary.install(Unit, [("ton", "ton", "tonne")]) == 1
    assert Unit.objects.label("ton") == "ton"
