"""While the database does not answer, every page is a 503 with Retry-After, no error mail."""

import logging

import pytest
from django.core import mail
from django.db import OperationalError
from django.test import Client

from core.logging import DatabaseOutageFilter
from programs.models import ProgramQuerySet


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(ProgramQuerySet, "visible_to", refuse)


def test_a_page_needing_the_database_answers_503_in_indonesian(planner, database_down, settings):
    settings.ADMINS = [("Admin", "admin@example.org")]
    client = Client(raise_request_exception=False)
    client.force_login(planner)
    response = client.get("/programs/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Portal sedang tidak tersedia" in response.content.decode()
    assert mail.outbox == []  # an outage mails nobody; a bug still does


def test_an_ordinary_bug_is_still_a_500(planner, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(ProgramQuerySet, "visible_to", broken)
    client = Client(raise_request_exception=False)
    client.force_login(planner)
    assert client.get("/programs/").status_code == 500


def test_outage_records_are_one_warning_line_without_traceback():
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        import sys

        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Service Unavailable: %s", ("/",),
            sys.exc_info(),
        )  # fmt: skip
    assert DatabaseOutageFilter().filter(record)
    assert (record.levelno, record.exc_info) == (logging.WARNING, None)
    assert "connection refused" in record.getMessage()
