"""Expensive values (core.kept): served stale while exactly one process renews them, counted
once when missing however many ask at once, and counted by everyone, without waiting, when
the cache does not answer."""

import threading
import time
from unittest import mock

import pytest
from django.core.cache import cache

from core import kept, tasks

CALLS: list[str] = []


@kept.renewable("test-slow", fresh=60, per_language=False)
def slow(label: str) -> str:
    CALLS.append(label)
    threading.Event().wait(0.2)  # long enough for every thread to ask meanwhile
    return f"{label} #{len(CALLS)}"


@pytest.fixture(autouse=True)
def _fresh():
    CALLS.clear()
    cache.clear()


def at_once(work, threads: int = 8) -> list:
    """`work()` in `threads` threads started together; their results."""
    results, start = [None] * threads, threading.Barrier(threads)

    def run(n):
        start.wait()
        results[n] = work()

    pool = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return results


def test_a_missing_value_asked_for_at_once_is_counted_once():
    assert at_once(lambda: slow("x")) == ["x #1"] * 8
    assert CALLS == ["x"]


def test_a_stale_value_is_served_while_exactly_one_renews_it():
    assert slow("x") == "x #1"
    clock = time.time() + 61  # a minute later: stale
    with mock.patch.object(kept.time, "time", lambda: clock):
        served = at_once(lambda: slow("x"))
    # Outside a request the one that took the lock renews it at once, after it too was served
    # the old value.
    assert served == ["x #1"] * 8
    assert CALLS == ["x", "x"]
    assert slow("x") == "x #2"


def test_in_a_request_the_renewal_waits_for_the_response():
    slow("x")
    done = []
    tasks._started()  # as Django's request_started
    clock = time.time() + 61
    with mock.patch.object(kept.time, "time", lambda: clock):
        done.append(slow("x"))  # the page: served the old value, nothing counted yet
        assert CALLS == ["x"]
    tasks._finished()  # the response was sent
    assert done == ["x #1"] and CALLS == ["x", "x"]
    assert slow("x") == "x #2"


def test_forgotten_it_is_counted_at_the_next_read():
    slow("x")
    slow.forget("x")
    assert slow("x") == "x #2"


class Away:
    """A cache that does not answer (core.cache during a Redis outage): every read a miss,
    every write skipped."""

    def get(self, key, default=None):
        return default

    def add(self, *args, **kwargs):
        return False

    def set(self, *args, **kwargs):
        return None

    def delete(self, *args, **kwargs):
        return False

    def delete_many(self, *args, **kwargs):
        return None


def test_when_the_cache_does_not_answer_everyone_counts_without_waiting():
    with (
        mock.patch.object(kept, "cache", Away()),
        mock.patch.object(kept.time, "sleep") as waited,
    ):
        assert slow("x") == "x #1"
        assert slow("x") == "x #2"
    assert not waited.called


def test_a_holder_that_died_is_waited_for_a_bounded_time(settings):
    cache.add(slow.key(("x",)) + ":counting", True, 300)  # a process began to count, then died
    with mock.patch.object(kept, "WAIT_SECONDS", 0.2):
        assert slow("x") == "x #1"
    assert CALLS == ["x"]


def test_a_count_that_began_before_a_change_does_not_keep_its_result():
    original = slow.count

    def count_then_change(label):
        value = original(label)
        slow.forget(label)  # the data changed while it was being counted
        return value

    object.__setattr__(slow, "count", count_then_change)
    try:
        assert slow("x") == "x #1"  # the reader that counted gets its count...
    finally:
        object.__setattr__(slow, "count", original)
    assert slow("x") == "x #2"  # ...but it was not kept: counted afresh
