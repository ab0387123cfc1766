"""Background work of the dashboard (core.tasks): its sums, the round's workbook."""

from celery import shared_task
from django.utils import translation

from core import prepared
from planning.models import DevelopmentPlan
from programs.models import Round

from . import dashboard, workbook


@shared_task
def prepare_round_workbook(prepared_id: int, round_id: int) -> None:
    """Write the round's workbook for the meeting into the prepared file `prepared_id`."""
    round = Round.objects.select_related("plan__city").get(pk=round_id)
    prepared.write(prepared_id, lambda file: workbook.write(round, file))


@shared_task
def renew_dashboard(plan_id: int, year: int | None, language: str) -> None:
    """Count the dashboard's sums for the plan and year (None: every year) again."""
    plan = DevelopmentPlan.objects.select_related("city").get(pk=plan_id)
    with translation.override(language):
        dashboard.renew(plan, year)
