"""Reporting compliance per company: quarters due, filed on time or late, missing, verified;
who sees which company; reminders."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from delivery import compliance
from delivery.models import Reminder, Report, ReportTransition
from programs.models import Program
from tests.factories import CompanyFactory, CompanyVillageFactory, ProgramFactory

TODAY = datetime.date(2025, 11, 24)


def report(program, quarter_start, status, sent_on=None, by=None):
    start = datetime.date(*quarter_start)
    end = (start.replace(day=28) + datetime.timedelta(days=70)).replace(day=1) - datetime.timedelta(
        days=1
    )
    filed = Report.objects.create(
        program=program, period_start=start, period_end=end, status=status
    )
    if sent_on:
        at = timezone.make_aware(datetime.datetime.combine(sent_on, datetime.time(10)))
        transition = ReportTransition.objects.create(
            report=filed, from_status="draft", to_status="submitted", by=by
        )
        ReportTransition.objects.filter(pk=transition.pk).update(at=at)
    return filed


@pytest.fixture
def running(company_a, plan):
    return ProgramFactory(
        company=company_a,
        plan=plan,
        status=Program.Status.IN_PROGRESS,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )


def test_quarters_due_are_counted_filed_on_time_late_missing_and_verified(running, officer_a):
    report(running, (2025, 1, 1), "submitted", datetime.date(2025, 4, 10), officer_a)
    report(running, (2025, 4, 1), "verified", datetime.date(2025, 8, 1), officer_a)
    report(running, (2025, 7, 1), "draft")  # a draft files nothing
    (row,) = compliance.by_company([running.company], today=TODAY)
    assert (row.running, row.due, row.on_time, row.late, row.verified) == (1, 3, 1, 1, 1)
    assert [(m.title, m.quarter.key) for m in row.missing] == [(running.title, "2025-Q3")]
    assert row.rate == 67  # 2 of 3 filed; Q4 2025 is not due before 15 January


def test_a_report_returned_and_sent_again_is_on_time_when_first_sent_on_time(running, officer_a):
    filed = report(running, (2025, 1, 1), "submitted", datetime.date(2025, 4, 10), officer_a)
    again = ReportTransition.objects.create(
        report=filed, from_status="returned", to_status="submitted", by=officer_a
    )
    assert again.at.date() > datetime.date(2025, 4, 15)
    (row,) = compliance.by_company([running.company], today=datetime.date(2025, 5, 1))
    assert (row.due, row.on_time, row.late) == (1, 1, 0)


def test_a_company_with_nothing_due_has_no_rate(company_a, plan):
    ProgramFactory(company=company_a, plan=plan, status=Program.Status.APPROVED)
    (row,) = compliance.by_company([company_a], today=TODAY)
    assert row.due == 0 and row.rate is None and row.running == 1


def test_planners_see_every_company_and_an_officer_only_their_own(
    client_for, planner, officer_a, running, company_b, village
):
    CompanyVillageFactory(company=company_b, village=village)  # rings here, no program yet
    CompanyFactory(name="PT Elsewhere")  # no ring, no program here: another region's
    planner_page = client_for(planner).get(reverse("delivery:compliance"))
    officer_page = client_for(officer_a).get(reverse("delivery:compliance"))
    planners_rows = planner_page.context["rows"]  # the shared counts: companies by pk and name
    assert {r.company.pk for r in planners_rows} == {running.company.pk, company_b.pk}
    assert [r.company for r in officer_page.context["rows"]] == [running.company]
    assert "Ingatkan" not in officer_page.content.decode()


def test_the_page_sorts_lowest_compliance_first_and_filters_those_with_missing_reports(
    planner_client, running, company_b, plan, officer_a, village
):
    CompanyVillageFactory(company=company_b, village=village)
    report(running, (2025, 1, 1), "submitted", datetime.date(2025, 4, 10), officer_a)
    rows = planner_client.get(reverse("delivery:compliance")).context["rows"]
    assert rows[0].company.pk == running.company.pk  # the only one with anything due
    missing = planner_client.get(reverse("delivery:compliance"), {"missing": "true"})
    assert [r.company.pk for r in missing.context["rows"]] == [running.company.pk]
    by_name = planner_client.get(reverse("delivery:compliance"), {"order": "name"})
    assert [r.company.name for r in by_name.context["rows"]] == sorted(
        [running.company.name, company_b.name]
    )


def test_the_page_keeps_its_query_count_with_1_or_30_companies(planner_client, plan, running):
    counts = []
    for total in (1, 30):
        while Program.objects.count() < total:
            ProgramFactory(company=CompanyFactory(), plan=plan, status=Program.Status.IN_PROGRESS)
        cache.clear()  # every company's counts are shared for a minute: count them afresh
        with CaptureQueriesContext(connection) as captured:
            response = planner_client.get(reverse("delivery:compliance"))
        counts.append(len(captured))
        assert len(response.context["rows"]) == total
    assert counts[0] == counts[1], counts


def test_a_reminder_lists_the_missing_reports_and_is_sent_once_a_day(
    planner_client, running, officer_a, django_capture_on_commit_callbacks
):
    url = reverse("delivery:compliance_remind")
    with django_capture_on_commit_callbacks(execute=True):
        planner_client.post(url, {"company": running.company.pk})
        planner_client.post(url)  # every company with missing reports: already done today
    assert [m.to for m in mail.outbox] == [[officer_a.email]]
    assert running.title in mail.outbox[0].body and "Triwulan 1 2025" in mail.outbox[0].body
    assert Reminder.objects.get().kind == Reminder.Kind.MISSING_REPORTS
    rows = planner_client.get(reverse("delivery:compliance")).context["rows"]
    assert rows[0].last_reminded is not None


def test_the_compliance_list_downloads_as_csv(planner_client, running):
    response = planner_client.get(reverse("delivery:compliance"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert running.company.name in text and "Kepatuhan (%)" in text.splitlines()[0]


def test_reminding_every_company_is_queued_and_reaches_each_with_missing_reports(
    planner_client,
    running,
    officer_a,
    officer_b,
    company_b,
    plan,
    django_capture_on_commit_callbacks,
):
    ProgramFactory(
        company=company_b,
        plan=plan,
        status=Program.Status.IN_PROGRESS,
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    url = reverse("delivery:compliance_remind")
    with django_capture_on_commit_callbacks(execute=True):
        response = planner_client.post(url, follow=True)
    assert "Petugas dari 2 perusahaan" in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer_a.email, officer_b.email])
    rows = planner_client.get(reverse("delivery:compliance")).context["rows"]
    assert all(row.last_reminded for row in rows)  # the list counted afresh
    with django_capture_on_commit_callbacks(execute=True):
        again = planner_client.post(url, follow=True)
    assert len(mail.outbox) == 2
    assert "sudah diingatkan hari ini" in again.content.decode()


def test_a_row_lists_ten_missing_reports_and_counts_the_rest(planner_client, company_a, plan):
    """Three years of quarters owed, none reported: the row lists 10 and says "and 2 more";
    the count and the reminder's email keep them all."""
    ProgramFactory(
        company=company_a,
        plan=plan,
        status=Program.Status.IN_PROGRESS,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2022, 12, 31),
    )
    (row,) = compliance.by_company([company_a])
    assert row.missing_count == len(row.missing) == 12
    assert (len(row.missing_listed), row.missing_unlisted) == (10, 2)
    url = reverse("delivery:compliance")
    # The whole list shows the count; a row's list is fetched when it is opened (htmx), or
    # followed (a link naming the company).
    page = planner_client.get(url).content.decode()
    assert "<li>Program CSR" not in page and f"?slug={company_a.slug}" in page
    assert f'hx-select="#missing-{company_a.pk}"' in page
    assert "Ingatkan" in page  # the row's reminder, whether its list is drawn or not
    for asked in ({"company": company_a.name}, {"slug": company_a.slug}):
        named = planner_client.get(url, asked).content.decode()
        assert "dan 2 lainnya" in named and named.count("<li>Program CSR") == 10
        assert f'id="missing-{company_a.pk}"' in named
    # A company whose reports were all filed since the counts were stored says so.
    other = CompanyFactory(name="PT Lengkap")
    gone = planner_client.get(url, {"slug": other.slug}).content.decode()
    assert f'id="missing-{other.pk}"' not in gone or "Tidak ada lagi" in gone


