"""Background work of the synchronisation round (core.tasks)."""

from celery import shared_task

from programs import notifications
from programs.models import Invitation


@shared_task
def send_round_reminders(invitation_ids: list[int]) -> int:
    """Write and queue the reminder of each invitation (one message per company: it names the
    company). Returns the number of companies."""
    invitations = list(
        Invitation.objects.filter(pk__in=invitation_ids).select_related(
            "company", "round__plan__city"
        )
    )
    emails = notifications.officer_emails_of([i.company_id for i in invitations])
    for invitation in invitations:
        notifications.round_reminder(
            invitation.round, invitation, emails.get(invitation.company_id, [])
        )
    return len(invitations)
