"""A user's roles and session are kept between requests in the shared cache; every change of a
role takes effect at the next request, whatever the entry point."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import RegionRole
from companies.models import Membership
from tests.utils import queries_for


def test_an_officer_removed_from_a_company_loses_it_at_the_next_request(
    officer_client, officer_a, program_a
):
    url = program_a.get_absolute_url()
    assert officer_client.get(url).status_code == 200  # roles now cached
    Membership.objects.filter(user=officer_a).delete()
    assert officer_client.get(url).status_code == 404


def test_an_officer_added_to_a_company_gets_it_at_the_next_request(
    client_for, officer_b, program_a
):
    client = client_for(officer_b)
    url = program_a.get_absolute_url()
    assert client.get(url).status_code == 404
    Membership.objects.create(user=officer_b, company=program_a.company)
    assert client.get(url).status_code == 200


def test_a_planner_role_taken_given_or_changed_takes_effect_at_the_next_request(
    client_for, planner, plan
):
    client, url = client_for(planner), reverse("planning:need_create")
    role = planner.region_roles.get()
    assert client.get(url).status_code == 200  # the roles are now cached
    role.role = RegionRole.READER
    role.save()
    assert client.get(url).status_code == 403
    role.role = RegionRole.PLANNER
    role.save()
    assert client.get(url).status_code == 200
    role.delete()
    assert client.get(url).status_code == 403


def test_a_warm_page_reads_neither_session_nor_roles_and_an_emptied_cache_signs_nobody_out(
    planner_client, plan
):
    url = reverse("planning:priority_list")
    cold = queries_for(planner_client, url)
    planner_client.get(url)
    with CaptureQueriesContext(connection) as warm:
        planner_client.get(url)
    assert len(warm.captured_queries) <= cold - 3  # session, groups, memberships
    cache.clear()
    assert planner_client.get(url).status_code == 200  # the session is also in the database


@pytest.mark.django_db(transaction=True)
def test_a_role_taken_away_in_another_process_is_forgotten_through_redis(
    client_for, planner, plan, shared_cache
):
    """Two processes sharing Redis (REDIS_URL), as two gunicorn workers or machines do: the
    other process takes the planner's role away; this one's next page refuses."""
    client, url = client_for(planner), reverse("planning:need_create")
    assert client.get(url).status_code == 200
    assert cache.get(f"roles:{planner.pk}") == {
        "regions": [("36.72", "planner")],
        "companies": [],
    }
    shared_cache(
        "from accounts.models import RegionRole; "
        f"RegionRole.objects.get(user_id={planner.pk}).delete()"
    )
    assert cache.get(f"roles:{planner.pk}") is None
    assert client.get(url).status_code == 403


def test_the_current_plan_is_read_once_and_a_changed_plan_is_seen_at_once(planner_client, plan):
    from planning.models import DevelopmentPlan

    url = reverse("planning:priority_list")
    planner_client.get(url)
    with CaptureQueriesContext(connection) as warm:
        planner_client.get(url)
    assert not any("planning_developmentplan" in q["sql"] for q in warm.captured_queries)
    plan.title = "RPJMD Kota Cilegon 2025-2029 (perubahan)"
    plan.save()
    assert "(perubahan)" in planner_client.get(url).content.decode()
    DevelopmentPlan.objects.filter(pk=plan.pk).delete()
    assert planner_client.get(url).status_code == 404
