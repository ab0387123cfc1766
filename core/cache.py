"""The shared cache (REDIS_URL): Django's Redis cache, which a Redis outage only slows down.

While Redis does not answer, every read is a miss (the value is computed, as on a cold cache)
and every write is skipped: sessions are read from the database (`cached_db`), figures are
counted in the request. A stopped Redis refuses at once; one that hangs costs a request at
most the socket timeouts (settings), then is left alone for `outages.RETRY_SECONDS`.

What this process failed to write during an outage (a deletion that forgets a signed-out
session, a new version token) may leave an older value in a Redis that kept its data: when it
answers again, the process that missed a write empties the cache first, so that nothing stale is
read back from it. (Another process may read such a value for at most RETRY_SECONDS, until the
first one retries.)
"""

import functools
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

from . import outages

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
        breaker = outages.breaker(f"cache {self._server_names}")
        if breaker.should_skip() or not self._caught_up(breaker):
            return self._missed(name, args, kwargs)
        started = time.monotonic()
        try:
            result = method(self, *args, **kwargs)
        except (RedisError, OSError) as error:
            breaker.failed(error, spent=time.monotonic() - started)
            if name in _WRITES:
                self._stale.add(self._server_names)
            return self._missed(name, args, kwargs)
        breaker.answered()
        return result

    return call


class ResilientRedisCache(RedisCache):
    """RedisCache whose calls answer as an empty cache while Redis is unreachable."""

    # Processes (and every cache handler of their threads) share what they failed to write.
    _stale: set[str] = set()

    @functools.cached_property
    def _server_names(self) -> str:
        """The servers without their passwords (the name is logged)."""
        return ",".join(outages.safe_address(server) for server in self._servers)

    def _caught_up(self, breaker) -> bool:
        """After an outage in which this process failed to write, empty Redis before the first
        read (see the module's docstring); False if Redis fails again meanwhile."""
        if self._server_names not in self._stale:
            return True
        started = time.monotonic()
        try:
            self._cache.clear()
        except (RedisError, OSError) as error:
            breaker.failed(error, spent=time.monotonic() - started)
            return False
        self._stale.discard(self._server_names)
        breaker.answered()
        return True

    @staticmethod
    def _missed(name: str, args: tuple, kwargs: dict):
        if name == "get":
            return args[1] if len(args) > 1 else kwargs.get("default")
        if name == "incr":
            raise ValueError("the cache is unavailable")  # as for a key it does not hold
        if name == "set_many":
            return list(args[0] if args else kwargs.get("data", {}))
        return _MISSED[name]

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
        """Whether Redis answers now (for /healthz); a skipped try answers False."""
        breaker = outages.breaker(f"cache {self._server_names}")
        if breaker.should_skip():
            return False
        started = time.monotonic()
        try:
            self._cache.get_client(write=False).ping()
        except (RedisError, OSError) as error:
            breaker.failed(error, spent=time.monotonic() - started)
            return False
        if not self._caught_up(breaker):
            return False
        breaker.answered()
        return True
