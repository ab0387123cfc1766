"""Work done after the request: queued for the Celery worker once the transaction commits.

`run_later` is the one way to queue. Without a broker (CELERY_BROKER_URL unset) the task runs
at once, in the same process; with a broker that cannot be reached it runs here too, so a
Redis outage delays no decision and loses no mail."""

import contextvars
import logging
import time

from celery import current_app, shared_task
from django.conf import settings
from django.core.mail import send_mass_mail
from django.core.signals import request_finished, request_started
from django.db import transaction
from kombu.exceptions import OperationalError

from . import outages

logger = logging.getLogger(__name__)

MAIL_RETRIES = 5


def run_later(task, /, *args) -> None:
    """Queue `task(*args)` (JSON-serialisable arguments) when the current transaction commits.

    A broker that failed a moment ago is not tried again for a few seconds (core.outages):
    the task runs here at once; the outage is logged once, not once per task."""

    def queue():
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            queue_breaker = broker()
            if not queue_breaker.should_skip():
                started = time.monotonic()
                try:
                    task.apply_async(args)
                except OperationalError as error:
                    queue_breaker.failed(error, spent=time.monotonic() - started)
                else:
                    queue_breaker.answered()
                    return
        task.apply(args)

    transaction.on_commit(queue)


def run_soon(task, /, *args) -> None:
    """Queue `task(*args)` for the worker; without a broker, do it after the response was sent
    (never in the request: a person does not wait for it)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        after_response(lambda: task.apply(args))
    else:
        run_later(task, *args)


# Work a request leaves for after its response: None outside a request (done at once).
_after: contextvars.ContextVar[list | None] = contextvars.ContextVar("after_response", default=None)


def after_response(work) -> None:
    """Do `work()` once the request's response has been sent (Django's `request_finished`,
    when the server closes the response); at once outside a request. A failure is logged."""
    waiting = _after.get()
    if waiting is None:
        _run(work)
    else:
        waiting.append(work)


def _run(work) -> None:
    try:
        work()
    except Exception:  # the response was sent: nobody to show it to
        logger.exception("work after the response failed")


def _started(**kwargs) -> None:
    _after.set([])


def _finished(**kwargs) -> None:
    waiting = _after.get()
    _after.set(None)
    for work in waiting or ():
        _run(work)


request_started.connect(_started, dispatch_uid="after_response_started")
request_finished.connect(_finished, dispatch_uid="after_response_finished")


def broker() -> outages.Breaker:
    return outages.breaker(f"task queue {outages.safe_address(settings.CELERY_BROKER_URL)}")


def broker_answers() -> bool:
    """Whether the broker accepts a connection (for /healthz): without a try when this
    process queued a task a moment ago; otherwise one connection, at most half a second, even
    while the breaker leaves the broker alone (a success ends the process's outage at once)."""
    queue_breaker = broker()
    if queue_breaker.answered_within(outages.HEALTHY_SECONDS):
        return True
    started = time.monotonic()
    try:
        with current_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0, timeout=0.5)
    except (OperationalError, OSError) as error:
        queue_breaker.failed(error, spent=time.monotonic() - started)
        return False
    queue_breaker.answered()
    return True


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
