"""Many regions in one deployment: each served regency or city under its own code in the URL,
its planners deciding only there, a province's planners reading below, the default region at
the old URLs."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core import tenancy
from planning.models import DevelopmentPlan, Need
from programs import workflow
from programs.models import Program
from regions.models import Region, ServedRegion
from tests.factories import (
    CompanyVillageFactory,
    PledgeFactory,
    ProgramFactory,
    ReaderFactory,
)


@pytest.fixture
def bpn_program(balikpapan, company_a, officer_a):
    """Company A works in Balikpapan too: a submitted program there, pledged to its need."""
    manggar = Region.objects.get(code="64.71.01.1001")
    CompanyVillageFactory(company=company_a, village=manggar)
    plan = DevelopmentPlan.objects.get(city=balikpapan)
    program = ProgramFactory(company=company_a, plan=plan, title="Bedah rumah Manggar")
    program.villages.set([manggar])
    PledgeFactory(program=program, need=Need.objects.get(priority__plan=plan), quantity=2)
    return workflow.program_submit(program=program, by=officer_a)


def in_region(code: str, name: str, *args) -> str:
    with tenancy.serving(code):
        return reverse(name, args=args)


def test_a_region_lives_under_its_code_and_its_links_keep_it(client_for, planner_bpn):
    client = client_for(planner_bpn)
    response = client.get("/64.71/plan/needs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "RTLH Manggar" in page and "Rutilahu Tegal Ratu" not in page
    assert 'href="/64.71/programs/"' in page  # the menu's links stay in the region
    assert "Portal CSR Kota Balikpapan" in page
    assert client.get("/99.99/plan/needs/").status_code == 404  # not a served region


def test_the_old_urls_are_the_default_regions(planner_client, tegal_ratu_need, balikpapan):
    page = planner_client.get("/plan/needs/").content.decode()
    assert "Rutilahu Tegal Ratu" in page and "RTLH Manggar" not in page
    assert planner_client.get("/36.72/plan/needs/").content.decode().count("Tegal Ratu") >= 1


def test_a_planner_of_one_other_region_lands_in_it(client_for, planner_bpn):
    response = client_for(planner_bpn).get("/")
    assert response.status_code == 302 and response.url == "/64.71/"


def test_a_planner_of_another_region_sees_nothing_undecided_and_decides_nothing(
    client_for, planner_bpn, planner, bpn_program, program_a, officer_a
):
    program_a = workflow.program_submit(
        program=program_a, by=program_a.company.memberships.get().user
    )
    cilegon_planner, bpn_planner = client_for(planner), client_for(planner_bpn)
    # Each planner sees the submitted program of the own region, under its code.
    assert bpn_planner.get(in_region("64.71", "programs:detail", bpn_program.pk)).status_code == 200
    assert (
        cilegon_planner.get(in_region("36.72", "programs:detail", program_a.pk)).status_code == 200
    )
    # Neither sees the other's, under either code: 404, as for an officer of another company.
    for code in ("36.72", "64.71"):
        assert bpn_planner.get(in_region(code, "programs:detail", program_a.pk)).status_code == 404
        url = in_region(code, "programs:detail", bpn_program.pk)
        assert cilegon_planner.get(url).status_code == 404
    approve = in_region("64.71", "programs:transition", bpn_program.pk, "approved")
    assert cilegon_planner.post(approve).status_code == 404
    with pytest.raises(PermissionDenied):  # whatever the entry point
        workflow.program_approve(program=bpn_program, by=planner)
    # The lists count only the region's own.
    listed = bpn_planner.get("/64.71/programs/").content.decode()
    assert "Bedah rumah Manggar" in listed and program_a.title not in listed
    workflow.program_approve(program=bpn_program, by=planner_bpn)
    assert Program.objects.get(pk=bpn_program.pk).status == Program.Status.APPROVED


def test_a_province_planner_reads_its_regencies_and_decides_nothing(
    client_for, province_planner, program_a, bpn_program, officer_a
):
    program_a = workflow.program_submit(
        program=program_a, by=program_a.company.memberships.get().user
    )
    client = client_for(province_planner)
    assert client.get(in_region("36.72", "programs:detail", program_a.pk)).status_code == 200
    assert client.get(in_region("36.72", "planning:need_create")).status_code == 403
    approve = in_region("36.72", "programs:transition", program_a.pk, "approved")
    client.post(approve)
    assert Program.objects.get(pk=program_a.pk).status == Program.Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        workflow.program_approve(program=program_a, by=province_planner)
    # Kalimantan Timur is not Banten's: Balikpapan's undecided program stays hidden.
    assert client.get(in_region("64.71", "programs:detail", bpn_program.pk)).status_code == 404


def test_a_national_reader_reads_every_region(client_for, bpn_program, program_a):
    reader = ReaderFactory(username="national")
    client = client_for(reader)
    assert client.get(in_region("64.71", "programs:detail", bpn_program.pk)).status_code == 200
    assert client.get(in_region("64.71", "planning:need_create")).status_code == 403


def test_an_officer_works_in_every_region_of_its_company(officer_client, bpn_program, program_a):
    page = officer_client.get("/64.71/programs/").content.decode()
    assert "Bedah rumah Manggar" in page and program_a.title not in page
    assert officer_client.get("/36.72/programs/").content.decode().count(program_a.title)
    menu = officer_client.get("/64.71/programs/").context["region_menu"]
    assert [(entry["code"], entry["current"]) for entry in menu] == [
        ("36.72", False),
        ("64.71", True),
    ]


def test_a_region_switched_off_is_not_served(client_for, planner_bpn):
    client = client_for(planner_bpn)
    assert client.get("/64.71/plan/needs/").status_code == 200
    ServedRegion.objects.filter(region__code="64.71").update(is_active=False)
    ServedRegion.objects.get(region__code="64.71").save()  # forgets the served codes
    assert client.get("/64.71/plan/needs/").status_code == 404


def test_each_region_reads_its_own_current_plan(balikpapan, plan):
    with tenancy.serving("64.71"):
        assert DevelopmentPlan.objects.current().city == balikpapan
    with tenancy.serving("36.72"):
        assert DevelopmentPlan.objects.current() == plan
    assert DevelopmentPlan.objects.current() == plan  # the default region


def test_each_regions_compliance_counts_only_its_own_programs(bpn_program, program_a, company_a):
    from delivery import compliance

    Program.objects.filter(pk__in=[bpn_program.pk, program_a.pk]).update(
        status=Program.Status.IN_PROGRESS
    )
    for code, program in (("64.71", bpn_program), ("36.72", program_a)):
        with tenancy.serving(code):
            (row,) = compliance.by_company([company_a])
            assert row.running == 1, code
            assert {m.program for m in row.missing_listed} <= {program.pk, program}


def test_a_company_with_rings_in_two_regencies_saves_its_profile(
    officer_client, company_a, balikpapan, outside_village
):
    """Ring 1 in Cilegon and in Balikpapan (the refinery's case), and one the admin put in a
    regency the portal does not serve: the form shows each under its regency and saves."""
    from tests.utils import page_form_data

    CompanyVillageFactory(company=company_a, village=outside_village)  # Kabupaten Serang
    url = reverse("companies:edit", args=[company_a.slug])
    page = officer_client.get(url)
    groups = [
        label for label, _options in page.context["formset"].forms[0].fields["village"].choices[1:]
    ]
    assert groups == ["Kabupaten Serang", "Kota Cilegon"]  # what it works in, and the request's
    assert [r.code for r in page.context["addable"]] == ["64.71"]
    page = officer_client.get(url, {"region": "64.71"})  # "Villages of another regency"
    manggar = Region.objects.get(code="64.71.01.1001")
    data = page_form_data(page, "form", "formset")
    data.update(
        {
            "operating_villages-2-village": manggar.pk,
            "operating_villages-2-ring": "1",
        }
    )
    response = officer_client.post(f"{url}?region=64.71", data)
    assert response.status_code == 302, response.context["formset"].errors
    assert sorted(company_a.operating_villages.values_list("village__code", flat=True)) == [
        "36.04.01.2001",
        "36.72.04.1002",
        "64.71.01.1001",
    ]
    # Now it works in Balikpapan: its villages are offered without asking.
    again = officer_client.get(url)
    groups = [
        label for label, _o in again.context["formset"].forms[0].fields["village"].choices[1:]
    ]
    assert "Kota Balikpapan" in groups


def test_a_province_planner_lands_on_its_regencies_and_a_national_reader_on_all(
    client_for, province_planner
):
    response = client_for(province_planner).get("/")
    assert response.status_code == 302 and response.url == "/overview/36/"
    response = client_for(ReaderFactory(username="national")).get("/")
    assert response.status_code == 302 and response.url == "/overview/"


def test_a_company_page_sums_its_csr_over_its_regions(
    planner_client, company_a, bpn_program, program_a, officer_a, planner, planner_bpn
):
    workflow.program_approve(program=bpn_program, by=planner_bpn)
    workflow.program_approve(
        program=workflow.program_submit(program=program_a, by=officer_a), by=planner
    )
    page = planner_client.get(reverse("companies:detail", args=[company_a.slug]))
    content = page.content.decode()
    section = content[content.index("CSR di setiap wilayah") :].split("</section>")[0]
    assert "Kota Balikpapan" in section and "Kota Cilegon" in section
    assert 'href="/64.71/companies/' in section  # each region's own page of the company
    assert "Rp\xa0100.000.000" in section  # Cilegon's pledge
    assert "Jumlah" in section and "Manggar" in content  # and its rings in both regencies


def test_an_officer_sees_the_rounds_of_every_region_that_invites_its_company(
    officer_client, company_a, balikpapan, plan
):
    from tests.factories import InvitationFactory, RoundFactory

    bpn_plan = DevelopmentPlan.objects.get(city=balikpapan)
    InvitationFactory(
        round=RoundFactory(plan=bpn_plan, title="Sinkronisasi Balikpapan"), company=company_a
    )
    InvitationFactory(
        round=RoundFactory(plan=plan, title="Sinkronisasi Cilegon"), company=company_a
    )
    page = officer_client.get("/36.72/").content.decode()
    assert "Sinkronisasi Balikpapan" in page and "Sinkronisasi Cilegon" in page
    assert "Pemerintah Kota Balikpapan mengundang Anda" in page
    assert 'href="/64.71/programs/new/?round=' in page  # its program goes under Balikpapan's plan
    assert 'href="/36.72/programs/new/?round=' in page


def test_a_planner_of_another_region_gets_no_round_workbook(client_for, planner_bpn, plan):
    from core.models import PreparedFile
    from tests.factories import RoundFactory

    round = RoundFactory(plan=plan)
    client = client_for(planner_bpn)
    asked = client.post(f"/64.71/dashboard/rounds/{round.pk}/workbook/")
    assert asked.status_code == 404 and not PreparedFile.objects.exists()
    ready = PreparedFile.objects.create(
        subject=round.workbook_subject, filename="w.xlsx", language="id", status="ready"
    )
    assert client.get(f"/64.71/dashboard/rounds/{round.pk}/workbook/{ready.pk}/").status_code == 404


def test_an_officers_to_do_list_spans_its_regions_each_linked_into_its_own(
    officer_client, bpn_program, program_a, planner_bpn, planner, officer_a
):
    workflow.program_request_revision(program=bpn_program, by=planner_bpn, comment="Lengkapi")
    program_a = workflow.program_submit(program=program_a, by=officer_a)
    workflow.program_request_revision(program=program_a, by=planner, comment="Lengkapi")
    page = officer_client.get("/36.72/").content.decode()
    todo = page[page.index("Yang perlu dikerjakan") :].split("</ul>")[0]
    assert f'href="/64.71/programs/{bpn_program.pk}/"' in todo
    assert f'href="/36.72/programs/{program_a.pk}/"' in todo
    assert "Kota Balikpapan" in todo and "Kota Cilegon" in todo  # two regions: each named


def test_reminders_of_missing_reports_are_each_regions_own(
    bpn_program,
    program_a,
    officer_a,
    planner,
    planner_bpn,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """'Remind every company' asked in Balikpapan reminds of Balikpapan's reports, by the
    worker too; a reminder sent in Cilegon the same day does not stop Balikpapan's."""
    from delivery import compliance, tasks

    workflow.program_approve(program=bpn_program, by=planner_bpn)
    workflow.program_approve(
        program=workflow.program_submit(program=program_a, by=officer_a), by=planner
    )
    with django_capture_on_commit_callbacks(execute=True):
        with tenancy.serving("36.72"):
            (cilegon,) = [r for r in compliance.by_company([program_a.company]) if r.missing]
            assert compliance.remind_missing(compliance=cilegon, by=planner) == 1
        assert tasks.remind_missing_reports(planner_bpn.pk, "64.71") == 1  # as the worker
    assert len(mailoutbox) == 2
    assert "Bedah rumah Manggar" in mailoutbox[1].body
    assert "Bedah rumah Tegal Ratu" not in mailoutbox[1].body
    with tenancy.serving("64.71"):
        (row,) = compliance.by_company([program_a.company])
        assert row.last_reminded is not None


def test_mail_about_a_program_links_into_its_region_whoever_sends_it(
    bpn_program, planner_bpn, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # from the default region
        workflow.program_approve(program=bpn_program, by=planner_bpn)
    (decided,) = [m for m in mailoutbox if "Bedah rumah Manggar" in m.subject + m.body]
    assert f"/64.71/programs/{bpn_program.pk}/" in decided.body


def test_a_companys_officers_are_shown_to_the_planners_of_its_regions_only(
    client_for, company_b, officer_b, planner, planner_bpn, program_b
):
    url = reverse("companies:detail", args=[company_b.slug])
    assert client_for(planner).get(f"/36.72{url}").context["officers"] is not None
    assert client_for(planner_bpn).get(f"/64.71{url}").context["officers"] is None


def test_the_admin_views_a_program_on_its_regions_site(bpn_program):
    from django.contrib import admin

    from programs.models import Program

    url = admin.site._registry[Program].view_on_site(bpn_program)
    assert url == f"/64.71/programs/{bpn_program.pk}/"


def test_the_default_region_is_reached_under_its_code_even_before_it_is_switched_on(
    planner_client, tegal_ratu_need
):
    ServedRegion.objects.all().delete()  # a single-city install whose city is not served
    assert planner_client.get("/36.72/plan/needs/").status_code == 200
    assert planner_client.get("/64.71/plan/needs/").status_code == 404


def test_a_province_planner_reads_the_rounds_and_a_needs_history_but_acts_on_neither(
    client_for, province_planner, planner_client, plan, tegal_ratu_need, company_a, balikpapan
):
    from tests.factories import InvitationFactory, RoundFactory

    round = RoundFactory(plan=plan)
    InvitationFactory(round=round, company=company_a)
    client = client_for(province_planner)
    listed = client.get(in_region("36.72", "programs:round_list"))
    assert listed.status_code == 200 and round in listed.context["rounds"]
    page = client.get(in_region("36.72", "programs:round_detail", round.pk))
    assert page.status_code == 200 and company_a.name in page.content.decode()
    acts = [
        in_region("36.72", name, round.pk)
        for name in ("programs:round_remind", "programs:round_close", "insight:round_workbook")
    ]
    html = page.content.decode()
    assert not [url for url in acts if url in html]  # no button a reader could not use
    planner_html = planner_client.get(in_region("36.72", "programs:round_detail", round.pk))
    assert all(url in planner_html.content.decode() for url in acts)  # the planner's are there
    history = client.get(in_region("36.72", "planning:need_history", tegal_ratu_need.pk))
    assert history.status_code == 200
    # Kalimantan Timur is not Banten's: its rounds stay closed to Banten's reader.
    assert client.get(in_region("64.71", "programs:round_list")).status_code == 403


def test_an_objects_link_names_its_own_region_wherever_it_is_listed(
    bpn_program, program_a, tegal_ratu_need
):
    from delivery.models import Report

    with tenancy.serving("36.72"):
        assert bpn_program.get_absolute_url() == f"/64.71/programs/{bpn_program.pk}/"
        assert program_a.get_absolute_url() == f"/36.72/programs/{program_a.pk}/"
        need = Need.objects.select_related("priority").get(pk=tegal_ratu_need.pk)
        assert need.get_absolute_url() == f"/36.72/plan/needs/{need.pk}/"
    with tenancy.serving("64.71"):
        assert program_a.get_absolute_url() == f"/36.72/programs/{program_a.pk}/"
        need = Need.objects.select_related("priority").get(pk=tegal_ratu_need.pk)
        assert need.get_absolute_url() == f"/36.72/plan/needs/{need.pk}/"
        report = Report(pk=7, program=bpn_program)
        assert report.get_absolute_url() == "/64.71/reports/7/"
