"""The dashboard's sums are kept and renewed once a minute old (core.kept): a planner never
waits for them, and never sees them older than the renewal."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from core import kept
from core.kept import renew_kept
from insight import dashboard
from planning import services as planning_services
from planning.models import Need
from tests.factories import PledgeFactory, ProgramFactory


@pytest.fixture
def later():
    """Moves the kept values' clock on by `seconds`."""
    clock = {"now": 1_800_000_000.0}
    with mock.patch.object(kept.time, "time", lambda: clock["now"]):

        def move(seconds):
            clock["now"] += seconds

        yield move


def pledged(client) -> int:
    return sum(
        row.pledged_rupiah for row in client.get(reverse("insight:dashboard")).context["priorities"]
    )


def approve_one_more(plan, company, need, amount):
    program = ProgramFactory(company=company, plan=plan, status="approved")
    PledgeFactory(program=program, need=need, quantity=1, amount=amount)


def test_fresh_sums_are_not_counted_again(planner_client, plan, company_a, tegal_ratu_need, later):
    approve_one_more(plan, company_a, tegal_ratu_need, 100_000_000)
    assert pledged(planner_client) == 100_000_000
    approve_one_more(plan, company_a, tegal_ratu_need, 50_000_000)
    later(dashboard.FRESH_SECONDS - 1)
    assert pledged(planner_client) == 100_000_000  # less than a minute old: kept


def test_without_a_worker_stale_sums_are_shown_and_counted_after_the_response(
    planner_client, plan, company_a, tegal_ratu_need, later, settings
):
    settings.SHARED_CACHE = False
    approve_one_more(plan, company_a, tegal_ratu_need, 100_000_000)
    assert pledged(planner_client) == 100_000_000
    approve_one_more(plan, company_a, tegal_ratu_need, 50_000_000)
    later(dashboard.FRESH_SECONDS + 1)
    with mock.patch.object(dashboard, "count", wraps=dashboard.count) as counted:
        assert pledged(planner_client) == 100_000_000  # shown at once, as they were...
        assert counted.call_count == 1  # ...and counted again once the response was sent
        assert pledged(planner_client) == 150_000_000
        assert counted.call_count == 1


def test_with_a_worker_stale_sums_are_shown_while_one_renewal_is_queued(
    planner_client,
    plan,
    company_a,
    tegal_ratu_need,
    later,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SHARED_CACHE = True
    settings.CELERY_TASK_ALWAYS_EAGER = False
    approve_one_more(plan, company_a, tegal_ratu_need, 100_000_000)
    assert pledged(planner_client) == 100_000_000
    approve_one_more(plan, company_a, tegal_ratu_need, 50_000_000)
    later(dashboard.FRESH_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert pledged(planner_client) == 100_000_000  # shown at once, as they were
        assert pledged(planner_client) == 100_000_000  # one renewal is asked for, not two
    assert len(queued) == 1
    with mock.patch.object(renew_kept, "apply_async", lambda args: renew_kept.apply(args)):
        queued[0]()  # the worker renews them (here: the task, run in this process)
    assert pledged(planner_client) == 150_000_000


def test_with_nothing_kept_the_sums_are_counted_in_the_request(
    planner_client, plan, company_a, tegal_ratu_need, later, settings
):
    """The first view, or one after KEPT_SECONDS (the entry expired): no stale figure to show."""
    settings.SHARED_CACHE = True
    approve_one_more(plan, company_a, tegal_ratu_need, 100_000_000)
    assert pledged(planner_client) == 100_000_000
    approve_one_more(plan, company_a, tegal_ratu_need, 50_000_000)
    cache.clear()
    assert pledged(planner_client) == 150_000_000


def test_the_largest_unfunded_needs_are_kept_until_a_need_changes(
    planner_client, planner, plan, tegal_ratu_need
):
    def largest():
        return [
            n.title for n in planner_client.get(reverse("insight:dashboard")).context["unfunded"]
        ]

    assert largest() == ["Rutilahu Tegal Ratu"]
    Need.objects.filter(pk=tegal_ratu_need.pk).update(title="Diam-diam")  # no service: kept
    assert largest() == ["Rutilahu Tegal Ratu"]
    tegal_ratu_need.title = "Rutilahu Tegal Ratu (data 2027)"
    planning_services.need_save(need=tegal_ratu_need, by=planner, fields=["title"])
    assert largest() == ["Rutilahu Tegal Ratu (data 2027)"]


def test_the_forgotten_kelurahan_follow_where_committed_programs_work(
    planner_client, plan, company_a, tegal_ratu_need, village
):
    def forgotten():
        rows = planner_client.get(reverse("insight:dashboard")).context["forgotten"]
        return [row["village__code"] for row in rows]

    program = ProgramFactory(company=company_a, plan=plan, status="approved")
    assert village.code in forgotten()
    program.villages.add(village)  # e.g. the admin's correction: no service, a signal
    assert village.code not in forgotten()
