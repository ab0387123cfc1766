"""The dashboard's sums over every pledge of the plan (seconds at national scale): kept in the
cache and renewed in the background once a minute old, so that no planner waits for them.

A page that finds them older than FRESH_SECONDS still shows them and queues one renewal
(`renew_dashboard`; one per plan, year and language at a time). The worker's renewal reaches the
web processes only through a shared cache (REDIS_URL): with the per-process cache, stale sums
are counted again in the request, as they were before. Sums are never older than
KEPT_SECONDS: past that they are counted in the request.
"""

import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import get_language

from core import versions
from core.tasks import run_later
from planning.models import DevelopmentPlan

from . import figures

FRESH_SECONDS = 60
KEPT_SECONDS = 60 * 60
RENEWAL_SECONDS = 5 * 60  # a renewal not done by then (a worker that died) is queued again
LISTS_SECONDS = 10 * 60


def _key(plan, year, language) -> str:
    return f"insight:dashboard:{plan.pk}:{year}:{language}"


def count(plan, year) -> dict:
    companies, company_count = figures.by_company(plan, year)
    return {
        "priorities": figures.priorities(plan, year),
        "pillars": figures.by_pillar(plan, year),
        "sectors": figures.by_sector(plan, year),
        "companies": companies,
        "company_count": company_count,
    }


def renew(plan, year) -> dict:
    """Count the sums and keep them (the task, and a page that finds none)."""
    sums = count(plan, year)
    key = _key(plan, year, get_language())
    cache.set(key, (time.time(), sums), KEPT_SECONDS)
    cache.delete(f"{key}:renewing")
    return sums


def sums(plan, year) -> dict:
    language = get_language()
    key = _key(plan, year, language)
    kept = cache.get(key)
    if kept is None:
        return renew(plan, year)
    counted_at, found = kept
    if time.time() - counted_at <= FRESH_SECONDS:
        return found
    if not settings.SHARED_CACHE:
        return renew(plan, year)
    if cache.add(f"{key}:renewing", True, RENEWAL_SECONDS):
        run_later(renew_dashboard, plan.pk, year, language)
    return found


@shared_task
def renew_dashboard(plan_id: int, year: int | None, language: str) -> None:
    """Count the dashboard's sums for the plan and year (None: every year) again (the worker;
    registered through insight.tasks)."""
    plan = DevelopmentPlan.objects.select_related("city").get(pk=plan_id)
    with translation.override(language):
        renew(plan, year)


def needs_lists(plan) -> dict:
    """The largest unfunded needs and the kelurahan CSR forgot, read from every open need:
    kept while no need, pledge or committed program changes (core.versions "needs" and
    "reach")."""
    return cache.get_or_set(
        f"insight:needs:{plan.pk}:{versions.current('needs', 'reach')}",
        lambda: {
            "unfunded": figures.largest_unfunded_needs(plan),
            "forgotten": figures.forgotten_villages(plan),
        },
        LISTS_SECONDS,
    )
