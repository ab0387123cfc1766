"""What the portal does when a helper service (the Redis cache, the task queue) stops answering:
it goes on without it. Losing Redis costs speed, never service.

Each helper has a `Breaker` in this process. After a failure the helper is left alone for a
while (a request that would use it goes on at once without it, instead of waiting for a
connection that fails), then tried again: 2 s after a refused connection, which costs nothing;
ten times what a failed try cost (a hung server's timeout), at most 30 s, so that a helper that
hangs holds a process at most a tenth of the time. The outage is logged once when it starts, at
most once a minute while it lasts, and once when it ends; `/healthz` reports each helper's state.
"""

import logging
import threading
import time
from urllib.parse import urlsplit

logger = logging.getLogger("csrportal.outages")

RETRY_SECONDS = 2.0  # at least
RETRY_MAX_SECONDS = 30.0
LOG_SECONDS = 60.0
# /healthz reports a helper this process used this recently as answering, without a try.
HEALTHY_SECONDS = 2.0


class Breaker:
    """Whether a helper answered lately, in this process (threads share it)."""

    def __init__(self, name: str):
        self.name = name
        self.down_since: float | None = None
        self.retry_at = 0.0
        self.logged_at = 0.0
        self.answered_at = 0.0
        self._lock = threading.Lock()

    @property
    def is_down(self) -> bool:
        return self.down_since is not None

    def should_skip(self) -> bool:
        """True while the helper failed a moment ago: don't try it now."""
        return self.down_since is not None and time.monotonic() < self.retry_at

    def failed(self, error: BaseException, *, spent: float = 0.0) -> None:
        """Note a failure that took `spent` seconds to show."""
        now = time.monotonic()
        with self._lock:
            starting = self.down_since is None
            if starting:
                self.down_since = now
            self.retry_at = now + min(max(RETRY_SECONDS, 10 * spent), RETRY_MAX_SECONDS)
            log = starting or now - self.logged_at >= LOG_SECONDS
            if log:
                self.logged_at = now
        if log:
            logger.warning(
                "%s unavailable (%s: %s); going on without it, trying again in %.0f s",
                self.name,
                type(error).__name__,
                error,
                self.retry_at - now,
            )

    def answered(self) -> bool:
        """Note a success; True when it ends an outage (the caller may need to catch up)."""
        self.answered_at = time.monotonic()
        if self.down_since is None:
            return False
        with self._lock:
            if self.down_since is None:
                return False
            lasted, self.down_since = time.monotonic() - self.down_since, None
        logger.warning("%s answers again after %.1f s", self.name, lasted)
        return True

    def answered_within(self, seconds: float) -> bool:
        return self.down_since is None and time.monotonic() - self.answered_at < seconds

    def reset(self) -> None:
        with self._lock:
            self.down_since, self.retry_at, self.logged_at = None, 0.0, 0.0


def safe_address(url: str) -> str:
    """A service's URL as it may be logged: scheme, host, port and path, never a password."""
    try:
        parts = urlsplit(url)
        host = f"{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}"
    except ValueError:
        return "(address not shown)"
    return f"{parts.scheme}://{host}{parts.path}"


_breakers: dict[str, Breaker] = {}


def breaker(name: str) -> Breaker:
    """The process's breaker for the helper `name` (one per name)."""
    found = _breakers.get(name)
    if found is None:
        found = _breakers.setdefault(name, Breaker(name))
    return found
