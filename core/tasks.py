"""Work done after the request: queued for the Celery worker once the transaction commits.

`run_later` is the one way to queue. Without a broker (CELERY_BROKER_URL unset) the task runs
at once, in the same process; with a broker that cannot be reached it runs here too, so a
Redis outage delays no decision and loses no mail."""

import logging

from celery import shared_task
from django.core.mail import send_mass_mail
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

MAIL_RETRIES = 5


def run_later(task, /, *args) -> None:
    """Queue `task(*args)` (JSON-serialisable arguments) when the current transaction commits."""

    def queue():
        try:
            task.apply_async(args)
        except OperationalError:
            logger.exception("task queue unreachable: %s runs in this process", task.name)
            task.apply(args)

    transaction.on_commit(queue)


@shared_task(bind=True, max_retries=MAIL_RETRIES)
def send_messages(self, template: str, messages: list[list]) -> int:
    """Send (subject, body, sender, recipients) messages in one connection. A mail server that
    fails is tried again (1, 2, 4, 8, 16 minutes later) by a worker; when the task runs in the
    request, or the last try fails, the failure is logged: the decision it reports stands."""
    try:
        return send_mass_mail([tuple(message) for message in messages])
    except OSError as exc:  # smtplib's errors and refused connections alike
        if self.request.is_eager or self.request.retries >= self.max_retries:
            logger.exception("could not send %s to %d recipients", template, len(messages))
            return 0
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
