"""The admin is an entry point like any page: tampered URLs, actions and inlines end in a
message or a refusal, never in a server error (found by an attack run on the admin)."""

import pytest
from django.test import Client
from django.urls import reverse

from planning.models import Need
from programs.models import Program
from tests.factories import PriorityFactory
from tests.utils import admin_form_data


@pytest.fixture
def admin_client(staff):
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "query",
    [
        "?title__regex=(",
        "?status__regex=(",
        "?start_date__year=99999",
        "?title__range=a,b",
        "?status=%E2%80%AE",
    ],
)
def test_tampered_changelist_lookups_are_refused_not_crashed(admin_client, program_a, query):
    response = admin_client.get(reverse("admin:programs_program_changelist") + query)
    assert response.status_code < 500


def test_the_audit_trail_refuses_unfiltered_lookups(admin_client, staff):
    url = reverse("admin:auditlog_logentry_changelist")
    for query in ("?remote_addr__exact=x", "?changes__icontains=zz"):
        assert admin_client.get(url + query).status_code < 500


@pytest.mark.parametrize("selected", ["abc", "", "1e3", "99999999999999999999"])
def test_a_tampered_action_selection_is_a_message(admin_client, program_a, selected):
    response = admin_client.post(
        reverse("admin:programs_program_changelist"),
        {"action": "move_to_approved", "_selected_action": [selected]},
    )
    assert response.status_code < 500


def test_moving_a_pledged_need_to_another_priority_is_a_form_error(
    admin_client, program_a, tegal_ratu_need, plan
):
    other = PriorityFactory(plan=plan, code="LAIN")
    url = reverse("admin:planning_need_change", args=[tegal_ratu_need.pk])
    data = admin_form_data(admin_client.get(url), priority=str(other.pk))
    response = admin_client.post(url, data)
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert Need.objects.get(pk=tegal_ratu_need.pk).priority_id != other.pk


def test_sdgs_can_only_be_chosen_from_the_list(admin_client, program_a):
    url = reverse("admin:programs_program_change", args=[program_a.pk])
    for value in ("5", "NaN", "[" * 5000, "99"):
        data = admin_form_data(admin_client.get(url), sdgs=value)
        assert admin_client.post(url, data).status_code in (200, 302)
    program = Program.objects.get(pk=program_a.pk)
    assert isinstance(program.sdgs, list)
    assert admin_client.get(program.get_absolute_url()).status_code < 500


def test_an_inline_conflict_is_a_message_and_nothing_is_saved(admin_client, plan, rutilahu):
    url = reverse("admin:planning_developmentplan_change", args=[plan.pk])
    page = admin_client.get(url)
    data = admin_form_data(page)
    # Two priorities of the plan with one code: the database refuses the second.
    data.update(
        {
            "priorities-TOTAL_FORMS": "2",
            "priorities-1-code": "RUTILAHU",
            "priorities-1-title": "Lagi",
            "priorities-1-pillar": "infrastructure",
            "priorities-1-unit": "house",
            "priorities-1-target_quantity": "5",
            "priorities-1-agency": "Disperkim",
            "title": "RPJMD diubah",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code in (200, 302)
    plan.refresh_from_db()
    assert plan.title != "RPJMD diubah" or plan.priorities.filter(code="RUTILAHU").count() == 1


def test_a_users_dates_are_read_only(admin_client, planner):
    url = reverse("admin:accounts_user_change", args=[planner.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "date_joined" not in form.fields and "last_login" not in form.fields
