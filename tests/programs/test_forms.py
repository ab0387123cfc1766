import pytest
from django.urls import reverse

from planning.models import Need
from programs.models import Pledge, Program
from regions.models import Region
from tests.factories import NeedFactory, PledgeFactory
from tests.utils import NO_OUTPUTS_NOR_PARTNERS, loaded_version, queries_for


def form_data(**overrides):
    """A complete program form with one pledge row, as the browser posts it."""
    data = {
        "title": "Bedah rumah ring 1",
        "summary": "Ringkas",
        "description": "Uraian",
        "pillar": "infrastructure",
        "start_date": "2026-02-01",
        "end_date": "2026-11-30",
        "budget": "500000000",
        "beneficiaries": "40",
        **NO_OUTPUTS_NOR_PARTNERS,
        "pledges-TOTAL_FORMS": "1",
        "pledges-INITIAL_FORMS": "0",
        "pledges-MIN_NUM_FORMS": "0",
        "pledges-MAX_NUM_FORMS": "1000",
        "pledges-0-priority": "",
        "pledges-0-need": "",
        "pledges-0-quantity": "",
        "pledges-0-amount": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def two_villages(cilegon):
    return [Region.objects.get(code="36.72.04.1002"), Region.objects.get(code="36.72.04.1003")]


def test_an_officer_creates_a_draft_with_villages_and_a_pledge(
    officer_client, company_a, tegal_ratu_need, two_villages
):
    data = form_data(
        **{
            "villages": [v.pk for v in two_villages],
            "pledges-0-need": tegal_ratu_need.pk,
            "pledges-0-quantity": "10",
            "pledges-0-amount": "200000000",
        }
    )
    response = officer_client.post(reverse("programs:create"), data)

    program = Program.objects.get()
    assert response.url == program.get_absolute_url()
    assert (program.company, program.status) == (company_a, Program.Status.DRAFT)
    assert set(program.villages.all()) == set(two_villages)
    pledge = program.pledges.get()
    assert (pledge.priority, pledge.need, pledge.quantity) == (
        tegal_ratu_need.priority,
        tegal_ratu_need,
        10,
    )


def test_a_draft_needs_only_a_title(officer_client, plan):
    response = officer_client.post(
        reverse("programs:create"),
        form_data(
            summary="",
            description="",
            pillar="",
            start_date="",
            end_date="",
            budget="",
            beneficiaries="",
        ),
    )
    assert response.status_code == 302
    empty = officer_client.post(reverse("programs:create"), form_data(title=""))
    assert "title" in empty.context["form"].errors
    assert Program.objects.count() == 1


def test_pledges_above_the_budget_are_refused_and_nothing_is_saved(officer_client, tegal_ratu_need):
    data = form_data(
        **{
            "budget": "100000000",
            "pledges-0-need": tegal_ratu_need.pk,
            "pledges-0-quantity": "10",
            "pledges-0-amount": "200000000",
        }
    )
    response = officer_client.post(reverse("programs:create"), data)
    assert response.status_code == 200
    assert "Rp\xa0200.000.000" in str(response.context["formset"].non_form_errors())
    assert not Program.objects.exists() and not Pledge.objects.exists()


def test_a_pledge_above_the_need_s_gap_warns_but_saves_the_draft(officer_client, tegal_ratu_need):
    Need.objects.filter(pk=tegal_ratu_need.pk).update(pledged_quantity=35)
    data = form_data(
        **{
            "pledges-0-need": tegal_ratu_need.pk,
            "pledges-0-quantity": "10",
            "pledges-0-amount": "200000000",
        }
    )
    response = officer_client.post(reverse("programs:create"), data, follow=True)
    assert Program.objects.exists()
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1 and "5" in warnings[0]


def test_villages_outside_the_city_are_refused(officer_client, plan, outside_village):
    response = officer_client.post(
        reverse("programs:create"), form_data(villages=[outside_village.pk])
    )
    assert "villages" in response.context["form"].errors
    assert not Program.objects.exists()


def test_dates_outside_the_plan_and_backwards_dates_are_refused(officer_client, plan):
    outside = officer_client.post(
        reverse("programs:create"), form_data(start_date="2024-03-01", end_date="2031-01-01")
    )
    assert set(outside.context["form"].errors) == {"start_date", "end_date"}
    assert "2025-2029" in str(outside.context["form"].errors["start_date"])
    backwards = officer_client.post(
        reverse("programs:create"), form_data(start_date="2026-06-01", end_date="2026-01-01")
    )
    assert "end_date" in backwards.context["form"].errors
    assert not Program.objects.exists()


def test_a_need_of_another_priority_is_refused(officer_client, tegal_ratu_need, classrooms):
    data = form_data(
        **{
            "pledges-0-priority": classrooms.pk,
            "pledges-0-need": tegal_ratu_need.pk,
            "pledges-0-quantity": "1",
            "pledges-0-amount": "1000",
        }
    )
    response = officer_client.post(reverse("programs:create"), data)
    assert "need" in response.context["formset"].forms[0].errors
    assert not Program.objects.exists()


def test_bad_numbers_are_answered_with_messages_not_500(officer_client, tegal_ratu_need):
    data = form_data(
        **{
            "budget": "lima ratus juta",
            "pledges-0-need": tegal_ratu_need.pk,
            "pledges-0-quantity": "-3",
            "pledges-0-amount": "0",
        }
    )
    response = officer_client.post(reverse("programs:create"), data)
    assert response.status_code == 200
    assert "budget" in response.context["form"].errors
    assert set(response.context["formset"].forms[0].errors) == {"quantity", "amount"}


def test_submitting_lists_what_is_missing(officer_client, program_a):
    Program.objects.filter(pk=program_a.pk).update(summary="", budget=None)
    program_a.pledges.all().delete()
    response = officer_client.post(reverse("programs:submit", args=[program_a.pk]), follow=True)
    errors = [str(m) for m in response.context["messages"] if m.level_tag == "error"]
    assert len(errors) == 2  # missing fields, and no pledge
    assert Program.objects.get(pk=program_a.pk).status == Program.Status.DRAFT


def test_submitting_makes_the_program_read_only_and_records_who(
    officer_client, officer_a, program_a
):
    response = officer_client.post(reverse("programs:submit", args=[program_a.pk]))
    program = Program.objects.get(pk=program_a.pk)
    assert response.status_code == 302
    assert program.status == Program.Status.SUBMITTED and program.submitted_at
    transition = program.transitions.get()
    assert (transition.from_status, transition.to_status, transition.by) == (
        "draft",
        "submitted",
        officer_a,
    )
    again = officer_client.post(reverse("programs:submit", args=[program_a.pk]), follow=True)
    assert [m.level_tag for m in again.context["messages"]][-1] == "error"
    assert program.transitions.count() == 1


def test_editing_replaces_and_deletes_pledges_in_one_go(officer_client, program_a, tegal_ratu_need):
    pledge = program_a.pledges.get()
    data = form_data(
        **{
            "villages": [v.pk for v in program_a.villages.all()],
            "pledges-TOTAL_FORMS": "2",
            "pledges-INITIAL_FORMS": "1",
            "pledges-0-id": pledge.pk,
            "pledges-0-need": tegal_ratu_need.pk,
            "pledges-0-quantity": "5",
            "pledges-0-amount": "100000000",
            "pledges-0-DELETE": "on",
            "pledges-1-need": tegal_ratu_need.pk,
            "pledges-1-quantity": "7",
            "pledges-1-amount": "140000000",
        }
    )
    url = reverse("programs:update", args=[program_a.pk])
    response = officer_client.post(url, {**data, **loaded_version(officer_client, url)})
    assert response.status_code == 302
    assert list(program_a.pledges.values_list("quantity", flat=True)) == [7]


def test_the_list_and_form_pages_run_a_constant_number_of_queries(
    officer_client, program_a, company_a, plan, rutilahu
):
    urls = [
        reverse("programs:list"),
        reverse("programs:update", args=[program_a.pk]),
        reverse("programs:detail", args=[program_a.pk]),
        reverse("programs:create"),
    ]
    few = [queries_for(officer_client, url) for url in urls]
    for i in range(12):
        need = NeedFactory(priority=rutilahu)
        PledgeFactory(program=program_a, need=need, amount=1_000_000)
        other = type(program_a).objects.create(company=company_a, plan=plan, title=f"Lain {i}")
        PledgeFactory(program=other, need=need)
    assert [queries_for(officer_client, url) for url in urls] == few


def test_the_company_profile_saves_details_and_ring_villages_together(officer_client, company_a):
    village = Region.objects.get(code="36.72.04.1003")
    existing = company_a.operating_villages.get()
    data = {
        "legal_name": "PT Krakatau Posco",
        "nib": "9120000000001",
        "address": "Jl. Industri",
        "website": "krakatau-posco.co.id",
        "email": "csr@example.org",
        "phone": "0254",
        "contact_person": "Rizky",
        "operating_villages-TOTAL_FORMS": "2",
        "operating_villages-INITIAL_FORMS": "1",
        "operating_villages-MIN_NUM_FORMS": "0",
        "operating_villages-MAX_NUM_FORMS": "1000",
        "operating_villages-0-id": existing.pk,
        "operating_villages-0-village": existing.village_id,
        "operating_villages-0-ring": "1",
        "operating_villages-1-village": village.pk,
        "operating_villages-1-ring": "2",
    }
    url = reverse("companies:edit", args=[company_a.slug])
    response = officer_client.post(url, {**data, **loaded_version(officer_client, url)})
    assert response.status_code == 302
    company_a.refresh_from_db()
    assert company_a.website == "https://krakatau-posco.co.id"
    assert company_a.operating_villages.count() == 2

    data["operating_villages-1-village"] = existing.village_id  # the same kelurahan twice
    again = officer_client.post(url, {**data, **loaded_version(officer_client, url)})
    assert again.status_code == 200 and again.context["formset"].non_form_errors()


def test_csr_outside_the_plan_is_submitted_by_its_outputs_and_marked_so(
    officer_client, planner_client, program_a
):
    """City Cleaning with 300 volunteers is no plan priority: a program without a pledge is
    submitted when it names what it delivers (an output), and shown as not in the plan."""
    from programs.models import OutputIndicator, ProgramOutput

    program_a.pledges.all().delete()
    refused = officer_client.post(reverse("programs:submit", args=[program_a.pk]), follow=True)
    errors = [str(m) for m in refused.context["messages"] if m.level_tag == "error"]
    assert any("di luar rencana" in error for error in errors), errors
    volunteers = OutputIndicator.objects.create(name="Relawan kebersihan", unit="orang")
    ProgramOutput.objects.create(program=program_a, indicator=volunteers, target_quantity=300)
    officer_client.post(reverse("programs:submit", args=[program_a.pk]))
    assert Program.objects.get(pk=program_a.pk).status == Program.Status.SUBMITTED
    assert "di luar rencana" in planner_client.get(program_a.get_absolute_url()).content.decode()
    inbox = planner_client.get(reverse("programs:list")).content.decode()
    assert "di luar rencana" in inbox
