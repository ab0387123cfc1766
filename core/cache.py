"""The shared cache (REDIS_URL): Django's Redis cache, which a Redis outage only slows down.

While Redis does not answer, every read is a miss (the value is computed, as on a cold cache)
and every write is skipped: sessions are read from the database (`cached_db`), figures are
counted in the request. A stopped Redis refuses at once; one that hangs costs a request at
most the socket timeouts (settings), then is left alone for a while (core.outages).

A write skipped or failed during an outage (a deletion that signs a session out, a new version
token) may leave an older value in a Redis that kept its data. The process that missed it notes
so in the database (core.models.SharedCacheState) as well as in memory; every process reads
that note when it starts and when it sees Redis again after an outage, before it reads from
Redis, and the first to find it empties the cache. So nothing stale is read back, whichever
process missed the write and even if it has died since. The cache's Redis database must hold
nothing else (REDIS_URL names one of its own).
"""

import contextlib
import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import DatabaseError, transaction
from django.utils import timezone
from redis.exceptions import RedisError

from . import outages

logger = logging.getLogger("csrportal.outages")

# What a call answers while Redis is away: what a cold, empty cache would answer.
_MISSED = {
    "add": False,
    "get": None,  # replaced by the caller's default
    "set": None,
    "touch": False,
    "delete": False,
    "get_many": {},
    "has_key": False,
    "set_many": None,  # replaced by every key: none was stored
    "delete_many": None,
    "clear": None,
}
_WRITES = {"add", "set", "touch", "delete", "set_many", "delete_many", "incr", "clear"}


def _guarded(name: str):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        breaker = self._breaker
        if breaker.should_skip() or not self._caught_up(breaker):
            return self._missed(name, args, kwargs)
        started = time.monotonic()
        try:
            result = method(self, *args, **kwargs)
        except (RedisError, OSError) as error:
            self._failed(breaker, error, time.monotonic() - started)
            return self._missed(name, args, kwargs)
        breaker.answered()
        return result

    return call


class _ReusedClient(RedisCacheClient):
    """Django's Redis client builds a `redis.Redis` (copying its ~150 reply callbacks) for
    every cache call; one per connection pool serves them all (it is thread-safe: each command
    takes a connection from the pool). A page makes about seven cache calls."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # a read may go to any of several servers
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class ResilientRedisCache(RedisCache):
    """RedisCache whose calls answer as an empty cache while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient

    # Per process (threads share them), by cache: writes missed since it was last emptied, and
    # whether the database's note was read since the process started or last saw an outage.
    _missed_writes: set[str] = set()
    _checked: set[str] = set()

    @functools.cached_property
    def _location(self) -> str:
        """The servers without their passwords (the name is logged and kept)."""
        return ",".join(outages.safe_address(server) for server in self._servers)

    @property
    def _breaker(self) -> outages.Breaker:
        return outages.breaker(f"cache {self._location}")

    def _failed(self, breaker, error, spent: float) -> None:
        breaker.failed(error, spent=spent)
        self._checked.discard(self._location)  # read the note again before reading Redis

    def _missed(self, name: str, args: tuple, kwargs: dict):
        if name in _WRITES:
            self._note_missed_write()
        if name == "get":
            return args[1] if len(args) > 1 else kwargs.get("default")
        if name == "incr":
            raise ValueError("the cache is unavailable")  # as for a key it does not hold
        if name == "set_many":
            return list(args[0] if args else kwargs.get("data", {}))
        return _MISSED[name]

    def _note_missed_write(self) -> None:
        """Once per outage: this process, and the database, remember that Redis may now hold
        a value it should not."""
        if self._location in self._missed_writes:
            return
        self._missed_writes.add(self._location)
        from .models import SharedCacheState

        try:
            with transaction.atomic():  # a failure leaves the caller's transaction usable
                SharedCacheState.objects.update_or_create(
                    location=self._location, defaults={"stale_since": timezone.now()}
                )
        except DatabaseError:
            logger.warning("could not note a missed cache write in the database")

    def _caught_up(self, breaker) -> bool:
        """Before the first read from Redis after this process starts or sees an outage: if
        any process missed a write meanwhile, empty Redis first (see the module's docstring).
        False if Redis fails again meanwhile."""
        location = self._location
        if location in self._checked and location not in self._missed_writes:
            return True
        from .models import SharedCacheState

        try:
            noted = SharedCacheState.objects.filter(location=location, stale_since__isnull=False)
            stale = location in self._missed_writes or noted.exists()
        except DatabaseError:
            return location not in self._missed_writes  # read again on the next call
        if stale:
            emptied_at = timezone.now()
            started = time.monotonic()
            try:
                self._cache.clear()
            except (RedisError, OSError) as error:
                self._failed(breaker, error, time.monotonic() - started)
                return False
            logger.warning("cache %s emptied: writes were missed while it was away", location)
            self._missed_writes.discard(location)
            # Left noted if the database fails: emptied again by the next process, only slower.
            with contextlib.suppress(DatabaseError):
                noted.filter(stale_since__lte=emptied_at).update(stale_since=None)
        self._checked.add(location)
        return True

    add = _guarded("add")
    get = _guarded("get")
    set = _guarded("set")
    touch = _guarded("touch")
    delete = _guarded("delete")
    get_many = _guarded("get_many")
    has_key = _guarded("has_key")
    incr = _guarded("incr")
    set_many = _guarded("set_many")
    delete_many = _guarded("delete_many")
    clear = _guarded("clear")

    def ping(self) -> bool:
        """Whether Redis answers (for /healthz): without a try when this process used it a
        moment ago; otherwise one PING, bounded by the socket timeouts, even while the breaker
        leaves Redis alone: a health check reports the present, and a PING that answers ends
        the process's outage at once instead of at its next retry."""
        breaker = self._breaker
        if breaker.answered_within(outages.HEALTHY_SECONDS):
            return True
        started = time.monotonic()
        try:
            self._cache.get_client(write=False).ping()
        except (RedisError, OSError) as error:
            self._failed(breaker, error, time.monotonic() - started)
            return False
        breaker.answered()
        return True
