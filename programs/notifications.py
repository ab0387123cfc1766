"""Emails about programs: to planners on every submission, to the company on every decision.

Sent after the transaction commits, one message per person (core.mail).
"""

from django.contrib.auth import get_user_model

from core.mail import send_on_commit


def planner_emails() -> list[str]:
    planners = get_user_model().objects.filter(
        groups__name=get_user_model().PLANNER_GROUP, is_active=True
    )
    return list(planners.exclude(email="").values_list("email", flat=True))


def officer_emails(company) -> list[str]:
    officers = company.memberships.filter(user__is_active=True).exclude(user__email="")
    return list(officers.values_list("user__email", flat=True))


def program_submitted(program) -> None:
    send_on_commit("programs/email/submitted.txt", {"program": program}, planner_emails())


def program_decided(program, comment: str) -> None:
    send_on_commit(
        "programs/email/decided.txt",
        {"program": program, "comment": comment},
        officer_emails(program.company),
    )


def round_invited(round, company_ids: list[int]) -> None:
    """One invitation per officer of each newly invited company."""
    officers = (
        get_user_model()
        .objects.filter(company_memberships__company_id__in=company_ids, is_active=True)
        .exclude(email="")
        .distinct()
    )
    send_on_commit(
        "programs/email/round_invited.txt",
        {"round": round},
        list(officers.values_list("email", flat=True)),
    )


def round_reminder(round, invitation) -> None:
    send_on_commit(
        "programs/email/round_reminder.txt",
        {"round": round, "invitation": invitation},
        officer_emails(invitation.company),
    )
