"""Open data anyone may download: the committed programs as IATI 2.03 XML and as JSON, the
request's region's or the whole deployment's, served from the files the worker writes
(opendata.feeds)."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from core import tenancy
from core.uploads import serve_public
from planning.models import DevelopmentPlan

from . import feeds

# Seconds a client or proxy may keep a file before asking again (a file lags the figures by up
# to feeds.FRESH anyway).
CACHE_SECONDS = 300
RETRY_SECONDS = 30


@require_safe
def iati(request, fmt: str, everywhere: bool = False):
    if everywhere:
        scope = feeds.ALL
    else:
        if DevelopmentPlan.objects.current() is None:
            raise Http404
        scope = tenancy.current_code()
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
