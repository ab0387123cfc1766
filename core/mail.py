"""Mail that follows a decision: sent after the transaction commits, one message per person,
in the portal's language. A mail server that is down is logged; it never undoes a decision."""

import logging

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def send_on_commit(template: str, context: dict, recipients: list[str]) -> None:
    """Render `template` (first line: the subject) and mail it to each recipient on commit."""
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
