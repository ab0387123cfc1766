import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from planning.models import DevelopmentPlan, Need
from tests.factories import NeedFactory, PlanFactory, PriorityFactory


def integrity_error(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_the_database_refuses_a_non_positive_quantity(rutilahu):
    integrity_error(lambda: NeedFactory(priority=rutilahu, quantity=0))


def test_the_database_refuses_more_pledged_than_needed(rutilahu):
    need = NeedFactory(priority=rutilahu, quantity=10)
    need.pledged_quantity = 11
    integrity_error(need.save)


def test_the_database_refuses_a_negative_unit_cost(rutilahu):
    need = NeedFactory(priority=rutilahu)
    need.estimated_unit_cost = -1
    integrity_error(need.save)


def test_priority_codes_are_unique_per_plan(rutilahu, cilegon):
    integrity_error(lambda: PriorityFactory(plan=rutilahu.plan, code="RUTILAHU"))
    other_plan = PlanFactory(first_year=2030, last_year=2034)
    assert PriorityFactory(plan=other_plan, code="RUTILAHU").pk


def test_external_references_are_unique_per_priority_but_may_be_blank(rutilahu, classrooms):
    NeedFactory(priority=rutilahu, external_ref="A-1")
    NeedFactory(priority=classrooms, external_ref="A-1")
    NeedFactory(priority=rutilahu, external_ref="")
    NeedFactory(priority=rutilahu, external_ref="")
    integrity_error(lambda: NeedFactory(priority=rutilahu, external_ref="A-1"))


def test_a_plan_ends_after_it_starts(cilegon):
    integrity_error(lambda: PlanFactory(first_year=2029, last_year=2025))


def test_a_need_must_lie_in_the_plan_s_city(rutilahu, outside_village):
    need = Need(
        priority=rutilahu, village=outside_village, title="x", quantity=1, estimated_unit_cost=0
    )
    with pytest.raises(ValidationError) as excinfo:
        need.full_clean()
    assert "village" in excinfo.value.message_dict


def test_the_current_plan_is_the_one_running_this_year(cilegon):
    old = PlanFactory(first_year=2020, last_year=2024)
    running = PlanFactory(first_year=2025, last_year=2029)
    assert DevelopmentPlan.objects.current(year=2026) == running
    assert DevelopmentPlan.objects.current(year=2022) == old
    assert DevelopmentPlan.objects.current(year=2040) == running  # the latest, when none runs


def test_coverage_sums_the_needs(rutilahu):
    NeedFactory(priority=rutilahu, quantity=40, pledged_quantity=25)
    NeedFactory(priority=rutilahu, quantity=60)
    priority = type(rutilahu).objects.with_coverage().get(pk=rutilahu.pk)
    assert (priority.registered, priority.pledged, priority.gap, priority.need_count) == (
        100,
        25,
        2075,
        2,
    )
