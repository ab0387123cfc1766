"""The dashboard's sums over every pledge of the plan (seconds at national scale): kept and
renewed once a minute old without a planner waiting for them (core.kept: the stale sums are
shown while one process, the worker or the one that served the page after its response,
counts them again). Sums are never older than KEPT_SECONDS: past that they are counted in the
request.
"""

from django.core.cache import cache

from core import kept, versions
from planning.models import DevelopmentPlan

from . import figures

FRESH_SECONDS = 60
KEPT_SECONDS = 60 * 60
LISTS_SECONDS = 10 * 60


def count(plan, year) -> dict:
    companies, company_count = figures.by_company(plan, year)
    aligned, aligned_by_sector = figures.alignment(plan, year)
    return {
        "aligned": aligned,
        "aligned_by_sector": aligned_by_sector,
        "priorities": figures.priorities(plan, year),
        "pillars": figures.by_pillar(plan, year),
        "sectors": figures.by_sector(plan, year),
        "companies": companies,
        "company_count": company_count,
    }


# Named for what it holds: a value kept by an older release (without CSR in the plan) is never
# read as one.
@kept.renewable("dashboard-sums", fresh=FRESH_SECONDS, keep=KEPT_SECONDS)
def _counted(plan_id: int, year: int | None) -> dict:
    return count(DevelopmentPlan.objects.select_related("city").get(pk=plan_id), year)


def sums(plan, year) -> dict:
    """The plan's sums for `year` (None: every year), at most a minute old but for a renewal."""
    return _counted(plan.pk, year)


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
