"""Background work of the dashboard (core.tasks): its sums, the round's workbook."""

from celery import shared_task

from core import prepared
from programs.models import Round

from . import workbook
from .dashboard import renew_dashboard  # noqa: F401 (defined beside what it renews)


@shared_task
def prepare_round_workbook(prepared_id: int, round_id: int) -> None:
    """Write the round's workbook for the meeting into the prepared file `prepared_id`."""
    round = Round.objects.select_related("plan__city").get(pk=round_id)
    prepared.write(prepared_id, lambda file: workbook.write(round, file))
