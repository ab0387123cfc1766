"""Background work of realization reporting (core.tasks)."""

from celery import shared_task
from django.contrib.auth import get_user_model

from core import tenancy
from delivery import compliance


@shared_task
def remind_missing_reports(by_id: int, region: str | None = None) -> int:
    """Email the officers of every company with reports missing in the region `region` (a
    code; None: the default region) the list of them (each officer once a day per region),
    recorded as asked by user `by_id`. Returns how many companies were reminded."""
    by = get_user_model().objects.get(pk=by_id)
    with tenancy.serving(region):
        rows = compliance.by_company(compliance.region_companies().order_by("name"))
        return sum(
            1 for row in rows if row.missing and compliance.remind_missing(compliance=row, by=by)
        )
