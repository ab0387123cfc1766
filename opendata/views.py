"""Open data anyone may download: the committed programs as IATI 2.03 XML and as JSON, the
request's region's or the whole deployment's, served from the files the worker writes
(opendata.feeds); and the page that tells what they hold, under which licence."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from core import tenancy
from core.models import PreparedFile
from core.replica import LaggingReadsMixin
from core.uploads import serve_public
from planning.models import DevelopmentPlan

from . import feeds
from .iati import organisation_refs

# Seconds a client or proxy may keep a file before asking again (a file lags the figures by up
# to feeds.FRESH anyway).
CACHE_SECONDS = 300
RETRY_SECONDS = 30


@require_safe
def iati(request, fmt: str, everywhere: bool = False):
    if everywhere:
        scope = feeds.ALL
    else:
        scope = tenancy.current_code()
        if DevelopmentPlan.objects.current() is None or not organisation_refs([scope]):
            raise Http404  # nothing published here (the Data page says why)
    try:
        file = feeds.current(scope, fmt)
    except feeds.BeingWritten:
        text = _("The open data are being written. Please try again in a minute.")
        response = HttpResponse(text, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_SECONDS)
        return response
    return serve_public(
        request,
        file.file,
        content_type=feeds.FORMATS[fmt][1],
        etag=f'"{file.pk}-{file.size}"',
        modified=file.finished_at or file.requested_at,
        max_age=CACHE_SECONDS,
    )


class DataView(LaggingReadsMixin, TemplateView):
    """The open data of the region and of the whole deployment: the files, what they hold and
    leave out, how fresh they are, the licence, and the region's IATI identifier (or why it is
    not published yet)."""

    template_name = "opendata/data.html"

    def get_context_data(self, **kwargs):
        code = tenancy.current_code()
        published = DevelopmentPlan.objects.current() is not None
        reference = organisation_refs([code]).get(code)
        newest = {}
        for subject, finished in (
            PreparedFile.objects.filter(
                subject__in=[feeds.subject(scope, "xml") for scope in (code, feeds.ALL)],
                status=PreparedFile.Status.READY,
            )
            .order_by("subject", "-finished_at")
            .values_list("subject", "finished_at")
        ):
            newest.setdefault(subject, finished)
        return super().get_context_data(
            plan_published=published,
            reference=reference,
            updated=newest.get(feeds.subject(code, "xml")),
            updated_all=newest.get(feeds.subject(feeds.ALL, "xml")),
            # (an unknown one stops `manage.py check`; the default meanwhile, never a 500)
            licence=feeds.LICENCES.get(settings.OPEN_DATA_LICENCE, feeds.LICENCES["CC-BY-4.0"]),
            fresh_minutes=int(feeds.FRESH.total_seconds() // 60),
            max_age_minutes=int(feeds.MAX_AGE.total_seconds() // 60),
            **kwargs,
        )
