"""Downloads prepared in the background (core.prepared): asked once however often one clicks,
stored only when complete, failures shown, old files deleted, written in the asker's language."""

import io
import logging

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse

from core import prepared
from core.models import PreparedFile
from tests.factories import RoundFactory


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
    assert workbook.sheetnames == ["Priorities", "Companies", "Kelurahan", "Programs in the round"]


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
