"""A company's strategic plans and consultations: kept by its officers, read by the planners of
the regions they touch; the public sees that a consultation took place, never who took part."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core import tenancy
from programs.forms import ProgramForm
from programs.models import Consultation, PlanBudget, StrategicPlan
from tests.utils import page_form_data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def consultation(company_a, village, officer_a):
    found = Consultation.objects.create(
        company=company_a,
        kind=Consultation.Kind.FGD,
        held_on=datetime.date(2026, 3, 12),
        women=12,
        youth=8,
        participant_names="Ibu Siti Aminah, Pak Darto",
        topics="Air bersih dan bank sampah",
        agreements="Perusahaan membangun dua sumur bor.",
        created_by=officer_a,
    )
    found.villages.set([village])
    return found


def test_an_officer_writes_a_strategic_plan_with_yearly_budgets_and_a_document(
    client_for, officer_a, company_a, village
):
    client = client_for(officer_a)
    url = reverse("programs:strategic_plan_create")
    page = client.get(url)
    assert page.status_code == 200
    data = page_form_data(
        page,
        "form",
        title="Rencana Strategis CSR 2023-2027",
        first_year="2023",
        last_year="2027",
        goals="Ekonomi lokal dan lingkungan di ring 1.",
        villages=[str(village.pk)],
        **{
            "budgets-TOTAL_FORMS": "2",
            "budgets-INITIAL_FORMS": "0",
            "budgets-0-year": "2023",
            "budgets-0-amount": "1500000000",
            "budgets-1-year": "2024",
            "budgets-1-amount": "1750000000",
        },
    )
    data["document-file"] = SimpleUploadedFile("renstra.pdf", PDF, "application/pdf")
    response = client.post(url, data)
    plan = StrategicPlan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert plan.company == company_a and list(plan.years) == [2023, 2024, 2025, 2026, 2027]
    assert sorted(plan.budgets.values_list("year", "amount")) == [
        (2023, 1_500_000_000),
        (2024, 1_750_000_000),
    ]
    document = plan.files.get()
    assert document.original_name == "renstra.pdf"
    assert client.get(document.get_absolute_url()).status_code == 200
    assert (
        "Rencana Strategis CSR 2023-2027"
        in client.get(company_a.get_absolute_url()).content.decode()
    )


def test_a_plan_refuses_a_budget_year_outside_its_period(client_for, officer_a, village):
    client = client_for(officer_a)
    url = reverse("programs:strategic_plan_create")
    data = page_form_data(
        client.get(url),
        "form",
        title="Renstra",
        first_year="2023",
        last_year="2027",
        goals="Tujuan",
        **{
            "budgets-TOTAL_FORMS": "1",
            "budgets-INITIAL_FORMS": "0",
            "budgets-0-year": "2031",
            "budgets-0-amount": "1000",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200 and not StrategicPlan.objects.exists()
    data.update({"last_year": "2040", "budgets-0-year": "2024"})
    assert client.post(url, data).status_code == 200 and not PlanBudget.objects.exists()


def test_a_program_under_a_strategic_plan_may_start_before_the_rpjmd(company_a, plan):
    renstra = StrategicPlan.objects.create(
        company=company_a, title="Renstra", first_year=2023, last_year=2027, goals="x"
    )
    data = {"title": "Bank sampah", "start_date": "2024-01-01", "end_date": "2025-12-31"}
    form = ProgramForm(data, plan=plan, company_id=company_a.pk)
    assert not form.is_valid() and "start_date" in form.errors  # the RPJMD starts in 2025
    data["strategic_plan"] = str(renstra.pk)
    form = ProgramForm(data, plan=plan, company_id=company_a.pk)
    assert form.is_valid(), form.errors


def test_participants_names_are_seen_by_the_company_and_the_regions_planners_only(
    client_for,
    officer_a,
    officer_b,
    planner,
    province_planner,
    planner_bpn,
    consultation,
    client,
    plan,
):
    url = consultation.get_absolute_url()
    for user in (officer_a, planner):
        page = client_for(user).get(url).content.decode()
        assert "Ibu Siti Aminah" in page and "dua sumur bor" in page
    viewed = LogEntry.objects.get_for_object(consultation).filter(action=LogEntry.Action.ACCESS)
    assert sorted(viewed.values_list("actor__username", flat=True)) == ["officer_a", "planner"]
    page = client_for(province_planner).get(url)
    assert page.status_code == 200 and "Ibu Siti Aminah" not in page.content.decode()
    assert client_for(officer_b).get(url).status_code == 404
    with tenancy.serving("64.71"):
        elsewhere = reverse("programs:consultation", args=[consultation.pk])
    assert client_for(planner_bpn).get(elsewhere).status_code == 404
    # The trail never copies the names.
    assert not LogEntry.objects.filter(changes_text__contains="Siti").exists()

    with tenancy.serving("36.72"):
        public_url = reverse("insight:village", args=[consultation.villages.get().code])
    public = client.get(public_url)
    text = public.content.decode()
    assert "Air bersih dan bank sampah" in text and "12 Maret 2026" in text
    for private in ("Ibu Siti Aminah", "Pak Darto", "sumur bor"):
        assert private not in text


def test_a_consultation_counts_at_least_one_group_and_names_a_village(
    client_for, officer_a, village
):
    client = client_for(officer_a)
    url = reverse("programs:consultation_create")
    data = page_form_data(
        client.get(url), "form", kind="fgd", held_on="2026-03-12", topics="Air bersih"
    )
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].errors["villages"]
    data["villages"] = [str(village.pk)]
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    data["women"] = "9"
    assert client.post(url, data).status_code == 302
    assert Consultation.objects.get().participants == 9
