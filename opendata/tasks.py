"""Background work of open data (core.tasks): writing a feed's file."""

from celery import shared_task

from core import prepared

from . import feeds


@shared_task
def write_feed(prepared_id: int, scope: str, fmt: str) -> None:
    """Write the feed's file `prepared_id` (the worker, or the process after its response)."""
    prepared.write(prepared_id, feeds.filler(scope, fmt))
