"""The open-data files: each served region's IATI activities, and the whole deployment's, as
XML and JSON, written by the worker into storage (core.prepared) and served as files.

A request serves the newest file written. When that file is older than FRESH and the figures
changed since (the version tokens "needs" and "reach": an approval, a cancellation, a
verification, an import, a ring), or older than MAX_AGE whatever changed, a new one is asked
for: written by the worker, or without one after the response, never while a person waits;
the request is served the previous file meanwhile. Only the very first file of a feed is
written in the request that asks for it (then kept); a second request asking meanwhile is told
to come back (503 with Retry-After). `manage.py write_open_data` writes them all ahead (a
deployment's first start at national scale, where a feed takes minutes).
"""

import datetime

from celery import shared_task
from django.utils import timezone, translation

from core import prepared, replica, tenancy, versions
from core.models import PreparedFile
from core.tasks import run_soon
from planning.models import DevelopmentPlan
from regions.models import Region, ServedRegion

from . import iati

FRESH = datetime.timedelta(minutes=5)
MAX_AGE = datetime.timedelta(hours=1)
ALL = "all"  # the whole deployment's feed
# The open licences a deployment may publish its data under (settings.OPEN_DATA_LICENCE):
# code, name, address of the licence's text.
LICENCES = {
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "https://creativecommons.org/licenses/by/4.0/deed.id",
    ),
    "CC0-1.0": (
        "Creative Commons Zero 1.0 (CC0)",
        "https://creativecommons.org/publicdomain/zero/1.0/deed.id",
    ),
    "ODC-BY-1.0": (
        "Open Data Commons Attribution License 1.0 (ODC-By)",
        "https://opendatacommons.org/licenses/by/1-0/",
    ),
}
FORMATS = {
    "xml": ("iati-activities.xml", "application/xml; charset=utf-8"),
    "json": ("iati-activities.json", "application/json"),
}


class BeingWritten(Exception):
    """No file of the feed yet, and another request is writing the first."""


def subject(scope: str, fmt: str) -> str:
    return f"opendata:{scope}:{fmt}"


def figures_version() -> str:
    return versions.current("needs", "reach", "publishing")


def plans(scope: str) -> list[DevelopmentPlan]:
    """The plans a feed publishes: the region's current one, or every served region's."""
    if scope != ALL:
        with tenancy.serving(scope):
            plan = DevelopmentPlan.objects.select_related("city").current()
        return [plan] if plan else []
    served = Region.objects.filter(code__in=ServedRegion.objects.codes())
    found = DevelopmentPlan.objects.select_related("city").current_of(served)
    return sorted(found.values(), key=lambda plan: plan.city.code)


def is_due(file: PreparedFile, version: str) -> bool:
    age = timezone.now() - (file.finished_at or file.requested_at)
    return age > MAX_AGE or (age > FRESH and file.version != version)


def current(scope: str, fmt: str) -> PreparedFile:
    """The newest file of the feed to serve; a newer one asked for when it is due. Raises
    BeingWritten while another request writes the feed's first file."""
    name = subject(scope, fmt)
    files = PreparedFile.objects.filter(subject=name).order_by("-requested_at", "-pk")
    ready = files.filter(status=PreparedFile.Status.READY).first()
    version = figures_version()
    if ready is not None and not is_due(ready, version):
        return ready
    newest = files.first()
    writing = newest is not None and newest.status == PreparedFile.Status.QUEUED
    if writing and timezone.now() - newest.requested_at < prepared.STALE:
        if ready is None:
            raise BeingWritten
        return ready  # being written: the previous one meanwhile
    asked, new = prepared.ask(subject=name, filename=FORMATS[fmt][0], by=None, version=version)
    if ready is None:
        first = prepared.write(asked.pk, filler(scope, fmt)) if new else None
        if first is None or first.status != PreparedFile.Status.READY:
            raise BeingWritten  # another request writes it, or it failed (logged)
        return first
    if new:
        run_soon(write_feed, asked.pk, scope, fmt)
    return ready


def filler(scope: str, fmt: str):
    """What writes the feed into a file (core.prepared.write). The activities declare
    xml:lang="id": their words are Indonesian whoever asked."""

    def fill(file):
        with translation.override("id"), replica.lagging_reads():
            iati.write(plans(scope), file, fmt)

    return fill


@shared_task
def write_feed(prepared_id: int, scope: str, fmt: str) -> None:
    """Write the feed's file `prepared_id` (the worker, or the process after its response)."""
    prepared.write(prepared_id, filler(scope, fmt))


def write_all() -> list[PreparedFile]:
    """Every feed written now, whatever its age (`manage.py write_open_data`)."""
    written = []
    for scope in [*sorted(ServedRegion.objects.codes()), ALL]:
        for fmt in FORMATS:
            asked, new = prepared.ask(
                subject=subject(scope, fmt),
                filename=FORMATS[fmt][0],
                by=None,
                version=figures_version(),
            )
            if new and (file := prepared.write(asked.pk, filler(scope, fmt))):
                written.append(file)
    return written
