"""Emails about reports: to planners when one is submitted, to the company when decided."""

from core.mail import send_on_commit
from programs.notifications import officer_emails, planner_emails


def report_submitted(report) -> None:
    send_on_commit(
        "delivery/email/submitted.txt",
        {"report": report},
        planner_emails(report.program.plan.city_id),
        region=report.program.plan.city.code,
    )


def report_decided(report, comment: str) -> None:
    send_on_commit(
        "delivery/email/decided.txt",
        {"report": report, "comment": comment},
        officer_emails(report.program.company),
        region=report.program.plan.city.code,
    )
