"""Emails about programs: to planners on every submission, to the company on every decision.

Sent after the transaction commits, one message per person, in the portal's language. A mail
server that is down is logged; it never undoes a decision that has been recorded.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def _send(template: str, context: dict, recipients: list[str]) -> None:
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        text = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    subject, body = text.split("\n", 1)
    messages = [(subject.strip(), body.strip() + "\n", None, [r]) for r in recipients]

    def send():
        try:
            send_mass_mail(messages)
        except Exception:  # the decision stands; the failure is logged
            logger.exception("could not send %s to %d recipients", template, len(recipients))

    transaction.on_commit(send)


def program_submitted(program) -> None:
    planners = (
        get_user_model()
        .objects.filter(groups__name=get_user_model().PLANNER_GROUP, is_active=True)
        .exclude(email="")
    )
    _send(
        "programs/email/submitted.txt",
        {"program": program},
        list(planners.values_list("email", flat=True)),
    )


def program_decided(program, comment: str) -> None:
    officers = program.company.memberships.filter(user__is_active=True).exclude(user__email="")
    _send(
        "programs/email/decided.txt",
        {"program": program, "comment": comment},
        list(officers.values_list("user__email", flat=True)),
    )
