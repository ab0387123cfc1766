"""Background work of the dashboard (core.tasks): the round's workbook. Its kept values are
renewed by core.kept.renew_kept: importing their modules here declares them in the worker."""

from celery import shared_task

from core import prepared
from programs.models import Round

from . import dashboard, public, workbook  # noqa: F401 (they declare the kept values the worker renews)


@shared_task
def prepare_round_workbook(prepared_id: int, round_id: int) -> None:
    """Write the round's workbook for the meeting into the prepared file `prepared_id`."""
    round = Round.objects.select_related("plan__city").get(pk=round_id)
    prepared.write(prepared_id, lambda file: workbook.write(round, file))
