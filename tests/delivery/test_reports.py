"""Realization reports: filed by the company, verified by a planner; only verified quantities
count as delivered, never beyond what was pledged."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from delivery import services
from delivery.models import Report
from planning.models import Need
from programs import workflow
from programs.models import Pledge, Program
from tests.delivery.conftest import new_report
from tests.factories import NeedFactory, PledgeFactory, ProgramFactory
from tests.utils import at_once, loaded_version, page_form_data, postgres_only, queries_for

S = Report.Status


def need_figures(need):
    need.refresh_from_db()
    return need.pledged_quantity, need.delivered_quantity


def test_a_new_report_has_a_line_for_each_pledge_and_output(running, officer_a):
    from programs.models import OutputIndicator, ProgramOutput

    indicator = OutputIndicator.objects.create(name="Relawan", unit="orang")
    ProgramOutput.objects.create(program=running, indicator=indicator, target_quantity=300)
    report = new_report(running, officer_a)
    assert report.lines.count() == 1 and report.output_lines.count() == 1
    assert report.status == S.DRAFT


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ((2024, 10, 1), (2024, 12, 31), "dalam masa program"),
        ((2099, 1, 1), (2099, 3, 31), "dalam masa program"),
        ((2024, 12, 1), (2025, 3, 31), "dalam masa program"),  # begins before the program
        ((1, 1, 1), (9999, 12, 31), "dalam masa program"),
        ((2025, 3, 1), (2025, 2, 1), "berakhir setelah"),
    ],
)
def test_a_period_outside_the_program_or_in_the_future_is_refused(
    running, officer_a, start, end, message
):
    with pytest.raises(ValidationError, match=message):
        new_report(running, officer_a, start=start, end=end)


def test_a_period_that_has_not_begun_is_refused(running, officer_a):
    Program.objects.filter(pk=running.pk).update(end_date=datetime.date(2099, 12, 31))
    running.refresh_from_db()
    with pytest.raises(ValidationError, match="sudah dimulai"):
        new_report(running, officer_a, start=(2099, 1, 1), end=(2099, 3, 31))


def test_two_reports_cannot_cover_the_same_days(report_of):
    report_of()
    with pytest.raises(ValidationError, match="sudah mencakup"):
        report_of(start=(2025, 3, 1), end=(2025, 5, 31))


def test_only_an_approved_or_running_program_reports(program_a, officer_a):
    with pytest.raises(ValidationError):
        new_report(program_a, officer_a)  # a draft


def test_submitting_the_first_report_starts_an_approved_program(
    running, officer_a, planner, tegal_ratu_need, django_capture_on_commit_callbacks
):
    Program.objects.filter(pk=running.pk).update(status=Program.Status.APPROVED)
    running.refresh_from_db()
    report = new_report(running, officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=report, by=officer_a)
    running.refresh_from_db()
    assert running.status == Program.Status.IN_PROGRESS
    assert running.transitions.get().comment == "Laporan realisasi pertama diajukan."
    assert [planner.email] in [m.to for m in mail.outbox]


def test_a_report_needs_a_narrative_to_be_submitted(report_of, officer_a):
    report = report_of()
    Report.objects.filter(pk=report.pk).update(narrative="")
    report.refresh_from_db()
    with pytest.raises(ValidationError, match="Uraikan"):
        services.report_submit(report=report, by=officer_a)


def test_verification_counts_the_quantities_as_delivered(
    report_of, officer_a, planner, tegal_ratu_need
):
    report = report_of(delivered=4)
    services.report_submit(report=report, by=officer_a)
    assert need_figures(tegal_ratu_need) == (10, 0)  # submitted is a claim, not a delivery
    services.report_verify(report=report, by=planner)
    pledge = Pledge.objects.get()
    assert (pledge.delivered_quantity, pledge.spent_amount) == (4, 80_000_000)
    assert need_figures(tegal_ratu_need) == (10, 4)
    entry = LogEntry.objects.get_for_object(tegal_ratu_need).order_by("pk").last()
    assert entry.changes_dict["delivered_quantity"] == ["0", "4"] and entry.actor == planner
    call_command("check_ledger", verbosity=0)


def test_a_returned_report_goes_back_to_the_company_with_the_comment(
    report_of, officer_a, officer_client, planner
):
    report = report_of()
    services.report_submit(report=report, by=officer_a)
    with pytest.raises(ValidationError):
        services.report_return(report=report, by=planner, comment="")
    services.report_return(report=report, by=planner, comment="Lengkapi fotonya.")
    page = officer_client.get(report.get_absolute_url()).content.decode()
    assert "Lengkapi fotonya." in page and reverse("delivery:update", args=[report.pk]) in page
    services.report_submit(report=report, by=officer_a)  # corrected and sent again
    assert Report.objects.get(pk=report.pk).status == S.SUBMITTED


def test_nothing_is_delivered_beyond_the_pledge(report_of, officer_a, planner, tegal_ratu_need):
    first = report_of(delivered=7)
    services.report_submit(report=first, by=officer_a)
    second = report_of(start=(2025, 4, 1), end=(2025, 6, 30), delivered=5)
    services.report_submit(report=second, by=officer_a)  # 7 + 5 > 10 but nothing verified yet
    services.report_verify(report=first, by=planner)
    with pytest.raises(ValidationError, match="melebihi 10 yang dijanjikan"):
        services.report_verify(report=second, by=planner)
    assert need_figures(tegal_ratu_need) == (10, 7)
    assert Report.objects.get(pk=second.pk).status == S.SUBMITTED


def test_the_database_refuses_a_pledge_delivered_beyond_its_quantity(running):
    with pytest.raises(IntegrityError), transaction.atomic():
        Pledge.objects.filter(program=running).update(delivered_quantity=11)


def test_only_planners_decide_and_only_the_company_submits(report_of, officer_a, officer_b):
    report = report_of()
    with pytest.raises(PermissionDenied):
        services.report_submit(report=report, by=officer_b)
    services.report_submit(report=report, by=officer_a)
    with pytest.raises(PermissionDenied):
        services.report_verify(report=report, by=officer_a)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_planners_verifying_at_once_never_deliver_beyond_the_pledge(
    running, officer_a, tegal_ratu_need
):
    from tests.factories import PlannerFactory

    reports = [
        new_report(running, officer_a, start=(2025, 1, 1), end=(2025, 3, 31), delivered=6),
        new_report(running, officer_a, start=(2025, 4, 1), end=(2025, 6, 30), delivered=6),
    ]
    for report in reports:
        services.report_submit(report=report, by=officer_a)
    planners = [PlannerFactory(username=f"verifier{i}") for i in range(2)]
    outcomes = at_once(
        *(
            lambda report=report, planner=planner: services.report_verify(report=report, by=planner)
            for report, planner in zip(reports, planners, strict=True)
        )
    )
    outcomes = ["refused" if isinstance(o, ValidationError) else o.status for o in outcomes]
    assert sorted(outcomes) == ["refused", "verified"]
    assert need_figures(tegal_ratu_need) == (10, 6)
    assert Pledge.objects.get(program=running).delivered_quantity == 6


def test_cancelling_keeps_what_was_delivered_and_releases_the_rest(
    report_of, officer_a, planner, tegal_ratu_need
):
    report = report_of(delivered=4)
    services.report_submit(report=report, by=officer_a)
    services.report_verify(report=report, by=planner)
    workflow.program_cancel(program=report.program, by=planner, comment="Dialihkan ke APBD.")
    assert need_figures(tegal_ratu_need) == (4, 4)
    call_command("check_ledger", verbosity=0)


def test_a_report_of_a_cancelled_program_cannot_be_verified(report_of, officer_a, planner):
    report = report_of()
    services.report_submit(report=report, by=officer_a)
    workflow.program_cancel(program=report.program, by=planner, comment="Dibatalkan.")
    with pytest.raises(ValidationError, match="dibatalkan"):
        services.report_verify(report=report, by=planner)


def test_check_ledger_finds_a_pledge_whose_delivery_disagrees_with_its_reports(
    report_of, officer_a, planner, capsys
):
    report = report_of(delivered=4)
    services.report_submit(report=report, by=officer_a)
    services.report_verify(report=report, by=planner)
    Pledge.objects.update(delivered_quantity=1)
    with pytest.raises(CommandError):
        call_command("check_ledger")
    assert "delivered_quantity stored 1, verified reports 4" in capsys.readouterr().out
    call_command("check_ledger", "--fix", verbosity=0)
    assert Pledge.objects.get().delivered_quantity == 4


# Completion ---------------------------------------------------------------------------


def test_a_program_is_not_completed_before_it_starts(running, officer_a):
    Program.objects.filter(pk=running.pk).update(
        start_date=datetime.date(2099, 1, 1), end_date=datetime.date(2099, 12, 31)
    )
    running.refresh_from_db()
    with pytest.raises(ValidationError, match="tidak dapat diselesaikan sebelumnya"):
        workflow.program_complete(program=running, by=officer_a)


def test_completion_needs_every_pledge_delivered(report_of, running, officer_a, planner):
    with pytest.raises(ValidationError, match="Belum semua komitmen"):
        workflow.program_complete(program=running, by=officer_a)
    report = report_of(delivered=10)
    services.report_submit(report=report, by=officer_a)
    services.report_verify(report=report, by=planner)
    workflow.program_complete(program=running, by=officer_a)
    assert Program.objects.get(pk=running.pk).status == Program.Status.COMPLETED


def test_a_planner_may_complete_a_shortfall_accepting_the_explanation(running, planner):
    with pytest.raises(ValidationError):
        workflow.program_complete(program=running, by=planner)  # no comment: no acceptance
    workflow.program_complete(
        program=running, by=planner, comment="Penjelasan di laporan akhir diterima."
    )
    assert Program.objects.get(pk=running.pk).status == Program.Status.COMPLETED


# Pages --------------------------------------------------------------------------------


def test_an_officer_files_a_report_through_the_pages(
    officer_client, running, tegal_ratu_need, settings
):
    page = officer_client.get(reverse("delivery:create", args=[running.pk]))
    assert page.status_code == 200
    response = officer_client.post(
        reverse("delivery:create", args=[running.pk]), {"period": "2025-Q2"}
    )
    report = Report.objects.get()
    assert response.url == reverse("delivery:update", args=[report.pk])
    assert (report.period_start, report.period_end) == (
        datetime.date(2025, 4, 1),
        datetime.date(2025, 6, 30),
    )
    line = report.lines.get()
    data = {
        "narrative": "Tiga rumah selesai.",
        "beneficiaries": "12",
        "women": "6",
        "men": "6",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-0-id": line.pk,
        "lines-0-quantity": "3",
        "lines-0-amount": "60000000",
        "output_lines-TOTAL_FORMS": "0",
        "output_lines-INITIAL_FORMS": "0",
    }
    url = reverse("delivery:update", args=[report.pk])
    data |= loaded_version(officer_client, url)
    assert officer_client.post(url, data).status_code == 302
    officer_client.post(reverse("delivery:transition", args=[report.pk, "submitted"]))
    report.refresh_from_db()
    assert (report.status, report.lines.get().quantity, report.beneficiaries) == (
        S.SUBMITTED,
        3,
        12,
    )


def test_a_submitted_report_is_read_only_for_the_company(officer_client, report_of, officer_a):
    report = report_of()
    services.report_submit(report=report, by=officer_a)
    assert officer_client.get(reverse("delivery:update", args=[report.pk])).status_code == 403


def test_drafts_stay_with_the_company(client_for, planner, officer_b, report_of):
    report = report_of()
    assert client_for(planner).get(report.get_absolute_url()).status_code == 404
    assert client_for(officer_b).get(report.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("count", [1, 12])
def test_report_pages_keep_their_query_count(
    client_for, planner, officer_a, company_a, plan, tegal_ratu_need, count
):
    program = ProgramFactory(
        company=company_a,
        plan=plan,
        status=Program.Status.IN_PROGRESS,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    for _ in range(count):
        need = NeedFactory(priority=tegal_ratu_need.priority, quantity=50)
        PledgeFactory(program=program, need=need, quantity=10)
        Need.objects.filter(pk=need.pk).update(pledged_quantity=10)
    first = None
    for month in range(0, min(count, 8) * 3, 3):
        day = datetime.date(2025, 1, 1) + datetime.timedelta(days=month * 30)
        report = new_report(
            program,
            officer_a,
            start=day.timetuple()[:3],
            end=(day + datetime.timedelta(days=20)).timetuple()[:3],
            delivered=1,
        )
        services.report_submit(report=report, by=officer_a)
        first = first or report
    counts = {
        "list": queries_for(client_for(planner), reverse("delivery:list")),
        "detail": queries_for(client_for(planner), first.get_absolute_url()),
        "program": queries_for(client_for(planner), program.get_absolute_url()),
        "home": queries_for(client_for(officer_a), reverse("home")),
    }
    # Cold: +2 everywhere for the served regions and their words; list, detail, program: +1 for the
    # region's plans (in_region); program: +2 for left-behind kelurahan; home: +1 for the round
    # invitations, +1 for the regions of the officer's company (the switcher); program: no
    # query for delivered outputs while no report is verified, 1 for its changes (amendments)
    assert counts == {"list": 9, "detail": 13, "program": 26, "home": 14}


def test_a_verified_report_shows_on_the_kelurahan_page_at_once(
    client, report_of, officer_a, planner, tegal_ratu_need, village
):
    """The public page keeps its drawn needs while no need changes: a verification does."""
    url = reverse("insight:village", args=[village.code])
    delivered = '<td class="num d-none d-sm-table-cell">{}</td><td class="num fw-semibold">'
    assert delivered.format(0) in client.get(url).content.decode()
    report = report_of(delivered=4)
    services.report_submit(report=report, by=officer_a)
    services.report_verify(report=report, by=planner)
    assert delivered.format(4) in client.get(url).content.decode()


def test_the_period_offered_is_the_first_quarter_no_report_covers(
    officer_client, running, report_of
):
    report_of(start=(2025, 1, 1), end=(2025, 3, 31))
    report_of(start=(2025, 5, 15), end=(2025, 7, 10))  # other dates, across Q2 and Q3
    page = officer_client.get(reverse("delivery:create", args=[running.pk]))
    field = page.context["form"]["period"]
    offered = [key for key, _label in field.field.choices]
    assert "2025-Q1" not in offered and "2025-Q2" not in offered and "2025-Q3" not in offered
    assert field.value() == "2025-Q4"
    response = officer_client.post(
        reverse("delivery:create", args=[running.pk]), {"period": field.value()}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {"period": "2025-Q1"},  # a quarter a report covers already (an old page, a tamper)
        {"period": "custom", "start": "2025-03-01", "end": "2025-04-30"},  # overlapping
        {"period": "custom", "start": "0001-01-01", "end": "9999-12-31"},
        {"period": "custom", "start": "9999-12-01", "end": "9999-12-31"},
        {"period": "custom", "start": "2025-06-30", "end": "2025-04-01"},
    ],
)
def test_a_period_the_model_refuses_is_said_on_the_form(officer_client, running, report_of, data):
    report_of(start=(2025, 1, 1), end=(2025, 3, 31))
    response = officer_client.post(reverse("delivery:create", args=[running.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Report.objects.count() == 1


@pytest.mark.parametrize("initial", ["0", "-1", "2"])
def test_a_report_posted_with_tampered_line_counts_is_refused_with_a_message(
    officer_client, running, report_of, initial
):
    report = report_of()
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DRAFT)
    url = reverse("delivery:update", args=[report.pk])
    data = page_form_data(officer_client.get(url), "form", "lines", "outputs")
    data["lines-INITIAL_FORMS"] = initial
    lines_before = list(report.lines.values())
    response = officer_client.post(url, data)
    assert response.status_code == 200
    assert response.context["lines"].non_form_errors()
    assert list(report.lines.values()) == lines_before


def test_two_outputs_of_one_indicator_are_told_apart_by_their_site(officer_client, running):
    from programs.models import OutputIndicator, ProgramOutput

    solar = OutputIndicator.objects.create(name="Lampu tenaga surya", unit="unit", approved=True)
    ProgramOutput.objects.create(
        program=running, indicator=solar, target_quantity=6, site="Taman Geger"
    )
    ProgramOutput.objects.create(
        program=running, indicator=solar, target_quantity=5, site="Taman Layak Anak"
    )
    report = new_report(running, running.company.memberships.first().user)
    page = officer_client.get(reverse("delivery:update", args=[report.pk])).content.decode()
    assert "Lampu tenaga surya, Taman Geger (6 unit)" in page
    assert "Lampu tenaga surya, Taman Layak Anak (5 unit)" in page


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_officers_starting_the_same_period_at_once_get_one_report(running, officer_a):
    """Both pass the model's overlap check before either saves; the database keeps one, and
    the other is told so (was a server error)."""
    start = (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30))
    outcomes = at_once(
        *(
            lambda: services.report_create(
                program=running, period_start=start[0], period_end=start[1], by=officer_a
            )
            for _ in range(2)
        )
    )
    kinds = sorted(type(outcome).__name__ for outcome in outcomes)
    assert kinds == ["Report", "ValidationError"], outcomes
    assert Report.objects.count() == 1
