"""Downloads prepared in the background (core.prepared): asked once however often one clicks,
stored only when complete, failures shown, old files deleted, written in the asker's language."""

import datetime
import io
import logging

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core import prepared
from core.models import PreparedFile
from tests.factories import RoundFactory
from tests.utils import at_once, postgres_only


def ask(by, subject="report:1"):
    return prepared.ask(subject=subject, filename="laporan.xlsx", by=by)


def test_a_second_click_while_it_is_prepared_asks_nothing_more(planner):
    first, new = ask(planner)
    again, new_again = ask(planner)
    assert new and not new_again and again == first
    prepared.write(first.pk, lambda file: file.write(b"PK\x03\x04 data"))
    _third, new_third = ask(planner)
    assert new_third  # once ready, asking again makes a fresh one


def test_a_failure_is_logged_and_shown_never_a_half_written_file(planner, caplog):
    asked, _new = ask(planner)

    def broken(file):
        file.write(b"PK\x03\x04 half")
        raise RuntimeError("database went away")

    with caplog.at_level(logging.ERROR, logger="core.prepared"):
        failed = prepared.write(asked.pk, broken)
    assert failed.status == PreparedFile.Status.FAILED and not failed.file and failed.size == 0
    assert "could not prepare laporan.xlsx" in caplog.text


def test_only_the_newest_files_of_a_subject_are_kept(planner):
    stored = []
    for n in range(prepared.KEPT + 2):
        asked, _new = ask(planner)
        stored.append(prepared.write(asked.pk, lambda file, n=n: file.write(b"x" * (n + 1))))
    other, _new = ask(planner, subject="report:2")
    kept = PreparedFile.objects.filter(subject="report:1")
    assert [f.size for f in kept.order_by("-pk")] == [5, 4, 3]
    for gone in stored[:2]:
        assert not gone.file.storage.exists(gone.file.name)
    assert PreparedFile.objects.filter(pk=other.pk).exists()


def test_the_workbook_is_written_in_the_language_of_who_asked(
    client_for, planner, plan, django_capture_on_commit_callbacks
):
    round = RoundFactory(plan=plan)
    client = client_for(planner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("insight:round_workbook", args=[round.pk]))
    file = PreparedFile.objects.get(subject=round.workbook_subject)
    assert file.language == "en"
    with file.file.open("rb") as handle:
        workbook = openpyxl.load_workbook(io.BytesIO(handle.read()))
    assert workbook.sheetnames == [
        "Priorities",
        "Companies",
        "Kelurahan",
        "Programs in the round",
        "CSR in the plan",
    ]


def test_a_workbook_of_another_round_or_not_ready_is_not_served(
    planner_client, planner, plan, django_capture_on_commit_callbacks
):
    round, other = RoundFactory(plan=plan), RoundFactory(plan=plan, year=2028)
    with django_capture_on_commit_callbacks(execute=True):
        planner_client.post(reverse("insight:round_workbook", args=[round.pk]))
    file = PreparedFile.objects.get(subject=round.workbook_subject)
    url = reverse("insight:round_workbook_file", args=[other.pk, file.pk])
    assert planner_client.get(url).status_code == 404
    queued, _new = prepared.ask(subject=round.workbook_subject, filename="x.xlsx", by=planner)
    url = reverse("insight:round_workbook_file", args=[round.pk, queued.pk])
    assert planner_client.get(url).status_code == 404


@pytest.mark.parametrize("status", ["queued", "failed"])
def test_the_round_page_says_where_the_workbook_stands(planner_client, planner, plan, status):
    round = RoundFactory(plan=plan)
    asked, _new = prepared.ask(subject=round.workbook_subject, filename="x.xlsx", by=planner)
    if status == "failed":
        prepared.write(asked.pk, lambda file: 1 / 0)
    page = planner_client.get(round.get_absolute_url()).content.decode()
    expected = {"queued": "sedang disiapkan", "failed": "tidak dapat disiapkan"}[status]
    assert expected in page


def test_a_task_delivered_twice_writes_once_and_leaves_no_stray_file(planner):
    asked, _new = ask(planner)
    first = prepared.write(asked.pk, lambda file: file.write(b"PK\x03\x04 first"))
    storage = first.file.storage
    before = set(storage.listdir("prepared")[1])
    assert prepared.write(asked.pk, lambda file: file.write(b"PK\x03\x04 again")) is None
    assert set(storage.listdir("prepared")[1]) == before
    assert PreparedFile.objects.get(pk=asked.pk).file.read() == b"PK\x03\x04 first"


def test_a_build_given_up_as_stale_is_asked_again_and_its_late_file_dropped(planner):
    stale, _new = ask(planner)
    PreparedFile.objects.filter(pk=stale.pk).update(
        requested_at=timezone.now() - prepared.STALE - datetime.timedelta(seconds=1)
    )
    fresh, new = ask(planner)
    assert new and fresh != stale
    assert PreparedFile.objects.get(pk=stale.pk).status == PreparedFile.Status.FAILED
    assert prepared.write(stale.pk, lambda file: file.write(b"late")) is None


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_queue_one_build(planner):
    outcomes = at_once(lambda: ask(planner), lambda: ask(planner))
    assert sorted(new for _file, new in outcomes) == [False, True]
    assert outcomes[0][0].pk == outcomes[1][0].pk
    assert PreparedFile.objects.count() == 1
