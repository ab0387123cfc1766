"""The task queue (core.tasks): eager without a broker, done here when the broker is down, done
by a real worker in another process when there is one; mail failures never undo a decision."""

import os
import smtplib
import subprocess
import sys
import time
import uuid

import pytest
import redis
from django.conf import settings
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from programs.models import Program

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
QUEUE_SCRIPT = (
    "from core.tasks import run_later, send_messages; "
    "run_later(send_messages, 'test', [['Pengingat', 'Isi pesan', None, ['{to}']]])"
)


class DownMailServer(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_mail_server_that_is_down_is_logged_and_the_decision_stands(
    officer_client, planner, program_a, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.DownMailServer"
    assert program_a.status == Program.Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(reverse("programs:submit", args=[program_a.pk]))
    assert response.status_code == 302
    program_a.refresh_from_db()
    assert program_a.status == Program.Status.SUBMITTED
    assert "could not send programs/email/submitted.txt" in caplog.text


def mail_to_files(tmp_path) -> dict[str, str]:
    """Another process's settings: mail written to files in tmp_path, and a database of its
    own (sending reads no table; the test database is not the one DATABASE_URL names)."""
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "sent"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}",
    }


def shell(script: str, tmp_path, **env) -> subprocess.CompletedProcess:
    """`manage.py shell -c script` in another process, mail written to files in tmp_path."""
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env={**os.environ, **mail_to_files(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def sent_to(tmp_path) -> list[str]:
    folder = tmp_path / "sent"
    return [p.read_text() for p in folder.iterdir()] if folder.exists() else []


def test_with_the_broker_down_the_work_is_done_in_the_process_that_asked(tmp_path):
    done = shell(
        QUEUE_SCRIPT.format(to="warga@example.org"),
        tmp_path,
        CELERY_BROKER_URL="redis://127.0.0.1:1/0",  # nothing listens there
    )
    assert "task queue redis://127.0.0.1:1/0 unavailable" in done.stderr
    (message,) = sent_to(tmp_path)
    assert "To: warga@example.org" in message and "Pengingat" in message


def test_a_worker_in_another_process_sends_what_this_one_queued(tmp_path):
    """With CELERY_BROKER_URL set the asking process only queues; a `celery worker` (another
    process, as in docker-compose.yml) sends."""
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_TEST_URL}")
    queue = f"test-{uuid.uuid4().hex}"  # this test's own queue: parallel runs never meet
    env = {"CELERY_BROKER_URL": REDIS_TEST_URL, "CELERY_QUEUE": queue}
    shell(QUEUE_SCRIPT.format(to="camat@example.org"), tmp_path, **env)
    assert sent_to(tmp_path) == []  # queued, not sent here

    celery = [sys.executable, "-m", "celery", "-A", "csrportal"]
    worker = subprocess.Popen(
        [*celery, "worker", "--pool=solo", "-Q", queue, "--without-mingle", "--loglevel=warning"],
        cwd=settings.BASE_DIR,
        env={**os.environ, **mail_to_files(tmp_path), **env},
    )
    try:
        deadline = time.monotonic() + 60
        while not sent_to(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    (message,) = sent_to(tmp_path)
    assert "To: camat@example.org" in message
    assert mail.outbox == []
