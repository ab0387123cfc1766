"""The daily reminders and the to-do lists: who owes which report, told once."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from delivery import duties, services
from delivery.models import Reminder
from programs.models import Program
from tests.factories import ProgramFactory


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(today: str):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", today=datetime.date.fromisoformat(today))

    return run


def test_officers_are_reminded_once_when_due_and_once_when_late(
    running, officer_a, send, tegal_ratu_need
):
    send("2026-10-05")  # Q3 2026 ended; its report is due on 15 October
    send("2026-10-05")  # the cron job's second run of the day
    assert [m.to for m in mail.outbox] == [[officer_a.email]]
    assert "jatuh tempo" in mail.outbox[0].subject.lower() or "due" in mail.outbox[0].subject
    send("2026-10-20")  # now late
    send("2026-10-21")
    assert len(mail.outbox) == 2 and "terlambat" in mail.outbox[1].subject.lower()
    assert Reminder.objects.count() == 2


def test_a_filed_report_stops_the_reminders(running, officer_a, send, report_of):
    report = report_of(start=(2026, 7, 1), end=(2026, 9, 30), delivered=1)
    services.report_submit(report=report, by=officer_a)
    send("2026-10-20")
    assert [m.to for m in mail.outbox if officer_a.email in m.to] == []


def test_planners_get_one_digest_a_day(running, report_of, officer_a, planner, send):
    services.report_submit(report=report_of(), by=officer_a)
    send("2026-11-02")
    send("2026-11-02")
    digests = [m for m in mail.outbox if m.to == [planner.email]]
    assert len(digests) == 1 and "1" in digests[0].subject
    send("2026-11-03")
    assert len([m for m in mail.outbox if m.to == [planner.email]]) == 2


def test_the_reports_owed_run_from_the_programs_start(running, officer_a, report_of):
    report_of()  # a draft for Q1 2025: started, not filed
    owed = duties.reports_owed(Program.objects.filter(pk=running.pk), datetime.date(2025, 10, 20))
    assert [item.quarter.key for item in owed] == ["2025-Q1", "2025-Q2", "2025-Q3"]
    assert owed[0].draft is not None and owed[-1].late


def test_the_officer_s_home_lists_what_to_do(officer_client, running, company_a, plan):
    ProgramFactory(company=company_a, plan=plan, status="revision", title="Perlu revisi ini")
    page = officer_client.get(reverse("home")).content.decode()
    assert "Perlu revisi ini" in page
    assert reverse("delivery:create", args=[running.pk]) in page
    assert "Laporan terlambat" in page


def test_the_planner_s_home_counts_what_waits(planner_client, running, report_of, officer_a):
    services.report_submit(report=report_of(), by=officer_a)
    response = planner_client.get(reverse("home"))
    assert (response.context["awaiting_count"], response.context["to_verify"]) == (0, 1)
