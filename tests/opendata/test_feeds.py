"""The open-data files (opendata.feeds): written once and served as files with ETag,
Last-Modified and byte ranges; the previous file is served while a new one is written (by the
worker, or after the response), never while a person waits; one deployment-wide feed."""

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from lxml import etree

from core import versions
from core.models import PreparedFile
from opendata import feeds, tasks
from planning.models import DevelopmentPlan
from programs.models import Program
from tests.factories import ProgramFactory

URL = "/open-data/iati-activities.xml"


@pytest.fixture
def approved(plan, company_a):
    return ProgramFactory(company=company_a, plan=plan, status=Program.Status.APPROVED, title="A")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def titles(response) -> list[str]:
    return etree.fromstring(body(response)).xpath("//iati-activity/title/narrative/text()")


def age(seconds: int) -> None:
    """Every feed file written `seconds` ago."""
    then = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=seconds)
    PreparedFile.objects.filter(subject__startswith="opendata:").update(
        requested_at=then, finished_at=then
    )


def test_a_file_is_served_with_its_validators_and_byte_ranges(client, approved):
    whole = client.get(URL)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    content = body(whole)
    assert int(whole["Content-Length"]) == len(content)
    etag, modified = whole["ETag"], whole["Last-Modified"]
    assert client.get(URL, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(URL, headers={"If-Modified-Since": modified}).status_code == 304
    part = client.get(URL, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and body(part) == content[:100]
    assert part["Content-Range"] == f"bytes 0-99/{len(content)}"
    tail = client.get(URL, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and body(tail) == content[-10:]
    assert client.get(URL, headers={"Range": f"bytes={len(content)}-"}).status_code == 416
    changed = client.get(URL, headers={"Range": "bytes=0-9", "If-Range": '"another"'})
    assert changed.status_code == 200 and body(changed) == content
    # A second request reads the file: nothing is written again.
    assert PreparedFile.objects.filter(subject="opendata:36.72:xml").count() == 1


def test_the_previous_file_is_served_while_the_worker_writes_the_next(
    client, approved, plan, company_a, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # a worker
    assert titles(client.get(URL)) == ["A"]
    ProgramFactory(company=company_a, plan=plan, status=Program.Status.APPROVED, title="B")
    versions.bump("needs")  # as an approval does
    age(6 * 60)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert titles(client.get(URL)) == ["A"]  # the previous file, at once
        assert titles(client.get(URL)) == ["A"]  # still: one file being written, not two
    assert len(queued) == 1
    with mock.patch.object(tasks.write_feed, "apply_async", lambda a: tasks.write_feed.apply(a)):
        queued[0]()  # the worker writes it
    assert titles(client.get(URL)) == ["A", "B"]
    assert PreparedFile.objects.filter(subject="opendata:36.72:xml", status="ready").count() == 2


def test_without_a_worker_the_next_file_is_written_after_the_response(
    client, approved, plan, company_a
):
    assert titles(client.get(URL)) == ["A"]
    ProgramFactory(company=company_a, plan=plan, status=Program.Status.APPROVED, title="B")
    versions.bump("needs")
    with mock.patch.object(feeds.prepared, "write", wraps=feeds.prepared.write) as wrote:
        age(6 * 60)
        response = client.get(URL)
        assert titles(response) == ["A"]  # served the previous file...
        assert wrote.call_count == 1  # ...and wrote the next once the response had gone
    assert titles(client.get(URL)) == ["A", "B"]


def test_unchanged_figures_are_not_written_again_until_an_hour_has_passed(client, approved):
    client.get(URL)
    age(30 * 60)  # old, but nothing changed
    client.get(URL)
    assert PreparedFile.objects.filter(subject="opendata:36.72:xml").count() == 1
    age(61 * 60)
    client.get(URL)
    assert PreparedFile.objects.filter(subject="opendata:36.72:xml").count() == 2


def test_while_another_request_writes_the_first_file_the_answer_is_come_back_later(
    client, approved
):
    feeds.prepared.ask(subject="opendata:36.72:xml", filename="x.xml", by=None)
    response = client.get(URL)
    assert response.status_code == 503 and response["Retry-After"] == "30"


def test_the_deployments_feed_holds_every_region_each_as_its_own_reporter(
    client, approved, balikpapan, company_a
):
    plan = DevelopmentPlan.objects.get(city=balikpapan)
    ProgramFactory(company=company_a, plan=plan, status=Program.Status.IN_PROGRESS, title="M")
    root = etree.fromstring(body(client.get(reverse("opendata:iati_all_xml"))))
    refs = root.xpath("//iati-activity/reporting-org/@ref")
    assert sorted(refs) == ["XI-IATI-CONTOH-3672", "XI-IATI-CONTOH-6471"]
    # Each region's own feed holds only its own.
    assert titles(client.get("/64.71" + URL)) == ["M"]


def test_the_command_writes_every_feed_ahead(approved, balikpapan):
    call_command("write_open_data", verbosity=0)
    subjects = set(PreparedFile.objects.values_list("subject", flat=True))
    assert subjects == {
        f"opendata:{scope}:{fmt}" for scope in ("36.72", "64.71", "all") for fmt in ("xml", "json")
    }
