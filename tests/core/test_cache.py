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
from core.cache import ResilientRedisCache
from core.models import SharedCacheState
from tests.utils import PrivateRedis


@pytest.fixture
def redis_server():
    server = PrivateRedis.or_skip()
    server.start()
    yield server
    server.stop()


def forget_this_process():
    """As a process that starts now: no breaker, no memory of missed writes."""
    outages._breakers.clear()
    ResilientRedisCache._missed_writes.clear()
    ResilientRedisCache._checked.clear()


@pytest.fixture
def resilient(redis_server, settings, db):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": redis_server.url(1),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    forget_this_process()
    cache = caches["default"]
    yield cache
    forget_this_process()


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


@pytest.fixture
def kept_redis(settings, tmp_path, db):
    """A Redis that keeps its data across a restart (append-only, as docker-compose.yml runs
    it), as this process's cache."""
    server = PrivateRedis.or_skip(folder=tmp_path)
    server.start()
    settings.CACHES = {
        "default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": server.url(1)}
    }
    forget_this_process()
    yield server
    server.stop()
    forget_this_process()


def test_a_deletion_missed_during_an_outage_is_never_read_back(kept_redis):
    """A session deleted (a sign-out) while Redis was away must not come back from a Redis
    that kept its data: the cache is emptied before it is read again."""
    caches["default"].set("session", "signed in")
    kept_redis.stop()
    caches["default"].delete("session")  # refused: missed
    kept_redis.start()
    assert kept_redis.keys() == 1, "Redis lost its data: the test proves nothing"
    retry_now()
    assert caches["default"].get("session") is None
    assert kept_redis.keys() == 0


def test_a_deletion_skipped_while_redis_is_left_alone_is_never_read_back(kept_redis):
    """The first failure was a read: the deletions that follow are not even tried (the
    breaker is open), and are missed all the same."""
    caches["default"].set("session", "signed in")
    kept_redis.stop()
    assert caches["default"].get("anything") is None  # the failure: Redis left alone
    caches["default"].delete("session")  # skipped
    kept_redis.start()
    retry_now()
    assert caches["default"].get("session") is None


def test_a_write_another_process_missed_is_never_read_back(kept_redis):
    """The process that missed the deletion is gone (restarted, or another worker): the note it
    left in the database makes this one empty Redis before its first read."""
    caches["default"].set("session", "signed in")
    kept_redis.stop()
    caches["default"].delete("session")  # missed by "the other process"
    kept_redis.start()
    forget_this_process()  # this process knows nothing of it
    assert SharedCacheState.objects.get().stale_since is not None
    assert caches["default"].get("session") is None
    assert SharedCacheState.objects.get().stale_since is None  # emptied once, for all


def test_a_process_that_missed_nothing_reads_the_cache_without_emptying_it(kept_redis):
    caches["default"].set("figure", 42)
    forget_this_process()
    assert caches["default"].get("figure") == 42


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


def test_healthz_says_which_helper_is_away(resilient, redis_server, client):
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
            # Back: the health check tries both at once, though the breakers would leave them
            # alone for a while yet, and its answer ends this process's outage.
            assert all(breaker.should_skip() for breaker in outages._breakers.values())
            redis_server.start()
            assert health(client)[1]["status"] == "ok"
            assert not any(breaker.is_down for breaker in outages._breakers.values())
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
