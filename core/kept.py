"""Expensive values kept in the cache and renewed without a stampede, and without a person
waiting for them (the compliance of 5,000 companies, the dashboard's sums, the public figures
and maps, the overviews).

A value is kept with the time it was counted. A read finds it:
- fresh (counted less than `fresh` seconds ago): it is served;
- stale: it is served all the same, and exactly one process renews it: the one whose
  `cache.add` of the value's lock succeeds (in the shared cache, so one in the deployment).
  With a worker (a broker and a shared cache) the worker counts it; without one, the process
  counts it after its response has been sent (`core.tasks.after_response`), never before;
- missing (a cold cache, a value forgotten): one process counts it while the others wait for
  it, up to WAIT_SECONDS, then count it themselves (a holder that died). When the cache does
  not answer (a Redis outage) every request counts it, as on a cold cache: slower, never down.

Each kind is declared once (`renewable`), with a name and a function of JSON-serialisable
arguments, so the worker can count it by name (`renew_kept`). Its key carries the
request's region and language: the function runs in them. docs/caching.md lists every kind.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from . import tenancy
from .tasks import after_response, run_soon

# A renewal queued and not done by then (a worker that died, or none) may be queued again.
QUEUED_SECONDS = 5 * 60
# A count not finished by then (its process died) no longer holds the readers that wait.
COUNTING_SECONDS = 60
# How long a request waits for a missing value another process is counting: well under
# gunicorn's 30 s timeout, after which it counts the value itself.
WAIT_SECONDS = 8
POLL_SECONDS = 0.05

_kinds: dict[str, "Renewable"] = {}
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Renewable:
    name: str
    count: Callable
    fresh: int  # seconds a value is served without a renewal
    keep: int  # seconds a value is kept at all (served stale meanwhile)
    per_language: bool  # its text is in the reader's language
    per_region: bool  # it depends on the request's region

    def key(self, args) -> str:
        parts = ":".join("" if a is None else str(a) for a in args)
        language = translation.get_language() if self.per_language else ""
        region = tenancy.current_code() if self.per_region else ""
        return f"kept:{self.name}:{region}:{language}:{parts}"

    def __call__(self, *args):
        return read(self, args)

    def forget(self, *args) -> None:
        """The value of `args` in the request's region and language is counted again at its
        next read (in that read: a change the person who made it must see at once). A count
        that started before keeps its result to itself."""
        key = self.key(args)
        cache.set(f"{key}:forgotten", time.time(), self.keep)
        cache.delete_many([key, f"{key}:counting", f"{key}:queued"])

    def renew(self, *args):
        """Count the value of `args` now and keep it (a renewal, the worker, a cold read)."""
        key = self.key(args)
        started = time.time()
        cache.set(f"{key}:counting", True, COUNTING_SECONDS)
        try:
            value = self.count(*args)
            forgotten = cache.get(f"{key}:forgotten")
            if forgotten is None or forgotten < started:  # else the data changed meanwhile
                cache.set(key, (time.time(), value), self.keep)
            return value
        finally:
            cache.delete_many([f"{key}:counting", f"{key}:queued"])


def renewable(
    name: str,
    *,
    fresh: int,
    keep: int | None = None,
    per_language: bool = True,
    per_region: bool = True,
):
    """Declare an expensive value: `@renewable("compliance", fresh=60)` over its counting
    function. Calling the result reads the value (kept, or counted once). A stale value is
    served up to `keep` seconds (default: ten times `fresh`) while it is renewed."""

    def declare(count: Callable) -> Renewable:
        kind = Renewable(name, count, fresh, keep or 10 * fresh, per_language, per_region)
        _kinds[name] = kind
        return kind

    return declare


def kind(name: str) -> Renewable:
    return _kinds[name]


def read(kind: Renewable, args: tuple):
    key = kind.key(args)
    found = cache.get(key)
    if found is not None:
        counted_at, value = found
        stale = time.time() - counted_at > kind.fresh
        if stale and cache.add(f"{key}:queued", True, QUEUED_SECONDS):
            _renew_later(kind, args)
        return value
    if cache.add(f"{key}:counting", True, COUNTING_SECONDS):
        return kind.renew(*args)
    deadline = time.monotonic() + WAIT_SECONDS
    while cache.get(f"{key}:counting") is not None and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        found = cache.get(key)
        if found is not None:
            return found[1]
    # No one is counting it (the count ended, or the cache does not answer): count it here.
    found = cache.get(key)
    return found[1] if found is not None else kind.renew(*args)


def _renew_later(kind: Renewable, args: tuple) -> None:
    """The worker renews it when its count lands in the cache everyone reads; otherwise (no
    shared cache: a worker's count would stay in its own) this process, after its response."""
    task_args = (kind.name, list(args), translation.get_language(), _region())
    if settings.SHARED_CACHE:
        run_soon(renew_kept, *task_args)
    else:
        after_response(lambda: renew_kept.apply(task_args))


def _region() -> str | None:
    code = tenancy.current_code()
    return None if code == tenancy.default_code() else code


@shared_task
def renew_kept(name: str, args: list, language: str, region: str | None) -> None:
    """Count a kept value again in the language and region it is read in (the worker: every
    module declaring a kind imports this one). A failure is logged: the stale value stands."""
    try:
        with translation.override(language), tenancy.serving(region):
            kind(name).renew(*args)
    except Exception:  # also when it runs in a request because the broker is away
        logger.exception("could not renew the kept value %s%s", name, args)
