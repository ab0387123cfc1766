"""Open data anyone may download: the committed programs as IATI 2.03 XML and as JSON."""

import json

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from planning.models import DevelopmentPlan

from . import iati

CACHE_SECONDS = 300


def _document(fmt: str) -> bytes:
    plan = DevelopmentPlan.objects.current()
    if plan is None:
        raise Http404

    def build() -> bytes:
        with translation.override("id"):  # the activities declare xml:lang="id"
            root = iati.activities(plan)
        if fmt == "json":
            return json.dumps(iati.as_json(root), ensure_ascii=False, indent=1).encode()
        return iati.as_xml(root)

    return cache.get_or_set(f"opendata:iati:{plan.pk}:{fmt}", build, CACHE_SECONDS)


@require_safe
def iati_xml(request):
    response = HttpResponse(_document("xml"), content_type="application/xml; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


@require_safe
def iati_json(request):
    response = HttpResponse(_document("json"), content_type="application/json")
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response
