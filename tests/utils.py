import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url) -> int:
    """How many SQL queries one GET of `url` runs (asserting it answers 200), cold: cached
    fragments are dropped first, so every measurement is the worst case."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


postgres_only = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="PostgreSQL-only behaviour (run with DATABASE_URL=postgres://...)",
)