def test_counts_agree_with_counting_quarter_by_quarter(company_a, plan, officer_a):
    """The counting by quarter numbers gives what walking every quarter and every report
    covering it gives (reports of a half year or a few days, several for one quarter, sent
    early, late or never, a program starting mid-quarter or ending before today)."""
    import random

    from delivery import periods

    rng = random.Random(24)
    today = datetime.date(2026, 8, 20)
    for n in range(12):
        start = datetime.date(2024, 1, 1) + datetime.timedelta(days=rng.randrange(0, 800))
        end = start + datetime.timedelta(days=rng.randrange(30, 900)) if n % 3 else None
        program = ProgramFactory(
            company=company_a,
            plan=plan,
            status=Program.Status.IN_PROGRESS,
            start_date=start,
            end_date=end,
        )
        for _ in range(rng.randrange(0, 6)):
            first = start + datetime.timedelta(days=rng.randrange(-30, 700))
            filed = Report.objects.create(
                program=program,
                period_start=first,
                period_end=first + datetime.timedelta(days=rng.choice([3, 89, 182])),
                status=rng.choice(["submitted", "verified", "returned", "draft"]),
            )
            if rng.random() < 0.8:
                sent = ReportTransition.objects.create(
                    report=filed, from_status="draft", to_status="submitted", by=officer_a
                )
                due = periods.Quarter.of(first).due  # on the day, a day late, or any day
                at = rng.choice(
                    [due, due + datetime.timedelta(days=1), first + datetime.timedelta(days=99)]
                )
                ReportTransition.objects.filter(pk=sent.pk).update(
                    at=timezone.make_aware(datetime.datetime.combine(at, datetime.time(23)))
                )

    expected = {"due": 0, "on_time": 0, "late": 0, "verified": 0, "missing": []}
    filed_status = {"submitted", "verified", "returned"}
    for program in Program.objects.filter(company=company_a).order_by("pk"):
        reports = [r for r in program.reports.all() if r.status in filed_status]
        for quarter in periods.quarters(program.start_date, min(program.end_date or today, today)):
            if quarter.due >= today:
                continue
            expected["due"] += 1
            covering = [
                r
                for r in reports
                if r.period_start <= quarter.end and r.period_end >= quarter.start
            ]
            if not covering:
                expected["missing"].append((program.pk, quarter))
                continue
            sent = [
                timezone.localdate(t.at)
                for r in covering
                for t in r.transitions.filter(to_status="submitted")
            ]
            first_sent = min(sent, default=None)
            on_time = first_sent is None or first_sent <= quarter.due
            expected["on_time" if on_time else "late"] += 1
            expected["verified"] += any(r.status == "verified" for r in covering)

    (row,) = compliance.by_company([company_a], today=today)
    assert (row.due, row.on_time, row.late, row.verified) == (
        expected["due"],
        expected["on_time"],
        expected["late"],
        expected["verified"],
    )
    assert sorted((m.program, m.quarter.index) for m in row.missing) == sorted(
        (pk, quarter.index) for pk, quarter in expected["missing"]
    )
    assert row.missing_count == len(expected["missing"]) > 0
