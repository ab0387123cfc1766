"""Reads that tolerate a minute's lag, on a PostgreSQL streaming replica (DATABASE_REPLICA_URL).

Public pages, the overviews, exports and the open-data files read from the replica
(`LaggingReadsMixin`, `lagging_reads`); everything else, every write, and every read of a person
who changed something in the last REPLICA_LAG_SECONDS (`RecentWriteMiddleware` notes it in the
session) stays on the primary. A replica that does not answer is left alone for a while
(core.outages, as Redis is) and its reads go to the primary: a replica's loss costs the
primary some load, never a page. Without DATABASE_REPLICA_URL everything reads the primary.
"""

import contextlib
import contextvars
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from . import outages

REPLICA = "replica"
# How long a person's own reads stay on the primary after they changed something: a replica
# lags by well under a second when healthy; a minute leaves room for a slow one.
REPLICA_LAG_SECONDS = 60
WROTE_KEY = "wrote_at"

_reading: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def breaker() -> outages.Breaker:
    return outages.breaker(
        f"database replica {outages.safe_address(settings.DATABASE_REPLICA_URL)}"
    )


def answers() -> bool:
    """Whether the replica answers: without a try when it answered a moment ago or failed a
    moment ago; else one `SELECT 1`, bounded by its connect timeout."""
    state = breaker()
    if state.answered_within(outages.HEALTHY_SECONDS):
        return True
    if state.should_skip():
        return False
    started = time.monotonic()
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        state.failed(error, spent=time.monotonic() - started)
        connections[REPLICA].close_if_unusable_or_obsolete()
        return False
    state.answered()
    return True


@contextlib.contextmanager
def lagging_reads(request=None):
    """Within the block, reads go to the replica when one is configured and answers, unless
    `request`'s user changed something a moment ago."""
    use = configured() and not _wrote_lately(request) and answers()
    token = _reading.set(use)
    try:
        yield use
    finally:
        _reading.reset(token)


def _wrote_lately(request) -> bool:
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return False
    wrote_at = request.session.get(WROTE_KEY)
    return isinstance(wrote_at, (int, float)) and time.time() - wrote_at < REPLICA_LAG_SECONDS


class LaggingReadsMixin:
    """A view whose reads may lag a minute (public pages, overviews): on the replica, its
    template rendered within (a TemplateResponse renders after the view returns). A replica
    that fails meanwhile is left alone and the page is made again on the primary (these pages
    only read)."""

    def dispatch(self, request, *args, **kwargs):
        with lagging_reads(request) as on_replica:
            try:
                return self._made(request, *args, **kwargs)
            except DatabaseError as error:
                if not on_replica or _failed_alias(error) != REPLICA:
                    raise
                breaker().failed(error)
                connections[REPLICA].close()
        return self._made(request, *args, **kwargs)  # on the primary

    def _made(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        return response


def _failed_alias(error: DatabaseError) -> str:
    """Which connection failed: the replica's when its connection is broken or gone."""
    replica = connections[REPLICA]
    if replica.connection is None or not replica.is_usable():
        return REPLICA
    return DEFAULT_DB_ALIAS


class ReplicaRouter:
    """Reads inside `lagging_reads` to the replica; every other read, and every write, to the
    primary (an object read from the replica is saved to the primary). The replica is never
    migrated: it follows the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reading.get() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


class RecentWriteMiddleware:
    """Notes in the session when a signed-in person changed something (a POST that did not
    fail), so that their next minute of reads stays on the primary. Only with a replica."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            configured()
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and response.status_code < 400
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
        ):
            request.session[WROTE_KEY] = time.time()
        return response
