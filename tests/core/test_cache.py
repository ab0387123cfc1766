"""The shared cache (core.cache) and the task queue (core.tasks) without Redis: a miss, never
an error; an outage logged once; what was missed during it never read back stale."""

import json
import logging
import time

import pytest
from django.core.cache import caches
from django.template import engines
from django.test import override_settings
from django.urls import reverse

from core import outages, tasks
from tests.utils import PrivateRedis


@pytest.fixture
def redis_server():
    server = PrivateRedis.or_skip()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def resilient(redis_server, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": redis_server.url(1),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    outages._breakers.clear()
    cache = caches["default"]
    yield cache
    outages._breakers.clear()


def retry_now():
    """Let every breaker try its helper again at once (instead of seconds later)."""
    for breaker in outages._breakers.values():
        breaker.retry_at = 0.0


def test_a_stopped_redis_is_an_empty_cache(resilient, redis_server):
    resilient.set("figure", 42)
    assert resilient.get("figure") == 42
    redis_server.stop()
    assert resilient.get("figure") is None
    assert resilient.get("figure", "default") == "default"
    assert resilient.get_or_set("computed", lambda: 7) == 7
    assert resilient.add("lock", True) is False
    assert resilient.get_many(["figure", "computed"]) == {}
    assert resilient.set_many({"a": 1}) == ["a"]
    assert resilient.has_key("figure") is False
    resilient.set("figure", 43)
    resilient.delete("figure")
    resilient.delete_many(["a"])
    with pytest.raises(ValueError):
        resilient.incr("figure")
    fragment = "{% load cache %}{% cache 60 block %}drawn{% endcache %}"
    assert engines["django"].from_string(fragment).render({}) == "drawn"


def test_a_failed_redis_is_left_alone_for_a_while_and_logged_once(resilient, redis_server, caplog):
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="csrportal.outages"):
        for _ in range(20):
            resilient.get("figure")
    breaker = next(iter(outages._breakers.values()))
    assert breaker.is_down and breaker.should_skip()
    assert len(caplog.records) == 1, caplog.text
    assert "unavailable" in caplog.text and "redis://127.0.0.1" in caplog.text
    redis_server.start()
    retry_now()
    with caplog.at_level(logging.WARNING, logger="csrportal.outages"):
        resilient.set("figure", 1)
        assert resilient.get("figure") == 1
    assert not breaker.is_down
    assert "answers again" in caplog.text


def test_a_hung_redis_costs_one_timeout_then_nothing(resilient, redis_server):
    resilient.set("figure", 42)
    redis_server.hang()
    try:
        started = time.monotonic()
        assert resilient.get("figure") is None  # the socket timeout: 0.5 s
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(50):
            assert resilient.get("figure") is None
        then = time.monotonic() - started
    finally:
        redis_server.resume()
    assert first < 2
    assert then < 0.2, f"{then:.2f} s for 50 reads while Redis was left alone"


def test_what_was_missed_during_an_outage_is_never_read_back(settings, tmp_path):
    """A session deleted (a sign-out) while Redis was away must not come back from a Redis
    that kept its data (append-only, restarted): the process that missed the deletion empties
    Redis before it reads from it again."""
    redis_server = PrivateRedis.or_skip(folder=tmp_path)
    redis_server.start()
    try:
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.ResilientRedisCache",
                "LOCATION": redis_server.url(1),
            }
        }
        outages._breakers.clear()
        resilient = caches["default"]
        resilient.set("session", "signed in")
        redis_server.stop()
        resilient.delete("session")  # refused: missed
        redis_server.start()
        assert redis_server.keys() == 1, "Redis lost its data: the test proves nothing"
        retry_now()
        assert resilient.get("session") is None
        assert redis_server.keys() == 0
    finally:
        redis_server.stop()
        outages._breakers.clear()


def test_sessions_and_pages_go_on_without_redis(
    resilient, redis_server, client, planner, program_a
):
    client.force_login(planner)
    assert client.get(reverse("programs:list")).status_code == 200
    redis_server.stop()
    assert client.get(reverse("programs:list")).status_code == 200
    assert client.get(reverse("planning:need_list")).status_code == 200
    client.logout()
    response = client.get(reverse("programs:list"))
    assert response.status_code == 302  # signed out for good


def health(client) -> tuple[int, dict]:
    response = client.get(reverse("healthz"))
    return response.status_code, json.loads(response.content)


def test_healthz_says_which_helper_is_away(resilient, redis_server, client, db):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=redis_server.url(2)):
        from celery import current_app

        current_app.conf.broker_url = redis_server.url(2)
        try:
            assert health(client) == (
                200,
                {"status": "ok", "database": "ok", "cache": "ok", "task_queue": "ok"},
            )
            redis_server.stop()
            outages._breakers.clear()
            assert health(client) == (
                200,
                {
                    "status": "degraded",
                    "database": "ok",
                    "cache": "unavailable",
                    "task_queue": "unavailable",
                },
            )
        finally:
            current_app.conf.broker_url = None


def test_tasks_run_here_while_the_queue_is_away(settings, db, django_capture_on_commit_callbacks):
    """Past the first failure the broker is not tried again for a while: the task runs in
    the request at once."""
    from kombu.exceptions import OperationalError

    settings.CELERY_TASK_ALWAYS_EAGER = False
    outages._breakers.clear()
    tried, done = [], []

    class Task:
        name = "test"

        def apply_async(self, args):
            tried.append(args)
            raise OperationalError("Connection refused")

        def apply(self, args):
            done.append(args)

    try:
        with django_capture_on_commit_callbacks(execute=True):
            tasks.run_later(Task(), 1)
            tasks.run_later(Task(), 2)
        assert done == [(1,), (2,)]
        assert tried == [(1,)]
        assert tasks.broker().should_skip()
    finally:
        outages._breakers.clear()
