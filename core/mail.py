"""Mail that follows a decision: sent after the transaction commits (by the task queue's
worker when there is one), one message per person, in the portal's language. A mail server
that is down is tried again and logged; it never undoes a decision."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from core import tenancy
from core.tasks import run_later, send_messages

# Recipients per queued task: a failure retried resends to at most this many people.
BATCH = 100


def send_on_commit(
    template: str, context: dict, recipients: list[str], *, region: str | None = None
) -> None:
    """Render `template` (first line: the subject) and mail it to each recipient on commit.
    Its links lead into the region `region` (a code; default: the request's), whoever sends
    it: a request of another region, the admin, the worker."""
    if not recipients:
        return
    with (
        translation.override(settings.LANGUAGE_CODE),
        tenancy.serving(region or tenancy.current_code()),
    ):
        text = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    subject, body = text.split("\n", 1)
    messages = [(subject.strip(), body.strip() + "\n", None, [r]) for r in recipients]
    for start in range(0, len(messages), BATCH):
        run_later(send_messages, template, messages[start : start + BATCH])
