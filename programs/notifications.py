"""Emails about programs: to planners on every submission, to the company on every decision.

Sent after the transaction commits, one message per person (core.mail).
"""

from django.contrib.auth import get_user_model

from accounts.models import RegionRole
from companies.models import Membership
from core.mail import send_on_commit


def planner_emails(region_id: int) -> list[str]:
    """The addresses of the planners of the regency or city `region_id`."""
    planners = get_user_model().objects.filter(
        region_roles__region_id=region_id, region_roles__role=RegionRole.PLANNER, is_active=True
    )
    return list(planners.exclude(email="").values_list("email", flat=True).distinct())


def officer_emails(company) -> list[str]:
    return officer_emails_of([company.pk]).get(company.pk, [])


def program_submitted(program) -> None:
    send_on_commit(
        "programs/email/submitted.txt",
        {"program": program},
        planner_emails(program.plan.city_id),
        region=program.plan.city.code,
    )


def program_decided(program, comment: str) -> None:
    send_on_commit(
        "programs/email/decided.txt",
        {"program": program, "comment": comment},
        officer_emails(program.company),
        region=program.plan.city.code,
    )


def round_invited(round, company_ids: list[int]) -> None:
    """One invitation per officer of the newly invited companies (once, however many of them
    the officer acts for)."""
    emails = {email for found in officer_emails_of(company_ids).values() for email in found}
    send_on_commit(
        "programs/email/round_invited.txt",
        {"round": round},
        sorted(emails),
        region=round.plan.city.code,
    )


def officer_emails_of(company_ids: list[int]) -> dict[int, list[str]]:
    """The active officers' addresses of each company, in one query."""
    emails: dict[int, list[str]] = {}
    memberships = (
        Membership.objects.filter(company_id__in=company_ids, user__is_active=True)
        .exclude(user__email="")
        .values_list("company_id", "user__email")
    )
    for company_id, email in memberships:
        emails.setdefault(company_id, []).append(email)
    return emails


def round_reminder(round, invitation, emails: list[str]) -> None:
    send_on_commit(
        "programs/email/round_reminder.txt",
        {"round": round, "invitation": invitation},
        emails,
        region=round.plan.city.code,
    )


def amendment_proposed(amendment, program) -> None:
    """To the side that decides: the planners on a company's change, the company's officers
    on the planners' proposal."""
    send_on_commit(
        "programs/email/amendment_proposed.txt",
        {"amendment": amendment, "program": program},
        officer_emails(program.company)
        if amendment.is_steering
        else planner_emails(program.plan.city_id),
        region=program.plan.city.code,
    )


def amendment_decided(amendment, program) -> None:
    """To the side that proposed."""
    send_on_commit(
        "programs/email/amendment_decided.txt",
        {"amendment": amendment, "program": program},
        planner_emails(program.plan.city_id)
        if amendment.is_steering
        else officer_emails(program.company),
        region=program.plan.city.code,
    )
