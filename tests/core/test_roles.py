"""A user's roles and session are kept between requests in the shared cache; every change of a
role takes effect at the next request, whatever the entry point."""

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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


def test_a_planner_taken_out_of_the_group_loses_the_role_from_either_side(
    client_for, planner, plan
):
    client, url = client_for(planner), reverse("planning:need_create")
    group = Group.objects.get(name="planner")
    assert client.get(url).status_code == 200
    planner.groups.remove(group)
    assert client.get(url).status_code == 403
    planner.groups.add(group)
    assert client.get(url).status_code == 200
    group.user_set.remove(planner)
    assert client.get(url).status_code == 403
    group.user_set.add(planner)
    group.user_set.clear()
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
